using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class FkMissingIndexRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "fk-missing-index",
        Title: "Foreign keys without an index",
        Severity: Severity.Low,
        Blocking: false,
        Summary: "The database does not index the referencing column of a foreign key by itself (MySQL's InnoDB does, so the rule skips MySQL).",
        Impact: "Joins on the key and every delete or update of a parent row scan the child table.")
    {
        Category = RuleCategory.ForeignKeys,
        // InnoDB creates an index for every foreign key that lacks one; PostgreSQL, SQLite, SQL Server and Oracle do not.
        Dialects = [SqlDialect.PostgreSQL, SqlDialect.SQLite, SqlDialect.MSSQL, SqlDialect.Oracle],
        EffortPerFindingMinutes = 5,
    };

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        // An index missing is a claim of absence: only on tables whose contents are all known.
        foreach (var table in input.Schema.Schema.Tables.Values.Where(input.Schema.Schema.IndexesKnown).OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            foreach (var fk in table.ForeignKeys.Where(f => !SchemaLocation.HasLeadingIndex(table, f.Columns)))
            {
                yield return Found(
                    $"{table.Name}{SchemaLocation.Columns(fk.Columns)} references {fk.ReferencesTable} but no index starts with {SchemaLocation.Columns(fk.Columns)}: {(input.Project.Dialect.Dialect == SqlDialect.Unknown ? "the database" : input.Project.Dialect.Dialect)} does not create one for a foreign key, so deletes on {fk.ReferencesTable} and joins scan {table.Name}.",
                    file: SchemaLocation.PathOf(input, fk.Origin.Migration),
                    key: $"{table.Name}({string.Join(",", fk.Columns)})->{fk.ReferencesTable}",
                    line: fk.Origin.Line,
                    helper: fk.Origin.Helper,
                    headline: $"{table.Name}.{string.Join(",", fk.Columns)} -> {fk.ReferencesTable}",
                    action: $"Add table.index([{string.Join(", ", fk.Columns.Select(c => $"'{c}'"))}]) on {table.Name} in a new migration");
            }
        }
    }
}
