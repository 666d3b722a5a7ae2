using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// Migrations that lock existing tables while nothing sets lock_timeout: a lock request that waits (behind a long
/// query or an open transaction) makes every later query on the table queue behind it, so the application stalls for
/// as long as the migration waits. node-postgres sends a connection's lock_timeout (or options' -c lock_timeout=...)
/// when it connects, which Knex passes through; checked with real knex and pg.
/// </summary>
public sealed class MissingLockTimeoutRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "missing-lock-timeout",
        Title: "Locks taken without a lock_timeout",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "Migrations lock existing tables and nothing sets lock_timeout: a lock that waits makes every query on the table wait behind it.",
        Impact: "A migration waiting for its lock behind one long query stalls every read and write of the table for as long as it waits.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortBaseMinutes = 15,
        EffortPerFindingMinutes = 0,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        if (input.Configuration.MigrationClient is not { } client ||
            !client.Settings.TryGetValue(ScenarioIds.Production, out var settings) || settings.LockTimeout.Set != false)
        {
            yield break;
        }

        var setHere = input.Schema.Migrations.Where(m => m.LockTimeoutLine is not null).Select(m => m.Migration).ToHashSet(StringComparer.Ordinal);
        var waiting = LockOperations.WriteLocksOnExistingTables(input)
            .Where(x => x.Migration.Git.ShippedInRelease is null && !setHere.Contains(x.Migration.Name))
            .GroupBy(x => x.Migration.Name, StringComparer.Ordinal)
            .Select(g => g.First())
            .ToList();
        if (waiting.Count == 0)
        {
            yield break;
        }

        var (first, operation, table, mode) = waiting[0];
        var others = waiting.Count - 1;
        var replays = input.Schema.Migrations.ToDictionary(m => m.Migration, StringComparer.Ordinal);
        bool Off((Migration Migration, LockOperation Operation, string Table, string Mode) x) => replays[x.Migration.Name].StatementTimeoutOffLine <= x.Operation.Line;
        var turnedOff = waiting.Where(Off).Select(x => x.Migration).ToList();

        // statement_timeout also bounds a lock wait (the wait is part of the statement): set for every connection, or by
        // each waiting migration itself, the stall ends when it fires; the finding stays, lower, because that limit has
        // to fit the statement's own work too (a rewrite, an index build), so it is seldom short enough for a queue.
        var bounded = settings.StatementTimeout.Set == true && turnedOff.Count == 0 ||
            waiting.All(x => replays[x.Migration.Name].StatementTimeoutLine <= x.Operation.Line && !Off(x));
        yield return Found(
            $"{waiting.Count} migration{(waiting.Count == 1 ? string.Empty : "s")} lock{(waiting.Count == 1 ? "s" : string.Empty)} tables that existed before {(waiting.Count == 1 ? "it" : "them")} (first: {first.Name} takes {LockOperations.ALock(mode)} on {table}{LockOperations.ReferencedBy(operation, table)}, line {operation.Line}{(others > 0 ? $"; {others} more" : string.Empty)}), and neither the migration nor the knexfile's {client.Environment ?? "production"} connection sets lock_timeout ({settings.LockTimeout.Source}): when the lock has to wait behind a long query or an open transaction, every later query on the table queues behind the waiting migration, and the application stalls for as long as it waits.{StatementTimeout(waiting, replays, turnedOff, settings, bounded)}",
            file: client.File,
            line: client.Line,
            related: [.. waiting.Select(x => x.Migration.Path)],
            severity: bounded ? Severity.Low : null,
            action: "Give the migration connection a lock_timeout, e.g. connection: { ..., lock_timeout: 5000 } in the knexfile (node-postgres sends it when it connects), or knex.raw(\"SET LOCAL lock_timeout = '5s'\") at the start of each such migration, and retry a deploy that times out");
    }

    /// <summary>What statement_timeout does here: bounds the wait (set), or nothing at all (turned off with 0).</summary>
    private static string StatementTimeout(List<(Migration Migration, LockOperation Operation, string Table, string Mode)> waiting, Dictionary<string, MigrationReplay> replays,
        List<Migration> turnedOff, ClientSettings settings, bool bounded)
    {
        var text = string.Empty;
        if (bounded)
        {
            text += settings.StatementTimeout.Set == true
                ? $" statement_timeout is set ({settings.StatementTimeout.Source}), and it bounds the wait too: the stall ends when it fires, but it must also allow the statement's own work (a rewrite, an index build), so the queue can last that long; lock_timeout bounds only the wait for the lock."
                : " Each of them sets statement_timeout, which bounds the wait too: the stall ends when it fires, but it must also allow the statement's own work (a rewrite, an index build), so the queue can last that long; lock_timeout bounds only the wait for the lock.";
        }

        if (turnedOff.Count > 0)
        {
            var off = turnedOff[0];
            text += $" {off.Name} sets statement_timeout = 0 (line {replays[off.Name].StatementTimeoutOffLine}){(turnedOff.Count > 1 ? $", as {turnedOff.Count - 1} more do," : string.Empty)} before its lock: that turns off {(settings.StatementTimeout.Set == true ? "the statement_timeout the connection sets" : "any statement_timeout the role or database sets (ALTER ROLE/DATABASE ... SET)")}, the one limit that would otherwise end the wait, however long it queues.";
        }

        return text;
    }
}
