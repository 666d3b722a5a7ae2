using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// TRUNCATE ... CASCADE on a table that existed before the migration: PostgreSQL empties every table whose foreign key
/// references it, and theirs, under ACCESS EXCLUSIVE locks (checked on PostgreSQL 15: "truncate cascades to table ...").
/// The tables the replay knows it reaches are named. Not blocking: whether those tables hold rows is not known statically.
/// </summary>
public sealed class TruncateCascadeRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "truncate-cascade",
        Title: "TRUNCATE ... CASCADE",
        Severity: Severity.High,
        Blocking: false,
        Summary: "TRUNCATE ... CASCADE empties every table whose foreign key references the named one, not only the table named.",
        Impact: "Rows of tables the statement never names are deleted, with no undo once the migration commits.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 20,
    };

    public override IEnumerable<Finding> Check(AuditInput input) =>
        LockOperations.OnExistingTables(input, o => o is { Kind: LockOperationKind.Truncate, Cascade: true } && o.Name != "cascade")
            .Select(x => Found(
                $"{x.Migration.Name} truncates {x.Operation.Table} with CASCADE ({HelperSite.Describe(x.Operation.Line, x.Operation.Helper)}), and {x.Operation.Table} existed before this migration: {Reach(x.Operation)} {LockOperations.LockHeld(x.Migration, input)}{LockOperations.Shipped(x.Migration)}",
                file: x.Migration.Path,
                line: x.Operation.Line,
                helper: x.Operation.Helper,
                severity: LockOperations.SeverityFor(x.Migration) ?? (x.Operation.Target is null ? Severity.Medium : null),
                key: LockOperations.Key(x.Operation),
                action: $"Name every table to empty in the statement (TRUNCATE {x.Operation.Table}{(x.Operation.Target is null ? string.Empty : ", " + x.Operation.Target)}) without CASCADE: PostgreSQL then refuses it if another table still references them, instead of emptying that table too"));

    private static string Reach(LockOperation operation) => operation.Target is { } reached
        ? $"PostgreSQL also empties {reached}, whose foreign keys reference it (directly or through one another), under ACCESS EXCLUSIVE locks: their rows are gone too."
        : "no table references it at this point in the replay, so CASCADE empties nothing else now; it would empty any table whose foreign key references it by the time the migration runs (a table made outside the migrations, or a key added later).";
}
