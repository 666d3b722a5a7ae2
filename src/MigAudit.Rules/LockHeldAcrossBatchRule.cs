using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// Knex's migrate:latest runs the whole pending batch in ONE transaction when no pending migration sets
/// config.transaction: false and the knexfile does not disable transactions (Migrator.js, transactionForAll): a lock
/// the first migrations take on a live table is held until the last one commits, across every statement and backfill
/// in between. One transaction: false file switches the batch to a transaction per migration.
/// The pending set, statically: the migrations the newest release tag does not hold, or, without release tags, the
/// migrations not committed yet.
/// </summary>
public sealed class LockHeldAcrossBatchRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "lock-held-across-batch",
        Title: "Locks held across the whole pending batch",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "A pending migration locks a live table, and migrate:latest keeps the lock until every later pending migration has run, in one transaction.",
        Impact: "The table stays locked for the whole deploy's migrations, not just the statement that needs it.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 15,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        var pending = PendingBatch.Of(input);
        if (pending.Count < 2 || !PendingBatch.OneTransaction(input, pending))
        {
            yield break;
        }

        var position = pending.Select((m, i) => (m.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        var tables = input.Schema.Schema.Tables;
        var locks = LockOperations.WriteLocksOnExistingTables(input).Where(l => position.ContainsKey(l.Migration.Name))
            .OrderBy(l => position[l.Migration.Name]).ToList();

        // The locks a finding already names: in one transaction each lasts to the batch's end, so a later migration's
        // lock on the same table that stops no more of the application's statements blocks nothing more, for no longer.
        var named = new List<(string Table, string Mode)>();
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (migration, operation, locked, mode) in locks)
        {
            // A table an earlier pending migration creates is invisible to the application until the batch commits.
            var at = position[migration.Name];
            if (at == pending.Count - 1 ||
                tables.TryGetValue(locked, out var table) && position.ContainsKey(table.Origin.Migration) ||
                named.Any(n => n.Table == locked && LockEffects.StopsAsMuchAs(n.Mode, mode)) ||
                !reported.Add(migration.Name))
            {
                continue;
            }

            named.Add((locked, mode));
            var last = pending[^1];
            var after = pending.Count - 1 - at;
            yield return Found(
                $"{migration.Name} takes {LockOperations.ALock(mode)} on {locked}{LockOperations.ReferencedBy(operation, locked)} ({HelperSite.Describe(operation.Line, operation.Helper)}), and it is one of {pending.Count} pending migrations {PendingBatch.Since(input)}: none sets transaction: false, so knex migrate:latest runs them all in one transaction, and the lock is held until {last.Name} has run and the batch commits ({after} more migration{(after == 1 ? string.Empty : "s")}). A single migration with exports.config = {{ transaction: false }} in the batch would make Knex give each migration a transaction of its own.",
                file: migration.Path,
                line: operation.Line,
                helper: operation.Helper,
                key: locked,
                related: [last.Path],
                action: $"Deploy {migration.Name} on its own (migrate:up), or move the work after it into a later deploy, so that the lock on {locked} ends with its own transaction");
        }
    }
}
