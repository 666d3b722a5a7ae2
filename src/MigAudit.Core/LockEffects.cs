namespace MigAudit.Core;

/// <summary>What a statement does to a table's rows while it holds its lock, which is what its duration grows with.</summary>
public enum RowWork
{
    /// <summary>Only the catalog changes: done as soon as the lock is granted.</summary>
    None,

    /// <summary>Every row is read (a NOT NULL or constraint check).</summary>
    Scan,

    /// <summary>An index is built from every row.</summary>
    Build,

    /// <summary>The table and its indexes are written anew.</summary>
    Rewrite,

    /// <summary>Whether rows are touched is not known (a type change migaudit cannot classify).</summary>
    Unknown,
}

/// <summary>The row work of each replayed statement, from PostgreSQL's behaviour (each checked on a real server).</summary>
public static class LockEffects
{
    /// <param name="serverVersion">server_version_num when a live server says it: before PostgreSQL 11 (110000) any
    /// default on ADD COLUMN rewrites the table.</param>
    /// <param name="timeZoneIsUtc">The session's TimeZone when known: timestamp and timestamptz convert in place only under UTC (PostgreSQL 12+).</param>
    public static RowWork WorkOf(LockOperation operation, int? serverVersion = null, bool? timeZoneIsUtc = null) => operation.Kind switch
    {
        LockOperationKind.AddColumn when operation.Default is not null && serverVersion < 110000 => RowWork.Rewrite,
        LockOperationKind.AddColumn when operation.Generated is not null => RowWork.Rewrite,
        LockOperationKind.AlterColumnType when SqlRewrites.TypeChange(operation.PreviousType, operation.Type) == RewriteVerdict.DependsOnTimeZone && timeZoneIsUtc is { } utc =>
            utc && serverVersion is null or >= 120000 ? RowWork.None : RowWork.Rewrite,
        LockOperationKind.CreateIndex or LockOperationKind.AddUniqueConstraint or LockOperationKind.AddExclusion => RowWork.Build,
        LockOperationKind.Reindex => RowWork.Build,
        LockOperationKind.AddPrimaryKey => operation.UsingIndex ? operation.NullableColumns.Count > 0 ? RowWork.Scan : RowWork.None : RowWork.Build,
        LockOperationKind.SetNotNull or LockOperationKind.ValidateConstraint or LockOperationKind.AlterDomain => RowWork.Scan,
        LockOperationKind.DataChange => RowWork.Unknown,
        LockOperationKind.AttachPartition when operation.Name == "partition" => operation.ValidatesRows == true ? RowWork.Scan : RowWork.Unknown,
        LockOperationKind.AddForeignKey or LockOperationKind.AddCheck => operation.NotValid ? RowWork.None : RowWork.Scan,
        LockOperationKind.AddColumn => SqlRewrites.AddColumnDefault(operation.Default, operation.Type) switch
        {
            RewriteVerdict.Yes => RowWork.Rewrite,
            RewriteVerdict.No => RowWork.None,
            _ => RowWork.Unknown,
        },
        LockOperationKind.AlterColumnType => SqlRewrites.TypeChange(operation.PreviousType, operation.Type) switch
        {
            RewriteVerdict.Yes => RowWork.Rewrite,
            RewriteVerdict.No => RowWork.None,
            _ => RowWork.Unknown,
        },
        _ => RowWork.None,
    };

    /// <summary>PostgreSQL's table-level lock modes, weakest first, as the docs name them and as pg_locks names them.</summary>
    private static readonly string[] Modes = ["ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"];
    private static readonly string[] PgLocksModes = ["AccessShareLock", "RowShareLock", "RowExclusiveLock", "ShareUpdateExclusiveLock", "ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"];

    /// <summary>
    /// PostgreSQL's conflict table ("Conflicting Lock Modes"): row i marks the modes mode i conflicts with, in the order
    /// of <see cref="Modes"/>. SHARE does not conflict with itself; ACCESS SHARE (every SELECT) only with ACCESS EXCLUSIVE.
    /// </summary>
    private static readonly bool[,] ConflictTable = Build(
        "       X",
        "      XX",
        "    XXXX",
        "   XXXXX",
        "  XX XXX",
        "  XXXXXX",
        " XXXXXXX",
        "XXXXXXXX");

    private static bool[,] Build(params string[] rows)
    {
        var table = new bool[8, 8];
        for (var i = 0; i < 8; i++)
        {
            for (var j = 0; j < 8; j++)
            {
                table[i, j] = rows[i][j] == 'X';
            }
        }

        return table;
    }

    /// <summary>Whether a lock of <paramref name="mode"/> (docs name) must wait for one of <paramref name="heldPgLocksMode"/> (pg_locks name).</summary>
    public static bool Conflicts(string mode, string heldPgLocksMode)
    {
        var i = Array.IndexOf(Modes, mode);
        var j = Array.IndexOf(PgLocksModes, heldPgLocksMode);
        return i < 0 || j < 0 || ConflictTable[i, j];
    }

    /// <summary>
    /// Whether a lock of <paramref name="held"/> stops every statement of the application a lock of
    /// <paramref name="mode"/> stops (both docs names). The application's statements take ACCESS SHARE (SELECT),
    /// ROW SHARE (SELECT ... FOR UPDATE) and ROW EXCLUSIVE (INSERT, UPDATE, DELETE): SHARE and SHARE ROW EXCLUSIVE stop
    /// the same ones (the writes), though neither is the other's superset in the conflict table.
    /// </summary>
    public static bool StopsAsMuchAs(string held, string mode)
    {
        var h = Array.IndexOf(Modes, held);
        var m = Array.IndexOf(Modes, mode);
        return h >= 0 && m >= 0 && Enumerable.Range(0, 3).All(application => !ConflictTable[m, application] || ConflictTable[h, application]);
    }

    /// <summary>0 for ACCESS SHARE up to 7 for ACCESS EXCLUSIVE, for either naming; -1 when unknown.</summary>
    public static int Strength(string mode) => Array.IndexOf(Modes, mode) is var i and >= 0 ? i : Array.IndexOf(PgLocksModes, mode);

    public static string NameOf(int strength) => strength >= 0 && strength < Modes.Length ? Modes[strength] : "none";

    /// <summary>The docs' name of a mode: "ACCESS EXCLUSIVE" for pg_locks's AccessExclusiveLock.</summary>
    public static string DocsName(string mode) => Strength(mode) is var i and >= 0 ? Modes[i] : mode;

    /// <summary>What the lock stops while it is held (and while it waits to be granted).</summary>
    public static string Blocks(string mode) => mode switch
    {
        "ACCESS EXCLUSIVE" => "reads and writes",
        "SHARE" or "SHARE ROW EXCLUSIVE" => "writes",
        "SHARE UPDATE EXCLUSIVE" => "other schema changes and VACUUM, not reads or writes",
        _ => "some statements",
    };

    /// <summary>"adds column users.level", "creates index users_email_index": the statement in a few words.</summary>
    public static string Describe(LockOperation operation) => operation.Kind switch
    {
        LockOperationKind.CreateIndex => $"creates index {operation.Name ?? "(unnamed)"}{(operation.Concurrently ? " concurrently" : string.Empty)}",
        LockOperationKind.AddUniqueConstraint => $"adds unique constraint {operation.Name}",
        LockOperationKind.DropIndex => $"drops index {operation.Name ?? "(unnamed)"}{(operation.Concurrently ? " concurrently" : string.Empty)}",
        LockOperationKind.AddColumn => $"adds column {operation.Column}{(operation.Default is null ? string.Empty : " default " + operation.Default)}{(operation.Generated is null ? string.Empty : " generated " + operation.Generated)}{(operation.NotNull ? " not null" : string.Empty)}",
        LockOperationKind.AlterColumnType => $"changes {operation.Column} to {SqlTypes.Normalize(operation.Type ?? "?")}",
        LockOperationKind.SetNotNull => $"sets {operation.Column} not null",
        LockOperationKind.AddForeignKey => $"adds foreign key {operation.Name} to {operation.Target}{(operation.NotValid ? " not valid" : string.Empty)}",
        LockOperationKind.AddCheck => $"adds check {operation.Name ?? "(unnamed)"}{(operation.NotValid ? " not valid" : string.Empty)}",
        LockOperationKind.DropColumn => $"drops column {operation.Column}",
        LockOperationKind.RenameColumn => $"renames column {operation.Column} to {operation.Target}",
        LockOperationKind.DropTable => "drops the table",
        LockOperationKind.RenameTable => $"renames the table to {operation.Target}",
        LockOperationKind.ValidateConstraint => $"validates constraint {operation.Name}",
        LockOperationKind.DataChange => $"writes rows ({operation.Name})",
        LockOperationKind.AddPrimaryKey => $"adds primary key {operation.Name}{(operation.UsingIndex ? " using an index" : string.Empty)}",
        LockOperationKind.Truncate => $"truncates the table{(operation.Cascade ? " with cascade" : string.Empty)}",
        LockOperationKind.DropNotNull => $"drops not null of {operation.Column}",
        LockOperationKind.Reindex => $"reindexes {(operation.ReindexScope is { } scope ? scope.ToLowerInvariant() + " " : string.Empty)}{operation.Name ?? "the table"}{(operation.Concurrently ? " concurrently" : string.Empty)}",
        LockOperationKind.DetachPartition => $"detaches partition {operation.Target}{(operation.Concurrently ? " concurrently" : string.Empty)}",
        LockOperationKind.AddExclusion => $"adds exclusion constraint {operation.Name ?? "(unnamed)"}",
        LockOperationKind.AlterDomain => $"alters domain {operation.Name} ({operation.Target}) used by column {operation.Column}",
        LockOperationKind.AttachPartition => operation.Name == "partition" ? $"is attached as a partition of {operation.Target}" : $"attaches partition {operation.Target}",
        _ => operation.Kind.ToString(),
    };
}
