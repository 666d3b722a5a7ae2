using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class MissingTenantTimeIndexRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "missing-tenant-time-index",
        Title: "Tenant tables without a (tenant, created_at) index",
        Severity: Severity.Low,
        Blocking: false,
        Summary: "A table with the tenant column and created_at has no index starting with (tenant, created_at).",
        Impact: "Per-tenant timelines ('this workspace's latest items') read every row of the tenant or scan by time across tenants.")
    {
        Category = RuleCategory.Indexes,
        EffortPerFindingMinutes = 5,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        var tenant = input.TenantColumn;
        // An index missing is a claim of absence: only on tables whose contents are all known.
        foreach (var table in input.Schema.Schema.Tables.Values.Where(input.Schema.Schema.IndexesKnown).OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            if (table.Column(tenant) is null || table.Column("created_at") is null ||
                table.Indexes.Any(i => i.Columns.Count >= 2 && i.Columns[0] == tenant && i.Columns[1] == "created_at"))
            {
                continue;
            }

            yield return Found(
                $"{table.Name} has {tenant} and created_at but no index starting with ({tenant}, created_at).",
                file: SchemaLocation.PathOf(input, table.Origin.Migration),
                key: table.Name,
                line: table.Origin.Line,
                helper: table.Origin.Helper,
                headline: table.Name,
                action: $"Add table.index(['{tenant}', 'created_at']) on {table.Name} in a new migration");
        }
    }
}
