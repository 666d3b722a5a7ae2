using MigAudit.Core;
using MigAudit.Knex.JavaScript;
using MigAudit.Knex.Migrations;

namespace MigAudit.Knex.Schema;

/// <summary>
/// Replays the migrations into a schema: every up in Knex's order (recording chain problems), then every down
/// from the schema its up produced, compared with the schema before that up. A down is judged only when both
/// directions were fully understood.
/// </summary>
public static class SchemaReplayer
{
    public sealed record Input(string Name, string FullPath);

    public static SchemaReplay Replay(string root, IReadOnlyList<Input> migrations, ParsedModuleCache cache)
    {
        var evaluator = new StaticEvaluator(root, environment: null, cache);
        var state = new SchemaState(SchemaModel.Empty);
        var steps = new List<(Input Migration, SchemaModel Before, SchemaModel After, Coverage Up, IReadOnlyList<ChainProblem> Problems, int Indexes, IFunctionRef? Down, string[] Touched)>();

        foreach (var migration in migrations)
        {
            var entry = cache.Get(migration.FullPath);
            var before = state.Current;
            if (entry?.Program is not { } program)
            {
                steps.Add((migration, before, before, Coverage.None, [], 0, null, []));
                continue;
            }

            var scope = new ModuleScope(migration.FullPath, entry.Value.Text, program);
            var (up, down) = MigrationModuleAnalyzer.ExportedFunctions(scope);
            state.Migration = migration.Name;
            var problemsBefore = state.Problems.Count;
            state.ResetTouched();
            var indexesBefore = state.IndexesDeclared;
            var upCoverage = up is null ? Coverage.None : new KnexSchemaInterpreter(state, evaluator, cache).Run(up, scope);
            steps.Add((migration, before, state.Current, upCoverage, state.Problems.Skip(problemsBefore).ToList(), state.IndexesDeclared - indexesBefore,
                down is null ? null : new IFunctionRef(down, scope), [.. state.Touched]));
        }

        var replays = new List<MigrationReplay>();
        foreach (var step in steps)
        {
            var downCoverage = Coverage.None;
            IReadOnlyList<string> leftovers = [];
            var downLine = 0;
            if (step.Down is { } down)
            {
                var downState = new SchemaState(step.After) { Migration = step.Migration.Name, RecordProblems = false };
                downCoverage = new KnexSchemaInterpreter(downState, evaluator, cache).Run(down.Function, down.Scope);
                downLine = ((Acornima.Ast.Node)down.Function).Location.Start.Line;
                if (step.Up.Complete && downCoverage.Complete && step.Up.Total > 0)
                {
                    leftovers = Difference(step.Before, downState.Current, [.. step.Touched, .. downState.Touched]);
                }
            }

            replays.Add(new MigrationReplay
            {
                Migration = step.Migration.Name,
                Up = step.Up,
                Down = downCoverage,
                ChainProblems = step.Problems,
                DownLeftovers = leftovers,
                DownLine = downLine,
                IndexesDeclared = step.Indexes,
            });
        }

        return new SchemaReplay { Schema = state.Current, Migrations = replays };
    }

    private sealed record IFunctionRef(Acornima.Ast.IFunction Function, ModuleScope Scope);

    /// <summary>What differs between the schema before an up and after its down: what the down failed to undo.</summary>
    /// <param name="touched">The tables the up and the down worked on; only they can differ.</param>
    public static IReadOnlyList<string> Difference(SchemaModel expected, SchemaModel actual, IEnumerable<string> touched)
    {
        var differences = new List<string>();
        var names = touched.Distinct().Order(StringComparer.Ordinal).ToList();
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

            foreach (var column in after.Columns.Where(c => before.Column(c.Name) is null))
            {
                differences.Add($"column {before.Name}.{column.Name} is left behind");
            }

            foreach (var column in before.Columns.Where(c => after.Column(c.Name) is null))
            {
                differences.Add($"column {before.Name}.{column.Name} is not restored");
            }

            foreach (var column in before.Columns.Where(c => after.Column(c.Name) is { } now && (now.Type != c.Type || now.Nullable != c.Nullable)))
            {
                differences.Add($"column {before.Name}.{column.Name} is not restored to {column.Type}{(column.Nullable ? string.Empty : " not null")}");
            }

            foreach (var index in after.Indexes.Where(i => before.Indexes.All(b => b.Name != i.Name)))
            {
                differences.Add($"index {index.Name} on {before.Name} is left behind");
            }

            foreach (var index in before.Indexes.Where(i => after.Indexes.All(a => a.Name != i.Name)))
            {
                differences.Add($"index {index.Name} on {before.Name} is not restored");
            }

            foreach (var fk in after.ForeignKeys.Where(f => before.ForeignKeys.All(b => b.Name != f.Name)))
            {
                differences.Add($"foreign key {fk.Name} on {before.Name} is left behind");
            }

            foreach (var fk in before.ForeignKeys.Where(f => after.ForeignKeys.All(a => a.Name != f.Name)))
            {
                differences.Add($"foreign key {fk.Name} on {before.Name} is not restored");
            }
        }

        return differences;
    }
}
