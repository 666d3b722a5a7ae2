using MigAudit.Core;
using MigAudit.Knex.JavaScript;
using MigAudit.Knex.Migrations;

namespace MigAudit.Knex.Schema;

/// <summary>
/// Replays the migrations into a schema, one step per migration in Knex's order: its up (recording chain
/// problems), then its down from the schema the up produced, compared with the schema before the up. A down is
/// judged only when both directions were fully understood. Steps are fed one at a time so the caller can
/// parse ahead in parallel and drop each syntax tree after its step.
/// </summary>
/// <param name="initial">The schema the first step starts from (default: an empty database).</param>
/// <param name="dialect">The database Knex compiles for (the knexfile's client).</param>
/// <param name="client">The knexfile's client name, when statically known.</param>
/// <param name="defaultSchema">Where unqualified tables live: the knexfile's first searchPath entry, else public.</param>
public sealed class SchemaReplayer(string root, ParsedModuleCache cache, SchemaModel? initial = null, SqlDialect dialect = SqlDialect.PostgreSQL, string? client = null, string defaultSchema = "public")
{
    public sealed record Input(string Name, string FullPath);

    private readonly StaticEvaluator evaluator = new(root, environment: null, cache);
    private readonly SchemaState state = new(initial ?? SchemaModel.Empty, dialect, client, defaultSchema);
    private readonly List<MigrationReplay> replays = [];

    /// <summary>A replayer for the project's database: its dialect, client and default schema.</summary>
    public static SchemaReplayer For(KnexProject project, ParsedModuleCache cache, SchemaModel? initial = null) =>
        new(project.Root, cache, initial, project.Dialect.Dialect, project.Dialect.Client, project.DefaultSchema) { KnexExtendedBy = project.KnexExtendedBy };

    /// <summary>Why the project may add methods to knex (see <see cref="KnexExtensions"/>): then no call is read as knex's TypeError.</summary>
    public string? KnexExtendedBy { get; init; }

    public static SchemaReplay Replay(string root, IReadOnlyList<Input> migrations, ParsedModuleCache cache)
    {
        var replayer = new SchemaReplayer(root, cache);
        foreach (var migration in migrations)
        {
            replayer.Step(migration);
        }

        return replayer.Result;
    }

    public SchemaReplay Result => new() { Schema = state.Current, Migrations = [.. replays] };

    /// <summary>The schema after the steps so far (for fixes that derive a down from what an up built).</summary>
    public SchemaModel Current => state.Current;

    /// <summary>The schema after the last step's down ran on what its up left (null when it has no down).</summary>
    public SchemaModel? LastDownSchema { get; private set; }

    /// <summary>The statements the last step's down sent, as the replay recorded them (empty when it has no down).</summary>
    public IReadOnlyList<LockOperation> LastDownOperations { get; private set; } = [];

    public MigrationReplay Step(Input migration)
    {
        var entry = cache.File(migration.FullPath);
        if (entry.Program is not { } program)
        {
            // Nothing of it is replayed: say so, or the schema would look complete without it.
            var why = entry.Problem is { } problem ? $"line {problem.Line}: {problem.Message}" : "it could not be read";
            if (entry.Problem is { KnexFailsToo: false } unread)
            {
                // Knex may well run it (only migaudit's reader gave up): it may have made or changed any table, so
                // nothing made before it is known afterwards, and no later migration is blamed for what it may create.
                state.Migration = migration.Name;
                state.MarkUnknown(state.NewUncertainty(unread.Line, $"migaudit could not read {migration.Name}"), table: null);
            }

            return Add(new MigrationReplay { Migration = migration.Name, Up = Coverage.None, Skipped = why });
        }

        var scope = new ModuleScope(migration.FullPath, entry.Text, program);
        var (up, down) = MigrationModuleAnalyzer.ExportedFunctions(scope);
        var before = state.Current;
        state.Migration = migration.Name;
        state.ResetTouched();
        var problemsBefore = state.Problems.Count;
        var unknownsBefore = state.Unknowns.Count;
        var externalsBefore = state.ExternalTables.Count;
        var resolvedBefore = state.ResolvedExternals.Count;
        var indexesBefore = state.IndexesDeclared;
        var upInterpreter = new KnexSchemaInterpreter(state, evaluator, cache) { KnexExtendedBy = KnexExtendedBy };
        var upCoverage = up is null ? Coverage.None : upInterpreter.Run(up, scope);
        var lazy = up is null ? [] : upInterpreter.LazyBuilders.ToList();
        lazy.TrimExcess();
        var problems = state.Problems.Skip(problemsBefore).ToList();
        // Most steps add none of these: keep the shared empty list then (10,000 migrations add up).
        IReadOnlyList<UnknownOutcome> unknowns = state.Unknowns.Count == unknownsBefore ? [] : state.Unknowns[unknownsBefore..];
        var externals = state.ExternalTables.Count == externalsBefore ? [] : state.ExternalTables[externalsBefore..];
        foreach (var (earlier, use, createdBy) in state.ResolvedExternals.Skip(resolvedBefore).ToList())
        {
            // The stand-in the earlier use made was never really there: the down is judged against no table.
            before = before.Without(use.Table);
            if (externals.Remove(use))
            {
                // Used, then created, in this same migration.
                problems.Add(UsedBeforeCreated(use, "it is created later in this migration"));
            }
            else
            {
                Resolve(earlier, use, createdBy);
            }
        }

        IReadOnlyList<LockOperation> operations = state.Operations.Count == 0 ? [] : [.. state.Operations];
        var lockTimeoutLine = state.LockTimeoutLine;
        var (statementTimeoutLine, statementTimeoutOffLine) = (state.StatementTimeoutLine, state.StatementTimeoutOffLine);
        IReadOnlyList<TransactionStatement> transactionControl = [.. state.TransactionControl];
        IReadOnlyList<EnumValueAdded> enumValuesAdded = [.. state.EnumValuesAdded];
        IReadOnlyList<EnumValueUse> enumValueUses = [.. state.EnumValueUses];
        IReadOnlyList<LongIdentifier> longIdentifiers = [.. state.LongIdentifiers];
        IReadOnlyList<EnumChange> enumChanges = [.. state.EnumChanges];
        var named = state.Mentioned.Order(StringComparer.Ordinal).ToList();
        var qualified = state.SchemaQualified;
        IReadOnlyList<DomainCreated> domainsCreated = [.. state.DomainsCreated];

        var downCoverage = Coverage.None;
        LastDownSchema = null;
        LastDownOperations = [];
        IReadOnlyList<string> leftovers = [];
        IReadOnlyList<ChainProblem> downFailures = [];
        var downLine = 0;
        if (down is not null)
        {
            var downState = new SchemaState(state.Current, dialect, client, defaultSchema) { Migration = migration.Name, RecordProblems = false };
            var downInterpreter = new KnexSchemaInterpreter(downState, evaluator, cache) { KnexExtendedBy = KnexExtendedBy };
            downCoverage = downInterpreter.Run(down, scope);
            LastDownSchema = downState.Current;
            LastDownOperations = [.. downState.Operations];
            lazy.AddRange(downInterpreter.LazyBuilders.Select(builder => builder with { InDown = true }));
            downLine = ((Acornima.Ast.Node)down).Location.Start.Line;
            if (upCoverage.Complete && downCoverage.Complete && upCoverage.Total > 0)
            {
                // A table made outside the migrations is there before and after; what the up did to it is compared only
                // when it was already there before this migration.
                var judged = state.Touched.Concat(downState.Touched)
                    .Where(t => before.Table(t) is not null || downState.Current.Table(t)?.Partial?.Reason != SchemaState.ExternalReason);
                leftovers = Difference(before, downState.Current, judged);
                downFailures = [.. downState.DownFailures];
            }
        }

        evaluator.Forget(migration.FullPath);
        return Add(new MigrationReplay
        {
            Migration = migration.Name,
            Up = upCoverage,
            Down = downCoverage,
            ChainProblems = problems,
            DownLeftovers = leftovers,
            DownFailures = downFailures,
            DownLine = downLine,
            IndexesDeclared = state.IndexesDeclared - indexesBefore,
            Unknowns = unknowns,
            ExternalTables = externals,
            LazyBuilders = lazy,
            TablesNamed = named,
            SchemaQualified = qualified,
            Operations = operations,
            DomainsCreated = domainsCreated,
            LockTimeoutLine = lockTimeoutLine,
            TransactionControl = transactionControl,
            EnumValuesAdded = enumValuesAdded,
            EnumValueUses = enumValueUses,
            LongIdentifiers = longIdentifiers,
            StatementTimeoutLine = statementTimeoutLine,
            StatementTimeoutOffLine = statementTimeoutOffLine,
            EnumChanges = enumChanges,
        });
    }

    /// <summary>
    /// A table an earlier migration used is created by a later one: on an empty database the earlier use fails there, so
    /// it is a chain problem of that migration, not a table made outside the migrations.
    /// </summary>
    private void Resolve(string earlier, ExternalTable use, string createdBy)
    {
        var index = replays.FindLastIndex(r => r.Migration == earlier && r.ExternalTables.Contains(use));
        if (index >= 0)
        {
            var replay = replays[index];
            replays[index] = replay with
            {
                ChainProblems = [.. replay.ChainProblems, UsedBeforeCreated(use, $"a later migration, {createdBy}, creates it")],
                ExternalTables = replay.ExternalTables.Where(e => e != use).ToList(),
            };
        }
    }

    private static ChainProblem UsedBeforeCreated(ExternalTable use, string creator) =>
        new(use.Line, $"{use.Use}: table '{use.Table}' does not exist at this point; {creator}");

    private MigrationReplay Add(MigrationReplay replay)
    {
        replays.Add(replay);
        return replay;
    }

    /// <summary>What differs between the schema before an up and after its down: what the down failed to undo.</summary>
    /// <param name="touched">The tables the up and the down worked on; only they can differ.</param>
    /// <summary>No uncertainty reached the table between before the up and after the down.</summary>
    private static bool SameUncertainty(SchemaModel expected, TableModel? before, TableModel after, SchemaModel actual) =>
        actual.UncertaintyOf(after) is not { } now || before is not null && ReferenceEquals(now, expected.UncertaintyOf(before));

    public static IReadOnlyList<string> Difference(SchemaModel expected, SchemaModel actual, IEnumerable<string> touched)
    {
        var differences = new List<string>();

        // Only what the replay knows after the down is compared: a table made uncertain by the up or the down (an
        // undecidable branch, SQL not read) is neither left behind nor missing.
        var names = touched.Distinct().Order(StringComparer.Ordinal)
            .Where(n => !actual.UnknownTables.ContainsKey(n) && (actual.Table(n) is not { } t || SameUncertainty(expected, expected.Table(n), t, actual)))
            .ToList();
        foreach (var name in names.Where(n => actual.Table(n) is not null && expected.Table(n) is null))
        {
            differences.Add($"table {name} is left behind");
        }

        foreach (var name in names.Where(n => expected.Table(n) is not null && actual.Table(n) is null))
        {
            differences.Add($"table {name} is dropped, but it existed before the up");
        }

        foreach (var before in names.Select(expected.Table).OfType<TableModel>())
        {
            if (actual.Table(before.Name) is not { } after || ReferenceEquals(before, after))
            {
                continue;
            }

            // "Left behind" needs the table's contents before the up to be known; "not restored", the column to have been known there.
            var beforeKnown = expected.UncertaintyOf(before) is null;
            foreach (var column in after.Columns.Where(c => beforeKnown && before.Column(c.Name) is null))
            {
                differences.Add($"column {before.Name}.{column.Name} is left behind");
            }

            foreach (var column in before.Columns.Where(c => after.Column(c.Name) is null && expected.Knows(before, c.Origin)))
            {
                differences.Add($"column {before.Name}.{column.Name} is not restored");
            }

            foreach (var column in before.Columns.Where(c => expected.Knows(before, c.Origin) && after.Column(c.Name) is { } now && (!SqlTypes.Same(now.Type, c.Type) || now.Nullable != c.Nullable)))
            {
                differences.Add($"column {before.Name}.{column.Name} is not restored to {column.Type}{(column.Nullable ? string.Empty : " not null")}");
            }

            foreach (var index in after.Indexes.Where(i => beforeKnown && expected.IndexesKnown(before) && before.Indexes.All(b => b.Name != i.Name)))
            {
                differences.Add($"index {index.Name} on {before.Name} is left behind");
            }

            foreach (var index in before.Indexes.Where(i => expected.KnowsIndex(before, i.Origin) && after.Indexes.All(a => a.Name != i.Name)))
            {
                differences.Add($"index {index.Name} on {before.Name} is not restored");
            }

            foreach (var fk in after.ForeignKeys.Where(f => beforeKnown && before.ForeignKeys.All(b => b.Name != f.Name)))
            {
                differences.Add($"foreign key {fk.Name} on {before.Name} is left behind");
            }

            foreach (var fk in before.ForeignKeys.Where(f => expected.Knows(before, f.Origin) && after.ForeignKeys.All(a => a.Name != f.Name)))
            {
                differences.Add($"foreign key {fk.Name} on {before.Name} is not restored");
            }
        }

        return differences;
    }
}
