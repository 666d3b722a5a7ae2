using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// CREATE DOMAIN with a CHECK or NOT NULL in a pending migration: creating it locks nothing, but every later change of
/// that rule (ALTER DOMAIN ... ADD CONSTRAINT, VALIDATE CONSTRAINT, SET NOT NULL) is tested against every column of the
/// domain under a SHARE lock on each table (pg_locks on PostgreSQL 15), with no NOT VALID escape; a table's CHECK
/// constraint can be added NOT VALID and validated under SHARE UPDATE EXCLUSIVE. Advice on what the next deploy
/// creates only (squawk's ban-create-domain-with-constraint).
/// </summary>
public sealed class CreateDomainWithConstraintRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "create-domain-with-constraint",
        Title: "Domains created with a constraint",
        Severity: Severity.Low,
        Blocking: false,
        Summary: "A pending migration creates a domain with a CHECK or NOT NULL: changing that rule later locks every table that uses it against writes.",
        Impact: "Nothing now; a later ALTER DOMAIN of the rule blocks writes to every table with a column of the domain while all of them are scanned.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 10,
    };

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        var pending = PendingBatch.Of(input).ToDictionary(m => m.Name, StringComparer.Ordinal);
        foreach (var replay in input.Schema.Migrations)
        {
            if (!pending.TryGetValue(replay.Migration, out var migration))
            {
                continue;
            }

            foreach (var domain in replay.DomainsCreated.Where(d => d.Constrained))
            {
                yield return Found(
                    $"{migration.Name} creates domain {domain.Domain} with a constraint ({HelperSite.Describe(domain.Line, domain.Helper)}). Creating it locks nothing, but changing its rule later (ALTER DOMAIN ... ADD CONSTRAINT, VALIDATE CONSTRAINT or SET NOT NULL) makes PostgreSQL scan every column of the domain while holding a SHARE lock on each table, blocking their writes; a domain's NOT VALID then VALIDATE takes the same lock, unlike a table's CHECK constraint.",
                    file: migration.Path,
                    line: domain.Line,
                    helper: domain.Helper,
                    key: domain.Domain,
                    action: $"While nothing uses it yet, create {domain.Domain} without the CHECK/NOT NULL and put the rule on each table as a CHECK constraint (table.check(...) in Knex, or ALTER TABLE ... ADD CONSTRAINT ... CHECK), which can later be changed with NOT VALID and VALIDATE CONSTRAINT without blocking writes");
            }
        }
    }
}
