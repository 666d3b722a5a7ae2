using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// COMMIT or ROLLBACK in the raw SQL of a migration Knex runs in a transaction. PostgreSQL has no nested transactions: the
/// statement ends Knex's own transaction, the rest of the migration runs with none (each statement committed alone), and
/// Knex's COMMIT at the end only draws "WARNING: there is no transaction in progress". Checked with real knex 3.1.0 on
/// PostgreSQL 15:
/// - after COMMIT, a later failure leaves the work before it applied while the migration is not recorded, so the next
///   migrate:latest runs it again over it ("column ... already exists");
/// - after ROLLBACK, the work before it is undone (with, in a one-transaction batch, every earlier pending migration and
///   its knex_migrations row) and Knex reports success and records the migration: what the code says did not happen.
/// - after COMMIT in a one-transaction batch, the later migrations run with no transaction either (a later ROLLBACK finds
///   none and undoes nothing).
/// BEGIN alone is only a warning ("there is already a transaction in progress") and is not reported.
/// </summary>
public sealed class TransactionNestingRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "transaction-nesting",
        Title: "Transactions ended inside Knex's migration transaction",
        Severity: Severity.High,
        Blocking: true,
        Summary: "Raw SQL COMMITs or ROLLBACKs inside a migration Knex runs in a transaction: ROLLBACK silently undoes the work before it, COMMIT makes the rest run without a transaction.",
        Impact: "After ROLLBACK, migrate:latest succeeds and records a migration whose earlier statements never took effect; after COMMIT, a later failure leaves half the migration applied and unrecorded.")
    {
        Category = RuleCategory.Migrations,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 15,
    };

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        if (input.Project.Settings.DisableTransactions)
        {
            yield break;
        }

        var migrations = input.Migrations.ToDictionary(m => m.Name, StringComparer.Ordinal);
        foreach (var replay in input.Schema.Migrations)
        {
            if (!migrations.TryGetValue(replay.Migration, out var migration) || migration.Module.DisablesTransaction ||
                replay.TransactionControl.FirstOrDefault(s => s.Statement is not ("BEGIN" or "START TRANSACTION")) is not { } end)
            {
                continue;
            }

            var begin = replay.TransactionControl.FirstOrDefault(s => s.Statement is "BEGIN" or "START TRANSACTION" && s.Line <= end.Line);
            var rollback = end.Statement is "ROLLBACK" or "ABORT";
            var certain = !end.Conditional && migration.Git.ShippedInRelease is null;
            var opening = begin is null ? string.Empty : $"Its {begin.Statement} (line {begin.Line}) starts nothing: PostgreSQL answers \"WARNING: there is already a transaction in progress\". ";
            var effect = rollback
                ? "rolls back Knex's transaction: everything the migration did before it is undone (and, when migrate:latest runs the pending batch in one transaction, every earlier migration of the batch with its knex_migrations row), the statements after it run without a transaction, and Knex reports success and records the migration. What the code says before the ROLLBACK never happens, and nothing says so."
                : "commits Knex's transaction early: the statements after it (and, when migrate:latest runs the pending batch in one transaction, every later migration of the batch) run without a transaction, each committed alone, and when one of them fails, Knex's ROLLBACK has nothing to undo: the work before the failure stays while the migration is not recorded in knex_migrations, so the next migrate:latest runs it again over it (\"already exists\"). Knex's own COMMIT at the end draws \"WARNING: there is no transaction in progress\".";
            yield return Found(
                $"{migration.Name} sends {end.Statement} in raw SQL ({HelperSite.Describe(end.Line, end.Helper)}) while Knex runs it in a transaction, and PostgreSQL has no nested transactions: it {effect} {opening}{(end.Conditional ? "The statement is inside a condition migaudit cannot decide, so it may not run." : string.Empty)}{LockOperations.Shipped(migration)}".TrimEnd(),
                file: migration.Path,
                line: end.Line,
                helper: end.Helper,
                severity: rollback && certain ? Severity.High : Severity.Medium,
                blocking: rollback && certain,
                key: end.Statement,
                action: rollback
                    ? "Remove the ROLLBACK: to undo the migration's work, throw an error instead (Knex rolls its transaction back and migrate:latest fails, recording nothing)"
                    : $"Remove the transaction statements: Knex already runs the migration in one transaction. If the migration needs its own transactions, give it exports.config = {{ transaction: false }} and use knex.transaction(async (trx) => ...), which keeps every statement on one connection");
        }
    }
}
