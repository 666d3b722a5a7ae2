using System.Globalization;
using MigAudit.Config;
using MigAudit.Core;
using Npgsql;

namespace MigAudit.Live;

/// <summary>
/// 'migaudit plan': the pending migrations of a live database in the order Knex runs them, each replayed statement with
/// the lock it takes, the row work it does, and the live size of its table, read in a read-only session. Sizes set the
/// risk: a rewrite, scan or index build on a table of 1 GB or 1,000,000 rows is high, from 10 MB or 100,000 rows medium
/// (docs/plan.md states the same thresholds).
/// </summary>
public static class Planner
{
    public const long LargeBytes = 1L << 30;
    public const long LargeRows = 1_000_000;
    public const long MediumBytes = 10L << 20;
    public const long MediumRows = 100_000;

    /// <summary>A transaction older than this, or idle in transaction, is one a lock request may wait behind.</summary>
    public static readonly TimeSpan LongTransaction = TimeSpan.FromMinutes(1);

    public static async Task<PlanResult> RunAsync(AuditResult audit, string databaseUrl)
    {
        await using var connection = await ReadOnlySession.OpenCheckedAsync(databaseUrl, "plan");
        var project = audit.Input.Project;
        var settings = project.Settings;
        var applied = (await ReadOnlySession.AppliedMigrationsAsync(connection, settings) ?? []).ToHashSet(StringComparer.Ordinal);
        var version = Convert.ToInt32(await ReadOnlySession.ScalarAsync(connection, "SHOW server_version_num"), CultureInfo.InvariantCulture);
        var versionText = (string)(await ReadOnlySession.ScalarAsync(connection, "SHOW server_version"))!;
        var timeZone = (string)(await ReadOnlySession.ScalarAsync(connection, "SHOW TimeZone"))!;
        var utc = timeZone is "UTC" or "Etc/UTC" or "GMT" or "Etc/GMT" or "Universal" or "Zulu";

        var pending = audit.Input.Migrations.Where(m => !applied.Contains(m.Name)).ToList();
        var replays = audit.Input.Schema.Migrations.ToDictionary(r => r.Migration, StringComparer.Ordinal);
        var tables = pending.SelectMany(m => replays.TryGetValue(m.Name, out var r) ? r.Operations : [])
            .SelectMany(o => new[] { o.Table, o.Kind == LockOperationKind.AddForeignKey ? o.Target : null }).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var sizes = await SizesAsync(connection, tables, project.DefaultSchema);
        var sessions = await SessionsAsync(connection);
        var busy = sessions.SelectMany(s => s.Locks.Select(l => (Table: l.Split(' ')[0], Mode: l.Split(' ')[^1], Session: s)))
            .ToLookup(x => x.Table, x => (x.Mode, x.Session), StringComparer.Ordinal);

        var oneTransaction = !settings.DisableTransactions && pending.Count > 1 && !pending.Any(m => m.Module.DisablesTransaction);
        var plans = new List<PlanMigration>();
        foreach (var migration in pending)
        {
            if (!replays.TryGetValue(migration.Name, out var replay))
            {
                plans.Add(new PlanMigration(migration.Name, migration.Module.DisablesTransaction, []) { NotFollowed = "not replayed" });
                continue;
            }

            var steps = replay.Operations.SelectMany(o => StepsOf(migration.Name, o, sizes, busy, version, utc)).ToList();
            plans.Add(new PlanMigration(migration.Name, migration.Module.DisablesTransaction, steps)
            {
                NotFollowed = replay.Skipped ?? (replay.Up.Complete ? null : $"{replay.Up.Gaps.Count} statement{(replay.Up.Gaps.Count == 1 ? string.Empty : "s")} of its up could not be followed: their locks are not listed"),
            });
        }

        var notes = new List<string>();
        var hidden = Convert.ToInt64(await ReadOnlySession.ScalarAsync(connection,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND state IS NULL"), CultureInfo.InvariantCulture);
        if (hidden > 0)
        {
            notes.Add($"{hidden} session{(hidden == 1 ? " is" : "s are")} of other roles whose transactions this role cannot see (pg_read_all_stats shows them): a lock request may also wait behind those");
        }

        var builder = new NpgsqlConnectionStringBuilder(connection.ConnectionString);
        var batch = BatchLocks.Of(audit.Input with { Applied = new AppliedMigrations([.. applied], "live").From("the live database") });
        return new PlanResult
        {
            Server = Redaction.Redact($"{builder.Host}:{builder.Port}"),
            Database = builder.Database ?? string.Empty,
            ReadOnly = true,
            ServerVersion = versionText,
            Applied = applied.Count,
            Pending = plans,
            OneTransaction = oneTransaction,
            MigrationLockHeld = await ReadOnlySession.MigrationLockHeldAsync(connection, settings),
            Sessions = sessions,
            Notes = notes,
            LongestLocks = LongestLocks(batch, sizes),
        };
    }

    /// <summary>
    /// The live bytes and rows of the row work under each pending migration's longest lock: a rewrite, scan or build
    /// reads the whole table (heap bytes); prefix sums keep it one pass over the batch's work.
    /// </summary>
    private static IReadOnlyList<PlanHeldLock> LongestLocks(BatchLocks batch, Dictionary<string, TableSize> sizes)
    {
        var bytes = new long[batch.Work.Count + 1];
        var rows = new long[batch.Work.Count + 1];
        var unknown = new int[batch.Work.Count + 1];
        for (var i = 0; i < batch.Work.Count; i++)
        {
            var size = batch.Work[i].Table is { } table && sizes.TryGetValue(table, out var found) ? found : null;
            bytes[i + 1] = bytes[i] + (size?.Bytes ?? 0);
            rows[i + 1] = rows[i] + (size?.Rows ?? 0);
            unknown[i + 1] = unknown[i] + (size is null ? 1 : 0);
        }

        return [.. batch.Migrations.Select(m => m.Longest!).Select(l => new PlanHeldLock(l, l.WorkCount,
            bytes[l.WorkTo] - bytes[l.WorkFrom], rows[l.WorkTo] - rows[l.WorkFrom], unknown[l.WorkTo] - unknown[l.WorkFrom]))];
    }

    /// <summary>
    /// The steps of one statement. A statement on a table its own migration creates locks nobody (left out), but a
    /// foreign key from it takes SHARE ROW EXCLUSIVE on the table it references too, which blocks that live table's
    /// writes until the transaction commits (checked in pg_locks).
    /// </summary>
    private static IEnumerable<PlanStep> StepsOf(string migration, LockOperation operation, Dictionary<string, TableSize> sizes, ILookup<string, (string Mode, WaitingRisk Session)> busy, int version, bool utc)
    {
        if (operation.TableExistedBefore != false)
        {
            yield return Step(migration, operation, sizes, busy, version, utc);
        }

        if (operation is { Kind: LockOperationKind.AddForeignKey, Target: { } target } && target != operation.Table && sizes.ContainsKey(target))
        {
            var referenced = new LockOperation(LockOperationKind.AddForeignKey, target, operation.Name, operation.Line, Concurrently: false, TableExistedBefore: true) { NotValid = true };
            yield return Step(migration, referenced, sizes, busy, version, utc) with { Statement = $"is referenced by the new foreign key {operation.Name} from {operation.Table}" };
        }
    }

    private static PlanStep Step(string migration, LockOperation operation, Dictionary<string, TableSize> sizes, ILookup<string, (string Mode, WaitingRisk Session)> busy, int version, bool utc)
    {
        var size = operation.Table is not null && sizes.TryGetValue(operation.Table, out var found) ? found : null;
        var newTable = size is null;
        var work = LockEffects.WorkOf(operation, version, utc);
        // Only a granted lock whose mode conflicts with the statement's makes it wait (a reader's ACCESS SHARE stops ACCESS EXCLUSIVE, not SHARE).
        var waits = operation.Table is null ? [] : busy[operation.Table].Where(b => LockEffects.Conflicts(operation.Mode, b.Mode)).Select(b => b.Session).Distinct().ToList();
        var (duration, risk, why) = Judge(operation, work, size, waits);
        return new PlanStep
        {
            Migration = migration,
            Line = operation.Line,
            Table = operation.Table,
            Statement = LockEffects.Describe(operation),
            Mode = operation.Mode,
            Blocks = LockEffects.Blocks(operation.Mode),
            Work = work,
            NewTable = newTable,
            Size = size,
            Duration = duration,
            Risk = risk,
            Why = why,
        };
    }

    private static (string Duration, Severity Risk, string Why) Judge(LockOperation operation, RowWork work, TableSize? size, List<WaitingRisk> waits)
    {
        if (size is null)
        {
            return ("instant: the table does not exist here yet", Severity.Low, "a table this deploy creates is empty and unseen");
        }

        if (operation.Kind == LockOperationKind.DataChange)
        {
            return ("depends on the rows it writes", Severity.Low, "a row write: it stops no reader, but every lock taken before it in the same transaction stays held meanwhile");
        }

        var large = size.Bytes + size.IndexBytes >= LargeBytes || size.Rows >= LargeRows;
        var medium = size.Bytes + size.IndexBytes >= MediumBytes || size.Rows >= MediumRows;
        var duration = work switch
        {
            RowWork.None => "instant once the lock is granted",
            RowWork.Unknown => "unknown: whether it touches every row is not known",
            _ when large => "minutes or more",
            _ when medium => "seconds to minutes",
            _ => "under a few seconds",
        };
        var waitText = waits.Count == 0 ? string.Empty
            : $"; it waits behind {string.Join(", ", waits.Select(w => $"pid {w.Pid} ({w.State ?? "state hidden"}, transaction open {Age(w.TransactionSeconds)})"))}, and every query on {operation.Table} queues behind it meanwhile";
        var touches = work is RowWork.Rewrite or RowWork.Scan or RowWork.Build;
        var (risk, why) = (touches, large, medium, waits.Count > 0) switch
        {
            (true, true, _, _) => (Severity.High, $"{Verb(work)} a large table while it blocks {LockEffects.Blocks(operation.Mode)}"),
            (_, _, _, true) => (Severity.High, $"an open transaction holds a conflicting lock on {operation.Table}"),
            (true, false, true, _) => (Severity.Medium, $"{Verb(work)} a table of {Describe(size)} while it blocks {LockEffects.Blocks(operation.Mode)}"),
            (false, _, _, _) when work == RowWork.Unknown && (large || medium) => (Severity.Medium, "whether it rewrites a sizeable table is not known"),
            _ => (Severity.Low, work == RowWork.None ? "brief once the lock is granted" : "a small table"),
        };
        return (duration, risk, why + waitText);
    }

    private static string Verb(RowWork work) => work switch
    {
        RowWork.Rewrite => "rewrites",
        RowWork.Scan => "scans",
        _ => "builds an index over",
    };

    public static string Describe(TableSize size) =>
        $"~{(size.Rows is { } rows ? rows.ToString("N0", CultureInfo.InvariantCulture) : "?")} rows, {Bytes(size.Bytes)} + {Bytes(size.IndexBytes)} of indexes";

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MB",
        >= 1L << 10 => $"{bytes / 1024.0:0} kB",
        _ => $"{bytes} B",
    };

    public static string Age(double seconds) => seconds >= 3600 ? $"{seconds / 3600:0.0} h" : seconds >= 60 ? $"{seconds / 60:0} min" : $"{seconds:0} s";

    /// <summary>
    /// Live sizes of the tables, resolved as Knex's unqualified names resolve: in the knexfile's searchPath schema
    /// (public by default). reltuples is -1 for a table never analyzed (PostgreSQL 14+): then n_live_tup, else unknown.
    /// </summary>
    private static async Task<Dictionary<string, TableSize>> SizesAsync(NpgsqlConnection connection, List<string> tables, string schema)
    {
        var sizes = new Dictionary<string, TableSize>(StringComparer.Ordinal);
        if (tables.Count == 0)
        {
            return sizes;
        }

        var qualified = tables.Select(t => t.Contains('.', StringComparison.Ordinal) ? Quoting.SqlQualified(t[..t.IndexOf('.', StringComparison.Ordinal)], t[(t.IndexOf('.', StringComparison.Ordinal) + 1)..]) : Quoting.SqlQualified(schema, t)).ToArray();
        await using var command = new NpgsqlCommand("""
            SELECT n.i, c.reltuples::bigint, s.n_live_tup, pg_relation_size(c.oid), pg_indexes_size(c.oid)
            FROM unnest(@names::text[]) WITH ORDINALITY AS n(name, i)
            JOIN pg_class c ON c.oid = to_regclass(n.name)
            LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
            """, connection);
        command.Parameters.AddWithValue("names", qualified);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var index = (int)reader.GetInt64(0) - 1;
            var estimate = reader.GetInt64(1);
            long? rows = estimate >= 0 ? estimate : reader.IsDBNull(2) ? null : reader.GetInt64(2);
            sizes[tables[index]] = new TableSize(rows, reader.GetInt64(3), reader.GetInt64(4));
        }

        return sizes;
    }

    /// <summary>
    /// Sessions of this database in a transaction idle or open longer than a minute, with the tables they hold locks
    /// on. Their query text is not read: it may hold data.
    /// </summary>
    private static async Task<List<WaitingRisk>> SessionsAsync(NpgsqlConnection connection)
    {
        var sessions = new List<WaitingRisk>();
        await using var command = new NpgsqlCommand("""
            SELECT a.pid, a.application_name, a.state, extract(epoch FROM now() - a.xact_start)::float8,
                   array(SELECT DISTINCT c.relname::text || ' ' || l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                         WHERE l.pid = a.pid AND l.granted AND c.relkind IN ('r', 'p') ORDER BY 1)
            FROM pg_stat_activity a
            WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() AND a.xact_start IS NOT NULL
              AND (a.state LIKE 'idle in transaction%' OR now() - a.xact_start > @long)
            ORDER BY a.xact_start
            """, connection);
        command.Parameters.AddWithValue("long", LongTransaction);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            sessions.Add(new WaitingRisk(
                reader.GetInt32(0),
                reader.IsDBNull(1) || reader.GetString(1).Length == 0 ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? 0 : reader.GetDouble(3),
                reader.GetFieldValue<string[]>(4)));
        }

        return sessions;
    }
}
