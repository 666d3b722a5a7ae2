using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// ADD CONSTRAINT ... EXCLUDE on a table that existed before the migration: PostgreSQL builds the constraint's index from
/// every row while it holds an ACCESS EXCLUSIVE lock. Unlike CHECK and FOREIGN KEY there is no NOT VALID ("EXCLUDE
/// constraints cannot be marked NOT VALID"), and unlike UNIQUE no ADD CONSTRAINT ... USING INDEX: the lock cannot be
/// shortened, only scheduled (checked on PostgreSQL 15).
/// </summary>
public sealed class AddExclusionConstraintRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "add-exclusion-constraint",
        Title: "Exclusion constraints added to existing tables",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "An EXCLUDE constraint is added to an existing table: its index is built from every row under an ACCESS EXCLUSIVE lock, with no NOT VALID or USING INDEX way around it.",
        Impact: "Every read and write of the table waits while the constraint's index is built.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 30,
    };

    public override IEnumerable<Finding> Check(AuditInput input) =>
        LockOperations.OnExistingTables(input, o => o.Kind == LockOperationKind.AddExclusion)
            .Select(x => Found(
                $"{x.Migration.Name} adds the exclusion constraint {x.Operation.Name ?? "(unnamed)"} to {x.Operation.Table} ({HelperSite.Describe(x.Operation.Line, x.Operation.Helper)}), and {x.Operation.Table} existed before this migration: PostgreSQL builds its index from every row while it holds an ACCESS EXCLUSIVE lock on {x.Operation.Table}, so every read and write of it waits. NOT VALID is refused for EXCLUDE constraints and there is no ADD CONSTRAINT ... USING INDEX for them, so the lock lasts as long as the build. {LockOperations.LockHeld(x.Migration, input)}{LockOperations.Shipped(x.Migration)}",
                file: x.Migration.Path,
                line: x.Operation.Line,
                helper: x.Operation.Helper,
                severity: LockOperations.SeverityFor(x.Migration),
                key: LockOperations.Key(x.Operation),
                action: $"Run it in its own migration at a quiet time, with a lock_timeout, after measuring how long the index takes to build on a copy of {x.Operation.Table}; declare such constraints when the table is created"));
}
