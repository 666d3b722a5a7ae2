using MigAudit.Core;

namespace MigAudit.Live;

/// <summary>A live table's size: the planner's row estimate (pg_class.reltuples, else pg_stat_user_tables.n_live_tup), heap and index bytes.</summary>
public sealed record TableSize(long? Rows, long Bytes, long IndexBytes);

/// <summary>One statement of a pending migration, with the table it touches as it is in the live database.</summary>
public sealed record PlanStep
{
    public required string Migration { get; init; }
    public required int Line { get; init; }
    public required string? Table { get; init; }
    public required string Statement { get; init; }
    public required string Mode { get; init; }
    public required string Blocks { get; init; }
    public required RowWork Work { get; init; }

    /// <summary>The table does not exist in the live database yet (an earlier pending migration creates it): empty, seen by nobody.</summary>
    public required bool NewTable { get; init; }
    public TableSize? Size { get; init; }
    public required string Duration { get; init; }
    public required Severity Risk { get; init; }
    public required string Why { get; init; }
}

public sealed record PlanMigration(string Name, bool DisablesTransaction, IReadOnlyList<PlanStep> Steps)
{
    /// <summary>Why some statements could not be listed (the replay could not follow part of the up), or null.</summary>
    public string? NotFollowed { get; init; }
}

/// <summary>
/// A pending migration's longest lock on a live table (see <see cref="BatchLocks"/>), with the live size of the row
/// work that runs while it is held: the work, not the statement that took the lock, sets how long others wait.
/// </summary>
public sealed record PlanHeldLock(HeldLock Lock, int WorkCount, long WorkBytes, long WorkRows, int WorkOfUnknownSize);

/// <summary>A session with an open transaction that a pending migration's lock request would wait behind.</summary>
public sealed record WaitingRisk(int Pid, string? Application, string? State, double TransactionSeconds, IReadOnlyList<string> Locks);

public sealed record PlanResult
{
    public required string Server { get; init; }
    public required string Database { get; init; }
    public required bool ReadOnly { get; init; }
    public required string ServerVersion { get; init; }
    public required int Applied { get; init; }
    public required IReadOnlyList<PlanMigration> Pending { get; init; }

    /// <summary>Knex runs the whole pending batch in one transaction (no pending migration sets transaction: false, transactions not disabled).</summary>
    public required bool OneTransaction { get; init; }
    public required bool MigrationLockHeld { get; init; }
    public required IReadOnlyList<WaitingRisk> Sessions { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Each pending migration's longest lock on a live table, with the live size of the work done under it.</summary>
    public IReadOnlyList<PlanHeldLock> LongestLocks { get; init; } = [];

    public Severity? Worst => Pending.SelectMany(m => m.Steps).Select(s => (Severity?)s.Risk).Max();
}
