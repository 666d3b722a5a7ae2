using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class FkMissingOnDeleteRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "fk-missing-on-delete",
        Title: "Foreign keys without onDelete",
        Severity: Severity.Low,
        Blocking: false,
        Summary: "A foreign key does not say what happens when the referenced row is deleted (the database then uses NO ACTION).",
        Impact: "Deleting a parent row fails with a foreign-key violation wherever children exist; the intent (cascade, set null, restrict) is undocumented.")
    {
        Category = RuleCategory.ForeignKeys,
        EffortPerFindingMinutes = 5,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        foreach (var table in input.Schema.Schema.Tables.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            foreach (var fk in table.ForeignKeys.Where(f => f.OnDelete is null && input.Schema.Schema.Knows(table, f.Origin)))
            {
                yield return Found(
                    $"{table.Name}{SchemaLocation.Columns(fk.Columns)} references {fk.ReferencesTable} without onDelete: deleting a {fk.ReferencesTable} row that has {table.Name} rows fails (NO ACTION).",
                    file: SchemaLocation.PathOf(input, fk.Origin.Migration),
                    key: $"{table.Name}({string.Join(",", fk.Columns)})->{fk.ReferencesTable}",
                    line: fk.Origin.Line,
                    helper: fk.Origin.Helper,
                    headline: $"{table.Name}.{string.Join(",", fk.Columns)} -> {fk.ReferencesTable} ({fk.Origin.Helper?.File ?? fk.Origin.Migration}:{fk.Origin.Line})",
                    action: $"Add .onDelete('CASCADE' | 'SET NULL' | 'RESTRICT') to {table.Name}.{string.Join(",", fk.Columns)} in a new migration");
            }
        }
    }
}
