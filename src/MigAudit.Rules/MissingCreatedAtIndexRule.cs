using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class MissingCreatedAtIndexRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "missing-created-at-index",
        Title: "Write-heavy tables without a created_at index",
        Severity: Severity.Low,
        Blocking: false,
        Summary: "A table that grows with traffic (logs, events, messages, deliveries...) has created_at but no index starting with it.",
        Impact: "Time-range queries, retention jobs and 'latest N' views scan the whole table as it grows.")
    {
        Category = RuleCategory.Indexes,
        EffortPerFindingMinutes = 5,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        // An index missing is a claim of absence: only on tables whose contents are all known.
        foreach (var table in input.Schema.Schema.Tables.Values.Where(input.Schema.Schema.IndexesKnown).OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            if (table.Column("created_at") is null || !SchemaLocation.IsWriteHeavy(table.Name) || table.Indexes.Any(i => i.Columns.FirstOrDefault() == "created_at"))
            {
                continue;
            }

            yield return Found(
                $"{table.Name} looks write-heavy (its rows grow with traffic) and has created_at, but no index starts with created_at.",
                file: SchemaLocation.PathOf(input, table.Origin.Migration),
                key: table.Name,
                line: table.Origin.Line,
                helper: table.Origin.Helper,
                headline: table.Name,
                action: $"Add table.index(['created_at']) on {table.Name} in a new migration (or a composite that starts with it)");
        }
    }
}
