using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// A foreign key added to a table that existed before the migration, validated at once: PostgreSQL takes SHARE ROW
/// EXCLUSIVE locks on both tables (checked in pg_locks) and checks every row while it holds them. Knex's builder
/// (foreign(), references()) has no NOT VALID: the safe form is raw SQL.
/// </summary>
public sealed class AddForeignKeyWithoutNotValidRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "add-foreign-key-without-not-valid",
        Title: "Foreign keys validated under lock",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "A foreign key is added to an existing table without NOT VALID: writes to both tables wait while every row is checked.",
        Impact: "INSERT, UPDATE and DELETE on the table and on the table it references wait for the whole check.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 30,
    };


    public override IEnumerable<Finding> Check(AuditInput input) =>
        LockOperations.OnExistingTables(input, o => o is { Kind: LockOperationKind.AddForeignKey, NotValid: false })
            .Select(x => Found(
                $"{x.Migration.Name} adds the foreign key {x.Operation.Name} from {x.Operation.Table} to {x.Operation.Target} ({HelperSite.Describe(x.Operation.Line, x.Operation.Helper)}), and {x.Operation.Table} existed before this migration: PostgreSQL takes a SHARE ROW EXCLUSIVE lock on both tables and checks every row of {x.Operation.Table} while it holds them, so every INSERT, UPDATE and DELETE on {x.Operation.Table} and {x.Operation.Target} waits. {LockOperations.LockHeld(x.Migration, input)}{LockOperations.Shipped(x.Migration)}",
                file: x.Migration.Path,
                line: x.Operation.Line,
                helper: x.Operation.Helper,
                severity: LockOperations.SeverityFor(x.Migration),
                key: LockOperations.Key(x.Operation),
                action: $"Knex's builder has no NOT VALID: add it with knex.raw('ALTER TABLE {x.Operation.Table} ADD CONSTRAINT {x.Operation.Name} FOREIGN KEY (...) REFERENCES {x.Operation.Target} (...) NOT VALID'), then ALTER TABLE {x.Operation.Table} VALIDATE CONSTRAINT {x.Operation.Name} in a later migration (it lets reads and writes go on)"));
}
