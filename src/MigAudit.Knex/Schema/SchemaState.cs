using MigAudit.Core;

namespace MigAudit.Knex.Schema;

/// <summary>
/// The schema as the replay goes, three-valued: what is known present, known absent, or unknown (with the statement
/// that made it so). A statement fails (a chain problem) only on known facts; on unknown ones its outcome is recorded
/// as unknown. The DDL operations are in SchemaState.Operations.cs.
/// </summary>
public sealed partial class SchemaState(SchemaModel initial, SqlDialect dialect = SqlDialect.PostgreSQL, string? client = null, string defaultSchema = "public")
{
    /// <summary>The schema unqualified names live in: the first entry of the knexfile's searchPath, else public.</summary>
    public string DefaultSchema { get; } = defaultSchema;

    /// <summary>The model's key for a table named in this project (see <see cref="TableKey"/>).</summary>
    public string Key(string? schema, string table) => TableKey(schema, table, DefaultSchema);

    /// <summary>The knex client name as the knexfile writes it, when statically known: decides knex.client.* in the code.</summary>
    public string? Client { get; } = client;

    /// <summary>The reason given to a table no migration created before it was used.</summary>
    public const string ExternalReason = Uncertainty.CreatedOutside;

    // Global so that states forked for a down or a branch keep ordering facts after everything before them.
    private static long sequence;

    /// <summary>The database Knex compiles for: column types and generated names follow it.</summary>
    public SqlDialect Dialect { get; } = dialect;

    public SchemaModel Current { get; private set; } = initial;
    public List<ChainProblem> Problems { get; } = [];

    /// <summary>Statements whose success depends on something unknown.</summary>
    public List<UnknownOutcome> Unknowns { get; } = [];

    /// <summary>Tables used before any migration created them, still awaiting a creator (see <see cref="ResolvedExternals"/>).</summary>
    public List<ExternalTable> ExternalTables { get; } = [];

    /// <summary>Uses of a table made before a later migration created it: on an empty database they fail.</summary>
    public List<(string Migration, ExternalTable Use, string CreatedBy)> ResolvedExternals { get; } = [];

    private readonly Dictionary<string, List<(string Migration, ExternalTable Use)>> pendingExternals = new(StringComparer.Ordinal);

    /// <summary>Tables created, changed, renamed or dropped since the last <see cref="ResetTouched"/>: the only ones a down can have left different.</summary>
    public HashSet<string> Touched { get; } = new(StringComparer.Ordinal);

    /// <summary>Every table a statement named since the last <see cref="ResetTouched"/>, whether or not it existed: created, changed, dropped, renamed or referenced by a foreign key.</summary>
    public HashSet<string> Mentioned { get; } = new(StringComparer.Ordinal);

    /// <summary>Names of the tables changed, in order, so a fork knows what its branch touched without comparing whole schemas.</summary>
    private readonly List<string> changeLog = [];

    /// <summary>The undecidable conditions the replay is inside: a failure there is only possible, not certain.</summary>
    private readonly Stack<Uncertainty> conditions = new();

    /// <summary>
    /// A statement since the last <see cref="ResetTouched"/> named a table in a schema (withSchema, or a qualified name in SQL).
    /// The model keys tables by name alone, so which schema such a table lives in is not known.
    /// </summary>
    public bool SchemaQualified { get; set; }

    /// <summary>The up's DDL statements the lock rules look at, since the last <see cref="ResetTouched"/>.</summary>
    public List<LockOperation> Operations { get; } = [];

    /// <summary>The line of the up's first SET [LOCAL] lock_timeout, since the last <see cref="ResetTouched"/>.</summary>
    public int? LockTimeoutLine { get; set; }

    /// <summary>The line of the up's first SET [LOCAL] statement_timeout to a value other than 0, since the last <see cref="ResetTouched"/>.</summary>
    public int? StatementTimeoutLine { get; set; }

    /// <summary>The line of the up's first SET [LOCAL] statement_timeout = 0 (no timeout), since the last <see cref="ResetTouched"/>.</summary>
    public int? StatementTimeoutOffLine { get; set; }

    /// <summary>Tables created since the last <see cref="ResetTouched"/>: locking a table the migration itself creates blocks nobody.</summary>
    private readonly HashSet<string> createdHere = new(StringComparer.Ordinal);

    /// <summary>True when the table was there before this migration began, false when this migration created it, null when unknown.</summary>
    public bool? ExistedBeforeMigration(string? table)
    {
        if (table is null)
        {
            return null;
        }

        if (createdHere.Contains(table))
        {
            return false;
        }

        // A statement on a table succeeds only if the table is there: when what left its existence unknown happened in an
        // earlier migration, nothing in this one can have created it, so it was there before. Something this migration
        // did that the replay could not follow might have created it: then it is unknown.
        var (state, _, why) = Existence(table);
        return state switch
        {
            TableState.Present => true,
            TableState.Unknown when why is not null && why.Migration != Migration => true,
            _ => null,
        };
    }

    public void ResetTouched()
    {
        Operations.Clear();
        LockTimeoutLine = null;
        StatementTimeoutLine = null;
        StatementTimeoutOffLine = null;
        TransactionControl.Clear();
        EnumValuesAdded.Clear();
        EnumValueUses.Clear();
        LongIdentifiers.Clear();
        EnumChanges.Clear();
        columnsAddedHere.Clear();
        createdHere.Clear();
        Touched.Clear();
        Mentioned.Clear();
        SchemaQualified = false;
        DomainsCreated.Clear();

        // Forks live inside one migration's function: the log of what changed starts over with each step.
        changeLog.Clear();
    }

    public int IndexesDeclared { get; private set; }
    public string Migration { get; set; } = string.Empty;

    /// <summary>When false (down replay), chain problems are not recorded: a down is judged by what it leaves behind.</summary>
    public bool RecordProblems { get; set; } = true;

    /// <summary>Statements of a down replay that the database would refuse: knex migrate:rollback fails there.</summary>
    public List<ChainProblem> DownFailures { get; } = [];

    private static long Next() => Interlocked.Increment(ref sequence);

    /// <summary>How many conditions the replay decided (a hasTable/hasColumn guard, say) enclose the statement being replayed.</summary>
    public int DecidedConditions { get; set; }

    /// <summary>
    /// The required module the replay is in, when it followed a call out of the migration file: every line recorded
    /// meanwhile is a line of that module, and the facts say so.
    /// </summary>
    public HelperSite? Site { get; set; }

    private Origin At(int line, bool ifNotExists = false) => new(Migration, line) { Sequence = Next(), Guarded = ifNotExists || DecidedConditions > 0, Helper = Site };

    public Uncertainty NewUncertainty(int line, string reason) => new(Migration, line, reason) { Sequence = Next(), Helper = Site };

    /// <summary>A call knex itself throws on while building the statement (a TypeError, a dialect-only method): the migration fails there.</summary>
    public void KnexThrows(int line, string message) => Problem(line, message);

    /// <param name="saysWhereItFails">The message names where knex migrate:latest fails, which may be an earlier migration.</param>
    private void Problem(int line, string message, bool saysWhereItFails = false, bool runTimeError = false)
    {
        if (conditions.TryPeek(out var condition))
        {
            Unknowns.Add(new UnknownOutcome(line, message, condition));
        }
        else
        {
            (RecordProblems ? Problems : DownFailures).Add(new ChainProblem(line, message) { Helper = Site, SaysWhereItFails = saysWhereItFails, RunTimeError = runTimeError });
        }
    }

    /// <summary>A call to a name knex does not have: the code throws V8's TypeError here, on every database (see <see cref="ChainProblem.RunTimeError"/>).</summary>
    public void MissingKnexMember(int line, string message) => Problem(line, message, saysWhereItFails: true, runTimeError: true);

    private void Unknown(int line, string message, Uncertainty because)
    {
        if (RecordProblems)
        {
            Unknowns.Add(new UnknownOutcome(line, message, because));
        }
    }

    private void Changed(string table)
    {
        Touched.Add(table);
        changeLog.Add(table);
    }

    /// <summary>The names of views the migrations made: not modelled, but knex's hasTable finds them (it reads information_schema.tables).</summary>
    private readonly HashSet<string> views = new(StringComparer.Ordinal);

    /// <summary>A view of this name was created, renamed to it or dropped: whether hasTable finds the name is no longer known.</summary>
    public void NoteView(string name) => views.Add(name);

    /// <summary>Whether the table exists here: true, false, or null when unknown.</summary>
    public bool? HasTable(string table) => views.Contains(table) ? null : Existence(table).State switch
    {
        TableState.Present => true,
        TableState.Absent or TableState.NeverSeen => false,
        _ => null,
    };

    /// <summary>Whether the column exists here: true, false, or null when unknown.</summary>
    public bool? HasColumn(string table, string column)
    {
        var (state, model, _) = Existence(table);
        if (state is TableState.Absent or TableState.NeverSeen)
        {
            return false;
        }

        return model is null ? null : ColumnKnown(model, column);
    }

    private enum TableState
    {
        Present,

        /// <summary>In the model, but a later unknown statement may have dropped it; or not in the model, but one may have created it.</summary>
        Unknown,

        /// <summary>Dropped (or renamed away) by a migration.</summary>
        Absent,

        /// <summary>No migration so far created it and nothing unknown could have.</summary>
        NeverSeen,
    }

    private (TableState State, TableModel? Model, Uncertainty? Why) Existence(string name)
    {
        if (Current.Table(name) is { } table)
        {
            return Current.Unknown is { } unknown && table.Origin.Sequence < unknown.Sequence
                ? (TableState.Unknown, table, unknown)
                : (TableState.Present, table, null);
        }

        if (Current.UnknownTables.TryGetValue(name, out var why))
        {
            return (TableState.Unknown, null, why);
        }

        if (Current.Dropped.Contains(name))
        {
            return (TableState.Absent, null, null);
        }

        return Current.Unknown is { } schemaWide ? (TableState.Unknown, null, schemaWide) : (TableState.NeverSeen, null, null);
    }

    /// <summary>
    /// What a statement the replay could not follow may have touched becomes unknown: the named table's contents, or
    /// (table null) everything made before it.
    /// </summary>
    public void MarkUnknown(Uncertainty because, string? table, bool indexesOnly = false)
    {
        if (table is null)
        {
            Current = Current with { Unknown = because };
            return;
        }

        if (Current.Table(table) is { } model)
        {
            Changed(table);
            Current = Current.With(indexesOnly ? model with { PartialIndexes = because } : model with { Partial = because });
        }
        else
        {
            changeLog.Add(table);
            Current = Current with { UnknownTables = Current.UnknownTables.SetItem(table, because) };
        }
    }

    /// <summary>A point to come back to, for replaying the other branch of an undecidable condition.</summary>
    public readonly record struct Fork(SchemaModel Model, int ChangeLogLength);

    public Fork Snapshot() => new(Current, changeLog.Count);

    /// <summary>Returns to <paramref name="fork"/>'s schema, keeping the record of what changed since (for the merge).</summary>
    public SchemaModel Restore(Fork fork)
    {
        var branch = Current;
        Current = fork.Model;
        return branch;
    }

    /// <summary>Continues from a branch's schema (the other branch left the function).</summary>
    public void Replace(SchemaModel model) => Current = model;

    /// <summary>Tables changed since the fork, in either branch.</summary>
    public IEnumerable<string> ChangedSince(Fork fork) => changeLog.Skip(fork.ChangeLogLength).Distinct(StringComparer.Ordinal);

    /// <summary>The schema after one of two branches ran, not knowing which: what they agree on stays known.</summary>
    public void MergeBranches(Fork fork, SchemaModel first, SchemaModel second, Uncertainty because) =>
        Current = SchemaMerge.Merge(first, second, ChangedSince(fork).ToList(), because);

    /// <summary>Statements from here on run only if an undecidable condition goes one way: their failures are only possible.</summary>
    public void EnterCondition(Uncertainty because) => conditions.Push(because);

    public void LeaveCondition() => conditions.Pop();

    /// <summary>
    /// Set while a builder works on a table reached through withSchema('crm').alterTable('roles'): its key is
    /// "crm.roles", but Knex names its indexes after the table name alone ("roles_..."), as it does not for a table
    /// written 'crm.roles' ("crm_roles_...").
    /// </summary>
    public (string Table, string Naming)? Naming { get; set; }

    /// <summary>The name Knex generates for an index, unique constraint or foreign key on the table in this statement.</summary>
    public string IndexNameFor(string table, IEnumerable<string> columns, string suffix) =>
        DefaultIndexName(Naming is { } naming && naming.Table == table ? naming.Naming : table, columns, suffix);

    /// <summary>
    /// The model's key for a table: "schema.table", or the name alone in the default schema (public, or the first entry
    /// of the knexfile's searchPath). A dotted name ('crm.roles', as Knex reads it) is qualified the same way.
    /// </summary>
    public static string TableKey(string? schema, string table, string defaultSchema = "public")
    {
        if (schema is null && table.IndexOf('.', StringComparison.Ordinal) is > 0 and var dot)
        {
            (schema, table) = (table[..dot], table[(dot + 1)..]);
        }

        return schema is null || schema == defaultSchema ? table : $"{schema}.{table}";
    }

    /// <summary>
    /// Knex's generated name (checked with knex's toString()): the table part lower-cased with '.' and '-' turned into
    /// '_', the column part lower-cased as it is, e.g. "order_items_x_a_index" for table "Order-Items.x", column "A".
    /// </summary>
    public static string DefaultIndexName(string table, IEnumerable<string> columns, string suffix) =>
        $"{table.ToLowerInvariant().Replace('-', '_').Replace('.', '_')}_{string.Join('_', columns).ToLowerInvariant()}_{suffix}";
}
