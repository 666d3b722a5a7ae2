namespace MigAudit.Core;

/// <summary>How long a lock is held once taken: Knex decides by its transaction mode, not by the statement.</summary>
public enum LockRelease
{
    /// <summary>The migration sets transaction: false (or the knexfile disables transactions): each statement commits on its own.</summary>
    Statement,

    /// <summary>The migration has a transaction of its own: the lock ends when it commits.</summary>
    Migration,

    /// <summary>migrate:latest runs the whole pending batch in one transaction: the lock ends when the last migration has run.</summary>
    Batch,
}

/// <summary>A statement with row work (a scan, an index build, a rewrite, rows of unknown count) that runs while a lock is held.</summary>
public sealed record WorkUnderLock(string Migration, int Line, HelperSite? Helper, string? Table, RowWork Work);

/// <summary>
/// A lock a pending migration takes on a table that existed before the batch, with how long it stays held: from the
/// statement to the end of its statement, migration or batch, and the row work that runs in between (the lock lasts as
/// long as that work: rewriting another table extends it as much as rewriting this one).
/// </summary>
public sealed record HeldLock(string Table, string Mode, string Migration, int Line, HelperSite? Helper, LockRelease Release, string ReleasedAfter)
{
    /// <summary>
    /// The statements with row work from this one (included) to the release: the range [WorkFrom, WorkTo) of
    /// <see cref="BatchLocks.Work"/> (a range, not a copy: under one batch transaction every lock's window runs to the end).
    /// </summary>
    public int WorkFrom { get; init; }

    public int WorkTo { get; init; }

    public int WorkCount => WorkTo - WorkFrom;

    /// <summary>Migrations between this one and the release whose up the replay could not follow in full: their work is not listed.</summary>
    public IReadOnlyList<string> NotFollowed { get; init; } = [];

    /// <summary>How many migrations run while the lock is held, this one included.</summary>
    public int MigrationsHeld { get; init; } = 1;
}

/// <summary>One pending migration's locks on live tables, the longest first.</summary>
public sealed record MigrationHeldLocks(string Migration, IReadOnlyList<HeldLock> Locks)
{
    public HeldLock? Longest => Locks.Count == 0 ? null : Locks[0];
}

/// <summary>A live table's locks over the whole batch: the strongest mode, the locks, and the row work run while any is held.</summary>
public sealed record TableHeldLocks(string Table, string Mode, IReadOnlyList<HeldLock> Locks, int WorkCount, int MigrationsHeld);

/// <summary>
/// The pending batch's locks as production runs it (knex migrate:latest): which pending migrations lock which live
/// tables, and for how long. Static, from the replayed ups; locks that stop writes (SHARE and stronger) only, since weaker
/// ones let the application read and write.
/// </summary>
public sealed record BatchLocks
{
    /// <summary>The pending migrations, in the order Knex runs them.</summary>
    public required IReadOnlyList<string> Pending { get; init; }
    public required LockRelease Release { get; init; }
    public required IReadOnlyList<MigrationHeldLocks> Migrations { get; init; }

    /// <summary>Every pending statement with row work, in run order; locks point into it.</summary>
    public required IReadOnlyList<WorkUnderLock> Work { get; init; }

    /// <summary>Per live table: every lock the batch takes on it, and the work that runs while any of them is held.</summary>
    public required IReadOnlyList<TableHeldLocks> Tables { get; init; }

    private int[,]? workPrefix;

    /// <summary>How many statements of <paramref name="kind"/> run in the range [from, to) of <see cref="Work"/> (prefix sums: no rescan per lock).</summary>
    public int CountOf(RowWork kind, int from, int to)
    {
        if (workPrefix is null)
        {
            var kinds = Enum.GetValues<RowWork>().Length;
            var prefix = new int[Work.Count + 1, kinds];
            for (var i = 0; i < Work.Count; i++)
            {
                for (var k = 0; k < kinds; k++)
                {
                    prefix[i + 1, k] = prefix[i, k] + ((int)Work[i].Work == k ? 1 : 0);
                }
            }

            workPrefix = prefix;
        }

        return workPrefix[to, (int)kind] - workPrefix[from, (int)kind];
    }

    /// <summary>Why the pending set is not known (no release tag and no list of applied names), or null.</summary>
    public string? PendingUnknown { get; init; }

    /// <summary>The locks of the pending batch (MigrationScopes: not in the newest release, not applied, or not committed).</summary>
    public static BatchLocks Of(AuditInput input)
    {
        var scopes = input.Migrations.Select(m => (Migration: m, Scope: MigrationScopes.Of(m, input))).ToList();
        var pending = scopes.Where(s => s.Scope == FindingScope.Pending).Select(s => s.Migration).ToList();
        string? unknown = null;
        if (pending.Count == 0 && scopes.Any(s => s.Scope == FindingScope.Unknown))
        {
            unknown = "no release tag and no list of the names production recorded (--applied) say which migrations are pending";
        }

        var oneTransaction = !input.Project.Settings.DisableTransactions && !pending.Any(m => m.Module.DisablesTransaction);
        var release = oneTransaction && pending.Count > 1 ? LockRelease.Batch : LockRelease.Migration;
        var replays = input.Schema.Migrations.ToDictionary(r => r.Migration, StringComparer.Ordinal);
        var pendingNames = pending.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);

        // Every pending statement in run order, with its row work, to measure what runs under each lock.
        var statements = new List<(int Migration, LockOperation Operation)>();
        for (var i = 0; i < pending.Count; i++)
        {
            if (replays.TryGetValue(pending[i].Name, out var replay))
            {
                statements.AddRange(replay.Operations.Select(o => (i, o)));
            }
        }

        // workBefore[p]: how many statements with row work come before statement p, so a lock's window is a range.
        var work = new List<WorkUnderLock>();
        var workBefore = new int[statements.Count + 1];
        for (var p = 0; p < statements.Count; p++)
        {
            workBefore[p] = work.Count;
            var (index, operation) = statements[p];
            // Row work on a table the batch created is work on an empty table, done at once.
            if (LockEffects.WorkOf(operation) is var rowWork && rowWork != RowWork.None &&
                operation is { TableExistedBefore: true, Table: { } table } && !CreatedInBatch(table, input, pendingNames))
            {
                work.Add(new WorkUnderLock(pending[index].Name, operation.Line, operation.Helper, operation.Table, rowWork));
            }
        }

        workBefore[statements.Count] = work.Count;
        var lastOfMigration = new int[pending.Count];
        for (var p = 0; p < statements.Count; p++)
        {
            lastOfMigration[statements[p].Migration] = p;
        }

        var notFollowed = pending.Select((m, i) => (m.Name, i)).Where(x => !replays.TryGetValue(x.Name, out var r) || r.Skipped is not null || !r.Up.Complete).ToList();
        var perMigration = pending.Select(_ => new List<HeldLock>()).ToList();
        var seen = new Dictionary<(int, string), int>();
        for (var p = 0; p < statements.Count; p++)
        {
            var (index, operation) = statements[p];
            var migration = pending[index];
            var ownRelease = migration.Module.DisablesTransaction || input.Project.Settings.DisableTransactions ? LockRelease.Statement : release;
            foreach (var (table, mode) in LockedTables(operation, input, pendingNames))
            {
                // A migration's lock on a table is taken once; a later statement of the same migration only adds to it.
                if (seen.TryGetValue((index, table), out var held))
                {
                    if (LockEffects.Strength(mode) > LockEffects.Strength(perMigration[index][held].Mode))
                    {
                        perMigration[index][held] = perMigration[index][held] with { Mode = mode };
                    }

                    continue;
                }

                seen[(index, table)] = perMigration[index].Count;

                var (end, endMigration) = ownRelease switch
                {
                    LockRelease.Statement => (p, index),
                    LockRelease.Migration => (lastOfMigration[index], index),
                    _ => (statements.Count - 1, pending.Count - 1),
                };
                perMigration[index].Add(new HeldLock(table, mode, migration.Name, operation.Line, operation.Helper, ownRelease, pending[endMigration].Name)
                {
                    WorkFrom = workBefore[p],
                    WorkTo = workBefore[end + 1],
                    NotFollowed = [.. notFollowed.Where(n => n.i >= index && n.i <= endMigration).Select(n => n.Name)],
                    MigrationsHeld = endMigration - index + 1,
                });
            }
        }

        return new BatchLocks
        {
            Pending = [.. pending.Select(m => m.Name)],
            Release = release,
            PendingUnknown = unknown,
            Work = work,
            Migrations = [.. pending.Select((m, i) => new MigrationHeldLocks(m.Name, [.. perMigration[i]
                .OrderByDescending(h => h.WorkCount).ThenByDescending(h => h.MigrationsHeld).ThenByDescending(h => LockEffects.Strength(h.Mode))]))
                .Where(m => m.Locks.Count > 0)],
            Tables = TablesOf(perMigration.SelectMany(l => l), release),
        };
    }

    /// <summary>
    /// Each table's locks summed over the batch: the windows of its locks merged (under one batch transaction they
    /// nest, each running to the end; with a transaction per migration they follow one another), and the work inside.
    /// </summary>
    private static IReadOnlyList<TableHeldLocks> TablesOf(IEnumerable<HeldLock> locks, LockRelease release) =>
        [.. locks.GroupBy(l => l.Table, StringComparer.Ordinal).Select(g =>
        {
            var windows = g.OrderBy(l => l.WorkFrom).ToList();
            var total = 0;
            var (from, to) = (windows[0].WorkFrom, windows[0].WorkTo);
            foreach (var window in windows.Skip(1))
            {
                if (window.WorkFrom > to)
                {
                    total += to - from;
                    (from, to) = (window.WorkFrom, window.WorkTo);
                }
                else
                {
                    to = Math.Max(to, window.WorkTo);
                }
            }

            total += to - from;
            var strongest = g.MaxBy(l => LockEffects.Strength(l.Mode))!;
            // Under one batch transaction every lock runs to the end, so the first one spans them all; otherwise each
            // migration's lock ends with it, one migration each.
            return new TableHeldLocks(g.Key, strongest.Mode, [.. g], total, release == LockRelease.Batch ? g.Max(l => l.MigrationsHeld) : g.Count());
        }).OrderByDescending(t => t.WorkCount).ThenByDescending(t => LockEffects.Strength(t.Mode)).ThenBy(t => t.Table, StringComparer.Ordinal)];

    /// <summary>
    /// The live tables a statement locks so that the application's writes wait: its own table, and for a foreign key
    /// the referenced one too (SHARE ROW EXCLUSIVE on both). Tables a pending migration created are unseen until the
    /// batch commits.
    /// </summary>
    private static IEnumerable<(string Table, string Mode)> LockedTables(LockOperation operation, AuditInput input, HashSet<string> pending)
    {
        if (operation.Concurrently || LockEffects.Strength(operation.Mode) < LockEffects.Strength("SHARE"))
        {
            yield break;
        }

        if (operation is { TableExistedBefore: true, Table: { } table } && !CreatedInBatch(table, input, pending))
        {
            yield return (table, operation.Mode);
        }

        if (operation is { Kind: LockOperationKind.AddForeignKey, Target: { } target } && target != operation.Table && !CreatedInBatch(target, input, pending) &&
            input.Schema.Schema.Tables.ContainsKey(target))
        {
            yield return (target, "SHARE ROW EXCLUSIVE");
        }
    }

    private static bool CreatedInBatch(string table, AuditInput input, HashSet<string> pending) =>
        input.Schema.Schema.Tables.TryGetValue(table, out var model) && pending.Contains(model.Origin.Migration);
}
