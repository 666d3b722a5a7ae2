using System.Collections.Immutable;

namespace MigAudit.Core;

/// <summary>
/// A statement written in a module the migration requires (a helper function the replay followed into): the module's
/// path relative to the audited root, with '/' separators, and the line of the migration whose call led there.
/// </summary>
public sealed record HelperSite(string File, int CallLine)
{
    /// <summary>"lib/helpers.js:12, called from line 3": a statement's place in a message about its migration.</summary>
    public static string Describe(int line, HelperSite? helper) =>
        helper is null ? $"line {line}" : $"{helper.File}:{line}, called from line {helper.CallLine}";
}

/// <summary>Where a schema object came from: the migration and line that created it.</summary>
public sealed record Origin(string Migration, int Line)
{
    /// <summary>Set when the statement is written in a module the migration requires: <see cref="Line"/> is a line of that module.</summary>
    public HelperSite? Helper { get; init; }

    /// <summary>The replay's step counter when the object was made: later than an <see cref="Uncertainty"/> means known despite it.</summary>
    public long Sequence { get; init; }

    /// <summary>
    /// Made inside a condition the replay decided (a hasTable/hasColumn guard, say) or with IF NOT EXISTS: had the object
    /// already been there, the statement might have been skipped instead of failing.
    /// </summary>
    public bool Guarded { get; init; }
}

/// <summary>
/// The statement that made part of the schema unknown: one the replay could not follow, or a condition it could not
/// decide (whose branches disagree). What it may have touched is neither present nor absent for the rules.
/// </summary>
public sealed record Uncertainty(string Migration, int Line, string Reason)
{
    /// <summary>The reason a stand-in table has: a migration used it before any migration created it.</summary>
    public const string CreatedOutside = "created outside the migrations (no earlier migration creates it)";

    public bool IsCreatedOutside => Reason == CreatedOutside;

    public long Sequence { get; init; }

    /// <summary>Set when the statement is written in a module the migration requires: <see cref="Line"/> is a line of that module.</summary>
    public HelperSite? Helper { get; init; }

    public string Describe() => Helper is null ? $"{Migration}:{Line}: {Reason}" : $"{Helper.File}:{Line} (called from {Migration}:{Helper.CallLine}): {Reason}";
}

public sealed record ColumnModel
{
    public required string Name { get; init; }
    public required string Type { get; init; }
    public bool Nullable { get; init; } = true;
    public string? Default { get; init; }
    public required Origin Origin { get; init; }
}

public sealed record IndexModel
{
    public required string Name { get; init; }
    public required IReadOnlyList<string> Columns { get; init; }
    public bool Unique { get; init; }

    /// <summary>The name was written by the author (not Knex's generated default).</summary>
    public bool ExplicitName { get; init; }
    public required Origin Origin { get; init; }

    /// <summary>The access method, lower case: btree (PostgreSQL's default), hash, gin, gist, brin, spgist.</summary>
    public string Method { get; init; } = "btree";

    /// <summary>A partial index's WHERE condition, as written; null for an index over every row.</summary>
    public string? Predicate { get; init; }

    /// <summary>INCLUDE columns: stored in the index, not part of its key.</summary>
    public IReadOnlyList<string> Include { get; init; } = [];

    /// <summary>
    /// A key element carries what the model does not hold (ASC/DESC, NULLS FIRST/LAST, an operator class, a
    /// collation) or is an expression: <see cref="Columns"/> names the elements, not the whole definition.
    /// </summary>
    public bool KeyDetailsUnknown { get; init; }

    /// <summary>
    /// The index belongs to a UNIQUE constraint (Knex's unique() on PostgreSQL, SQL's ADD CONSTRAINT ... UNIQUE): only
    /// ALTER TABLE ... DROP CONSTRAINT removes it; PostgreSQL refuses DROP INDEX [CONCURRENTLY] on it.
    /// </summary>
    public bool Constraint { get; init; }

    /// <summary>A plain btree index over every row: the kind that serves lookups by its leading columns.</summary>
    public bool IsPlainBtree => Method == "btree" && Predicate is null;
}

public sealed record ForeignKeyModel
{
    public required string Name { get; init; }
    public required IReadOnlyList<string> Columns { get; init; }
    public required string ReferencesTable { get; init; }
    public required IReadOnlyList<string> ReferencesColumns { get; init; }

    /// <summary>Null when the migration does not say: PostgreSQL then uses NO ACTION.</summary>
    public string? OnDelete { get; init; }
    public string? OnUpdate { get; init; }
    public required Origin Origin { get; init; }
}

/// <summary>A table as the replay of the migrations built it. Immutable: every operation returns a new state.</summary>
public sealed record TableModel
{
    public required string Name { get; init; }
    public IReadOnlyList<ColumnModel> Columns { get; init; } = [];
    public IReadOnlyList<IndexModel> Indexes { get; init; } = [];
    public IReadOnlyList<ForeignKeyModel> ForeignKeys { get; init; } = [];
    public IReadOnlyList<string> PrimaryKey { get; init; } = [];

    /// <summary>Names of CHECK (and EXCLUDE) constraints the replay knows, e.g. the one PostgreSQL names &lt;table&gt;_&lt;column&gt;_check for a Knex enu() column.</summary>
    public IReadOnlyList<string> Checks { get; init; } = [];

    /// <summary>The table has constraints the replay could not name (an unnamed table-level CHECK): a drop of an unknown name may still succeed.</summary>
    public bool HasUnnamedConstraints { get; init; }
    public required Origin Origin { get; init; }

    /// <summary>
    /// Set when a statement the replay could not follow may have changed the table: what it lists from before that
    /// statement is not known to be there, and what it lacks is not known to be missing.
    /// </summary>
    public Uncertainty? Partial { get; init; }

    /// <summary>Set when index SQL the replay could not read ran on the table: its columns are known, its indexes are not.</summary>
    public Uncertainty? PartialIndexes { get; init; }

    /// <summary>
    /// Set on a stand-in no migration created: a statement altered the table while the schema was unknown since this
    /// statement the replay could not follow, so the table's existence was inferred (that code may have created it).
    /// <see cref="Origin"/> is the altering statement.
    /// </summary>
    public Uncertainty? InferredAfter { get; init; }

    public ColumnModel? Column(string name) => Columns.FirstOrDefault(c => c.Name == name);
}

/// <summary>
/// The whole schema. Immutable dictionaries share structure between versions, so the replay can keep a
/// snapshot per migration and change one table in O(log n), not O(number of tables).
/// </summary>
public sealed record SchemaModel
{
    public static readonly SchemaModel Empty = new();

    public ImmutableDictionary<string, TableModel> Tables { get; init; } = ImmutableDictionary.Create<string, TableModel>(StringComparer.Ordinal);

    /// <summary>Index and unique constraint names to their table: PostgreSQL index names are unique per schema.</summary>
    public ImmutableDictionary<string, string> IndexOwners { get; init; } = ImmutableDictionary.Create<string, string>(StringComparer.Ordinal);

    public TableModel? Table(string name) => Tables.TryGetValue(name, out var table) ? table : null;

    /// <summary>Tables whose existence is unknown: created or dropped on only one branch of an undecidable condition, or by SQL not read.</summary>
    public ImmutableDictionary<string, Uncertainty> UnknownTables { get; init; } = ImmutableDictionary.Create<string, Uncertainty>(StringComparer.Ordinal);

    /// <summary>Tables a migration dropped (or renamed away) and none re-created: known absent.</summary>
    public ImmutableHashSet<string> Dropped { get; init; } = ImmutableHashSet.Create<string>(StringComparer.Ordinal);

    /// <summary>A statement that could have touched any table: everything made before it is unknown.</summary>
    public Uncertainty? Unknown { get; init; }

    /// <summary>Why the table's contents are not all known (its own partial mark, or a schema-wide one after it was made), or null.</summary>
    public Uncertainty? UncertaintyOf(TableModel table) =>
        table.Partial is { } partial && (Unknown is null || partial.Sequence >= Unknown.Sequence) ? partial
        : Unknown is { } unknown && table.Origin.Sequence < unknown.Sequence ? unknown
        : table.Partial;

    /// <summary>Whether a fact about the table made at <paramref name="origin"/> is known to hold now: no uncertainty reached the table since.</summary>
    public bool Knows(TableModel table, Origin origin) => UncertaintyOf(table) is not { } uncertainty || origin.Sequence > uncertainty.Sequence;

    /// <summary>Whether the table is known to exist: nothing that could have dropped it came after it was made.</summary>
    public bool ExistenceKnown(TableModel table) =>
        table.Partial?.IsCreatedOutside != true && (Unknown is null || table.Origin.Sequence > Unknown.Sequence);

    /// <summary>Whether everything listed for the table, and everything it lacks, is known.</summary>
    public bool IsKnown(TableModel table) => UncertaintyOf(table) is null && table.PartialIndexes is null;

    /// <summary>Why the table's indexes are not all known, or null.</summary>
    public Uncertainty? IndexUncertaintyOf(TableModel table) =>
        UncertaintyOf(table) is { } whole && (table.PartialIndexes is null || whole.Sequence >= table.PartialIndexes.Sequence) ? whole : table.PartialIndexes;

    /// <summary>Whether an index made at <paramref name="origin"/> is known to be there now.</summary>
    public bool KnowsIndex(TableModel table, Origin origin) => IndexUncertaintyOf(table) is not { } uncertainty || origin.Sequence > uncertainty.Sequence;

    /// <summary>Whether the table's indexes (and their absence) are all known.</summary>
    public bool IndexesKnown(TableModel table) => IndexUncertaintyOf(table) is null;

    public SchemaModel With(TableModel table)
    {
        var owners = IndexOwners;
        if (Tables.TryGetValue(table.Name, out var previous))
        {
            if (ReferenceEquals(previous.Indexes, table.Indexes))
            {
                // A column or key change: the index names are the same, so the owners map is too.
                return this with { Tables = Tables.SetItem(table.Name, table) };
            }

            owners = owners.RemoveRange(previous.Indexes.Select(i => i.Name));
        }

        return this with
        {
            Tables = Tables.SetItem(table.Name, table),
            IndexOwners = owners.SetItems(table.Indexes.Select(i => KeyValuePair.Create(i.Name, table.Name))),
        };
    }

    /// <summary>
    /// One more index on an existing table in O(log n): a migration that declares thousands of indexes on one table
    /// stays linear (rewriting the owners of every index on each addition was quadratic).
    /// </summary>
    public SchemaModel WithIndex(string tableName, IndexModel index)
    {
        var table = Tables[tableName];
        var indexes = table.Indexes is ImmutableList<IndexModel> list ? list.Add(index) : ImmutableList.CreateRange(table.Indexes).Add(index);
        return this with
        {
            Tables = Tables.SetItem(tableName, table with { Indexes = indexes }),
            IndexOwners = IndexOwners.SetItem(index.Name, tableName),
        };
    }

    public SchemaModel Without(string table) => Tables.TryGetValue(table, out var previous)
        ? this with { Tables = Tables.Remove(table), IndexOwners = IndexOwners.RemoveRange(previous.Indexes.Select(i => i.Name)) }
        : this;

    /// <summary>Every table whose contents are not all known, with why.</summary>
    public IEnumerable<(TableModel Table, Uncertainty Why)> UncertainTables() =>
        Tables.Values.Select(t => (Table: t, Why: UncertaintyOf(t))).Where(x => x.Why is not null).Select(x => (x.Table, x.Why!));
}

/// <summary>A statement the replay could not interpret: reported, never guessed.</summary>
public sealed record NotUnderstood(int Line, string Code, string Reason)
{
    /// <summary>Set when the statement is written in a module the migration requires: <see cref="Line"/> is a line of that module.</summary>
    public HelperSite? Helper { get; init; }
}

/// <summary>A statement that fails on a fresh database when the chain runs in Knex order.</summary>
public sealed record ChainProblem(int Line, string Message)
{
    /// <summary>The message itself says where 'knex migrate:latest' fails (it may fail at an earlier migration instead of here).</summary>
    public bool SaysWhereItFails { get; init; }

    /// <summary>Set when the statement is written in a module the migration requires: <see cref="Line"/> is a line of that module.</summary>
    public HelperSite? Helper { get; init; }

    /// <summary>
    /// The JavaScript code throws before knex sends anything (a call to a method knex does not have): it fails on every
    /// database, not only on the replayed schema. Reported by knex-type-error, not chain-error or irreversible-down.
    /// </summary>
    public bool RunTimeError { get; init; }
}

/// <summary>A statement whose outcome the replay cannot decide, and the uncertainty that decides it.</summary>
public sealed record UnknownOutcome(int Line, string Message, Uncertainty Because);

/// <summary>
/// A Knex builder (schema, raw or query) whose execution the code does not wait for. Builders are lazy thenables:
/// one that is neither awaited, returned, chained with then nor given to Promise.all never runs
/// (<see cref="NeverRuns"/>); one started with then() or Promise.all but not awaited runs without the migration
/// waiting for it.
/// </summary>
public sealed record LazyBuilder(int Line, string Code, bool NeverRuns, bool ChangesSchema)
{
    /// <summary>Set when the builder is written in a module the migration requires: <see cref="Line"/> is a line of that module.</summary>
    public HelperSite? Helper { get; init; }

    /// <summary>What else follows from it, e.g. that a guard used without await always holds.</summary>
    public string? Note { get; init; }

    /// <summary>
    /// For a schema builder that never runs: what it would have added had it run at its point in the chain (replayed on
    /// the schema there). Null when the replay cannot tell (it would drop or change something, or was not followed).
    /// </summary>
    public IReadOnlyList<SchemaEffect>? Effects { get; init; }

    /// <summary>For a schema builder that never runs: the statement PostgreSQL would refuse had it run where it stands, or null.</summary>
    public ChainProblem? WouldFail { get; init; }

    /// <summary>Written in the migration's down: only 'knex migrate:rollback' would run it, never a deploy.</summary>
    public bool InDown { get; init; }
}

public enum SchemaEffectKind
{
    Table,
    Column,
    Index,
    ForeignKey,
}

/// <summary>One object a schema statement adds: a table, a column, an index (or unique constraint) or a foreign key.</summary>
public sealed record SchemaEffect(SchemaEffectKind Kind, string Table, string Name)
{
    public string Describe() => Kind switch
    {
        SchemaEffectKind.Table => $"table {Table}",
        SchemaEffectKind.Column => $"column {Table}.{Name}",
        SchemaEffectKind.Index => $"index {Name} on {Table}",
        _ => $"foreign key {Name} on {Table}",
    };
}

/// <summary>A table a migration uses that no earlier migration creates: made by the application, a dump, or nobody.</summary>
public sealed record ExternalTable(string Table, int Line, string Use);

/// <summary>How much of one direction (up or down) of a migration the replay understood.</summary>
public sealed record Coverage(int Understood, int Total, IReadOnlyList<NotUnderstood> Gaps)
{
    public static readonly Coverage None = new(0, 0, []);

    public bool Complete => Understood == Total;
    public double Ratio => Total == 0 ? 1 : (double)Understood / Total;
}

/// <summary>The replay of one migration: what up built, whether down undid it, and what was not understood.</summary>
/// <summary>What a DDL statement does, for the lock rules: which lock PostgreSQL takes depends on it.</summary>
public enum LockOperationKind
{
    /// <summary>CREATE [UNIQUE] INDEX (Knex's table.index()): a SHARE lock, or SHARE UPDATE EXCLUSIVE when CONCURRENTLY.</summary>
    CreateIndex,

    /// <summary>ALTER TABLE ... ADD CONSTRAINT ... UNIQUE (Knex's unique() on PostgreSQL): ACCESS EXCLUSIVE while the index is built.</summary>
    AddUniqueConstraint,
    DropIndex,

    /// <summary>ALTER TABLE ... ADD COLUMN: ACCESS EXCLUSIVE; a rewrite when the default is volatile (or a serial).</summary>
    AddColumn,

    /// <summary>ALTER COLUMN ... TYPE (Knex's .alter()): ACCESS EXCLUSIVE, and a rewrite unless the change is binary-coercible.</summary>
    AlterColumnType,

    /// <summary>ALTER COLUMN ... SET NOT NULL: ACCESS EXCLUSIVE while every row is scanned.</summary>
    SetNotNull,

    /// <summary>ADD CONSTRAINT ... FOREIGN KEY: SHARE ROW EXCLUSIVE on both tables, and a scan unless NOT VALID.</summary>
    AddForeignKey,

    /// <summary>ADD CONSTRAINT ... CHECK: ACCESS EXCLUSIVE, and a scan unless NOT VALID.</summary>
    AddCheck,
    DropColumn,
    RenameColumn,
    DropTable,
    RenameTable,

    /// <summary>ALTER TABLE ... VALIDATE CONSTRAINT: scans under SHARE UPDATE EXCLUSIVE, which lets reads and writes go on.</summary>
    ValidateConstraint,

    /// <summary>Rows written (INSERT, UPDATE, DELETE, Knex's update()/insert()/del()): ROW EXCLUSIVE, no schema change.</summary>
    DataChange,

    /// <summary>
    /// ADD [CONSTRAINT ...] PRIMARY KEY (Knex's primary() in alterTable): ACCESS EXCLUSIVE while the unique index is built
    /// and every key column not yet NOT NULL is scanned; with USING INDEX, no build.
    /// </summary>
    AddPrimaryKey,

    /// <summary>TRUNCATE (Knex's truncate()): ACCESS EXCLUSIVE on the table, and on every referencing table with CASCADE.</summary>
    Truncate,

    /// <summary>REINDEX TABLE / INDEX: SHARE on the table and ACCESS EXCLUSIVE on each index rebuilt; CONCURRENTLY (PostgreSQL 12+): SHARE UPDATE EXCLUSIVE.</summary>
    Reindex,

    /// <summary>ALTER TABLE ... DETACH PARTITION: ACCESS EXCLUSIVE on the parent and the partition; CONCURRENTLY (PostgreSQL 14+): SHARE UPDATE EXCLUSIVE.</summary>
    DetachPartition,

    /// <summary>
    /// DROP NOT NULL that Knex's .alter() sends when the column builder does not say notNullable(), on a column that was
    /// NOT NULL: ACCESS EXCLUSIVE, catalog only (the ALTER's TYPE takes the same lock).
    /// </summary>
    DropNotNull,

    /// <summary>
    /// ADD CONSTRAINT ... EXCLUDE: ACCESS EXCLUSIVE while its index is built from every row. PostgreSQL refuses NOT VALID
    /// on it ("EXCLUDE constraints cannot be marked NOT VALID") and has no USING INDEX form for it.
    /// </summary>
    AddExclusion,

    /// <summary>
    /// ALTER DOMAIN ... ADD CONSTRAINT (without NOT VALID), VALIDATE CONSTRAINT or SET NOT NULL, recorded once per table
    /// with a column of the domain: PostgreSQL 15 takes a SHARE lock on each such table and scans it (pg_locks), even for
    /// VALIDATE, unlike ALTER TABLE's. <see cref="LockOperation.Name"/> is the domain, <see cref="LockOperation.Target"/> the action.
    /// </summary>
    AlterDomain,

    /// <summary>
    /// ALTER TABLE ... ATTACH PARTITION: SHARE UPDATE EXCLUSIVE on the parent (PostgreSQL 12+; the statement on the
    /// parent), ACCESS EXCLUSIVE on the partition (Name "partition"), which is scanned unless a valid CHECK implies its bound.
    /// </summary>
    AttachPartition,
}

/// <summary>
/// One DDL statement of a migration's up, as the replay saw it: on which table, whether that table existed before the
/// migration (null when the replay cannot know), and whether it was CONCURRENTLY.
/// </summary>
public sealed record LockOperation(LockOperationKind Kind, string? Table, string? Name, int Line, bool Concurrently, bool? TableExistedBefore)
{
    /// <summary>Set when the statement is written in a module the migration requires: <see cref="Line"/> is a line of that module.</summary>
    public HelperSite? Helper { get; init; }

    /// <summary>The column added, changed, dropped or renamed (the old name for a rename); for a CHECK (c IS NOT NULL), c.</summary>
    public string? Column { get; init; }

    /// <summary>
    /// The column's type after the statement, as the replay writes it ("?" when unknown). On SET NOT NULL, the type
    /// Knex's .alter() sends with it (null for SQL's own SET NOT NULL).
    /// </summary>
    public string? Type { get; init; }

    /// <summary>The column's type before an ALTER COLUMN ... TYPE, or null when the replay does not know it.</summary>
    public string? PreviousType { get; init; }

    /// <summary>An added column's default, as SQL text, or null.</summary>
    public string? Default { get; init; }

    /// <summary>An added column is NOT NULL.</summary>
    public bool NotNull { get; init; }

    /// <summary>A foreign key or check added NOT VALID: no scan of the existing rows.</summary>
    public bool NotValid { get; init; }

    /// <summary>A foreign key's referenced table, a rename's new name, or an ALTER DOMAIN's action.</summary>
    public string? Target { get; init; }

    /// <summary>
    /// A foreign key's referenced table existed before the migration (null when unknown or not a foreign key). PostgreSQL
    /// takes SHARE ROW EXCLUSIVE on it even when the key is made with a new table (createTable's references(): checked in
    /// pg_locks on PostgreSQL 15), so writes to it wait while the transaction is open.
    /// </summary>
    public bool? TargetExistedBefore { get; init; }

    /// <summary>
    /// Rows written once per item of a loop the replay could not unroll (rows read at run time): the loop, as "for...of
    /// loop at line 4"; null otherwise.
    /// </summary>
    public string? Loop { get; init; }

    /// <summary>REINDEX SCHEMA, DATABASE or SYSTEM: "SCHEMA", "DATABASE" or "SYSTEM" (Table is null, Name the schema or database); null otherwise.</summary>
    public string? ReindexScope { get; init; }

    /// <summary>
    /// ATTACH PARTITION, on the partition: true when PostgreSQL reads every row to check the bound (the partition has no
    /// CHECK constraint that could imply it), null when unknown.
    /// </summary>
    public bool? ValidatesRows { get; init; }

    /// <summary>The column was added by this same migration: the running application has never used it.</summary>
    public bool NewColumn { get; init; }

    /// <summary>
    /// A dropped index belongs to a UNIQUE constraint, in the replayed state before the drop (false when it does not or
    /// the replay does not know the index).
    /// </summary>
    public bool ConstraintIndex { get; init; }

    /// <summary>The drop is ALTER TABLE ... DROP CONSTRAINT (Knex's dropUnique() on PostgreSQL), not DROP INDEX.</summary>
    public bool DropsConstraint { get; init; }

    /// <summary>An added primary key's columns that were not known NOT NULL before it: PostgreSQL sets them NOT NULL with a scan.</summary>
    public IReadOnlyList<string> NullableColumns { get; init; } = [];

    /// <summary>ADD CONSTRAINT ... PRIMARY KEY USING INDEX: the index built beforehand becomes the key, nothing is built.</summary>
    public bool UsingIndex { get; init; }

    /// <summary>TRUNCATE ... CASCADE: every table with a foreign key to it is emptied too.</summary>
    public bool Cascade { get; init; }

    /// <summary>An UPDATE or DELETE with no WHERE (Knex's update() or del() with no where*()): every row of the table.</summary>
    public bool AllRows { get; init; }
    /// <summary>
    /// An added column is generated: "stored" (GENERATED ALWAYS AS (...) STORED) or "identity" (GENERATED ... AS
    /// IDENTITY); PostgreSQL computes it for every existing row, rewriting the table. Null otherwise.
    /// </summary>
    public string? Generated { get; init; }

    /// <summary>
    /// The raw SQL statement the operation came from, numbered from 1 in replay order (several operations share it when one
    /// ALTER TABLE lists several actions); 0 for a Knex builder call.
    /// </summary>
    public int Statement { get; init; }

    /// <summary>The lock PostgreSQL takes on the statement's table (checked in pg_locks on a real server).</summary>
    public string Mode => Kind switch
    {
        LockOperationKind.CreateIndex => Concurrently ? "SHARE UPDATE EXCLUSIVE" : "SHARE",
        LockOperationKind.DropIndex when Concurrently => "SHARE UPDATE EXCLUSIVE",
        LockOperationKind.ValidateConstraint => "SHARE UPDATE EXCLUSIVE",
        LockOperationKind.DataChange => "ROW EXCLUSIVE",
        LockOperationKind.AddForeignKey => "SHARE ROW EXCLUSIVE",
        LockOperationKind.Reindex => Concurrently ? "SHARE UPDATE EXCLUSIVE" : "SHARE",
        LockOperationKind.DetachPartition when Concurrently => "SHARE UPDATE EXCLUSIVE",
        LockOperationKind.AlterDomain => "SHARE",
        LockOperationKind.AttachPartition when Name != "partition" => "SHARE UPDATE EXCLUSIVE",
        _ => "ACCESS EXCLUSIVE",
    };
}

/// <summary>
/// A raw SQL statement that controls the transaction itself: BEGIN, START TRANSACTION, COMMIT, END, ROLLBACK or ABORT
/// (<see cref="Statement"/> in capitals). Savepoints are not: they nest inside Knex's transaction.
/// </summary>
public sealed record TransactionStatement(string Statement, int Line)
{
    /// <summary>Set when the statement is written in a module the migration requires: <see cref="Line"/> is a line of that module.</summary>
    public HelperSite? Helper { get; init; }

    /// <summary>The statement is inside a condition the replay cannot decide: it may not run.</summary>
    public bool Conditional { get; init; }
}

/// <summary>ALTER TYPE <see cref="Type"/> ADD VALUE '<see cref="Value"/>': the value cannot be used until the transaction commits (55P04).</summary>
public sealed record EnumValueAdded(string Type, string Value, int Line)
{
    public HelperSite? Helper { get; init; }

    /// <summary>The statement is inside a condition the replay cannot decide: it may not run.</summary>
    public bool Conditional { get; init; }
}

/// <summary>
/// A string equal to an enum value added earlier in the replay, used by a statement: as a value of <see cref="Table"/>.
/// <see cref="Column"/> (a knex object key) whose type was <see cref="ColumnType"/> then, or in raw SQL (no column known).
/// </summary>
public sealed record EnumValueUse(string Value, int Line)
{
    public string? Table { get; init; }
    public string? Column { get; init; }
    public string? ColumnType { get; init; }
    public HelperSite? Helper { get; init; }
    public bool Conditional { get; init; }
}

public sealed record MigrationReplay
{
    /// <summary>The up's DDL statements the lock rules look at, in order.</summary>
    public IReadOnlyList<LockOperation> Operations { get; init; } = [];

    /// <summary>The line where the up sets lock_timeout (SET [LOCAL] lock_timeout), or null.</summary>
    public int? LockTimeoutLine { get; init; }

    /// <summary>The up's raw SQL statements that begin, commit or roll back a transaction (BEGIN, COMMIT, ROLLBACK...), in order.</summary>
    public IReadOnlyList<TransactionStatement> TransactionControl { get; init; } = [];

    /// <summary>The up's ALTER TYPE ... ADD VALUE statements, in order.</summary>
    public IReadOnlyList<EnumValueAdded> EnumValuesAdded { get; init; } = [];

    /// <summary>Where the up uses a string equal to an enum value added earlier in the replay (this migration or an earlier one).</summary>
    public IReadOnlyList<EnumValueUse> EnumValueUses { get; init; } = [];

    public required string Migration { get; init; }
    public required Coverage Up { get; init; }
    public Coverage Down { get; init; } = Coverage.None;
    public IReadOnlyList<ChainProblem> ChainProblems { get; init; } = [];

    /// <summary>Differences between the schema before up and after up+down, when both were fully understood.</summary>
    public IReadOnlyList<string> DownLeftovers { get; init; } = [];

    /// <summary>Statements of the down PostgreSQL would refuse after the up (both fully understood): the rollback fails there.</summary>
    public IReadOnlyList<ChainProblem> DownFailures { get; init; } = [];
    public int DownLine { get; init; }

    /// <summary>Why the migration was not replayed at all (it could not be read or parsed), or null.</summary>
    public string? Skipped { get; init; }

    /// <summary>Every table the up named (created, changed, dropped, renamed or referenced), whether or not it existed.</summary>
    public IReadOnlyList<string> TablesNamed { get; init; } = [];

    /// <summary>The up named a table in a schema (withSchema or a qualified SQL name); the model keys tables by name alone.</summary>
    public bool SchemaQualified { get; init; }

    /// <summary>Explicit index and unique declarations (builder calls and CREATE INDEX; not primary keys or FK constraints).</summary>
    public int IndexesDeclared { get; init; }

    /// <summary>Statements of the up whose success the replay cannot decide (they would fail only if an unknown went one way).</summary>
    public IReadOnlyList<UnknownOutcome> Unknowns { get; init; } = [];

    /// <summary>Tables the up uses that no migration before it creates.</summary>
    public IReadOnlyList<ExternalTable> ExternalTables { get; init; } = [];

    /// <summary>Builders of the up or down that never run, or run without being awaited.</summary>
    public IReadOnlyList<LazyBuilder> LazyBuilders { get; init; } = [];

    /// <summary>The up's CREATE DOMAIN statements (raw SQL).</summary>
    public IReadOnlyList<DomainCreated> DomainsCreated { get; init; } = [];

    /// <summary>Names the up gives a table, column, index or constraint that PostgreSQL truncates to 63 bytes, in order.</summary>
    public IReadOnlyList<LongIdentifier> LongIdentifiers { get; init; } = [];

    /// <summary>The line where the up sets statement_timeout to a value other than 0, or null.</summary>
    public int? StatementTimeoutLine { get; init; }

    /// <summary>The line where the up turns statement_timeout off (SET [LOCAL] statement_timeout = 0), or null.</summary>
    public int? StatementTimeoutOffLine { get; init; }

    /// <summary>The up's changes to native enum types the enum rules read (RENAME VALUE, Knex's .enu(...).alter()), in order.</summary>
    public IReadOnlyList<EnumChange> EnumChanges { get; init; } = [];
}

/// <summary>
/// A change to a native enum type: ALTER TYPE <see cref="Type"/> RENAME VALUE '<see cref="Value"/>' TO
/// '<see cref="NewValue"/>' (<see cref="EnumChangeKind.RenameValue"/>), or Knex's .enu(column, values, { useNative: true,
/// existingType: true }).alter(), which leaves the type's values as they are (<see cref="EnumChangeKind.ValuesIgnored"/>).
/// </summary>
public sealed record EnumChange(EnumChangeKind Kind, string Type, int Line)
{
    public string? Value { get; init; }
    public string? NewValue { get; init; }

    /// <summary>For <see cref="EnumChangeKind.ValuesIgnored"/>: the table and column altered, and the values written.</summary>
    public string? Table { get; init; }
    public string? Column { get; init; }
    public IReadOnlyList<string> Values { get; init; } = [];
    public HelperSite? Helper { get; init; }
}

public enum EnumChangeKind
{
    RenameValue,
    ValuesIgnored,
}

/// <summary>
/// A name longer than PostgreSQL's 63 bytes (NAMEDATALEN - 1), as written or as Knex generates it
/// (&lt;table&gt;_&lt;columns&gt;_index, _unique, _foreign, _pkey): PostgreSQL stores <see cref="Stored"/>, with only a NOTICE.
/// </summary>
public sealed record LongIdentifier(string Kind, string Table, string Written, string Stored, int Line)
{
    /// <summary>Knex made the name from the table and columns; the author did not write it.</summary>
    public bool Generated { get; init; }
    public HelperSite? Helper { get; init; }
}

public sealed record SchemaReplay
{
    public static readonly SchemaReplay Empty = new();

    public SchemaModel Schema { get; init; } = SchemaModel.Empty;
    public IReadOnlyList<MigrationReplay> Migrations { get; init; } = [];

    public int IndexesDeclared => Migrations.Sum(m => m.IndexesDeclared);
    public int ForeignKeys => Schema.Tables.Values.Sum(t => t.ForeignKeys.Count);
}
