using Acornima.Ast;
using MigAudit.Core;

namespace MigAudit.Knex.Schema;

/// <summary>
/// What a schema builder that never runs would have added, had it run where it stands: it is replayed on a copy of the
/// schema at that point, and the difference is its effects. The unexecuted-builder rule compares them with the final
/// schema: a change a later migration makes anyway is not missing from databases built by the chain, and adding await
/// would then make that later migration create it a second time.
/// </summary>
public sealed partial class KnexSchemaInterpreter
{
    /// <summary>
    /// The objects the builder would add (null when it would drop or change anything, fail, or was not followed), and the
    /// first statement of it the database would refuse.
    /// </summary>
    private (IReadOnlyList<SchemaEffect>? Effects, ChainProblem? Fails) WouldHaveRun(Node node, Frame frame)
    {
        var before = state.Current;
        var copy = new SchemaState(before, state.Dialect, state.Client, state.DefaultSchema) { Migration = state.Migration, RecordProblems = false };
        var replay = new KnexSchemaInterpreter(copy, evaluator, cache) { KnexExtendedBy = KnexExtendedBy };

        // The builder stands inside the migration's function: a return in a callback of it is not the function's own.
        replay.bodies.Push(new BodyContext(copy.Snapshot(), resultRuns: true));
        replay.Expression(node, frame);
        if (replay.understood != replay.total || replay.lazyBuilders.Count > 0 || copy.Unknowns.Count > 0 || copy.ExternalTables.Count > 0)
        {
            return (null, null);
        }

        return copy.DownFailures is [var fails, ..] ? (null, fails) : (Added(before, copy.Current), null);
    }

    /// <summary>
    /// What <paramref name="after"/> has that <paramref name="before"/> lacks; null when anything else differs. Empty when
    /// nothing differs: run here, the builder would change nothing (a DROP ... IF EXISTS of what is not there).
    /// </summary>
    private static List<SchemaEffect>? Added(SchemaModel before, SchemaModel after)
    {
        if (!ReferenceEquals(before.Unknown, after.Unknown) || before.UnknownTables.Count != after.UnknownTables.Count ||
            before.Dropped.Count != after.Dropped.Count || before.Tables.Keys.Any(t => after.Table(t) is null))
        {
            return null;
        }

        var effects = new List<SchemaEffect>();
        foreach (var table in after.Tables.Values.Where(t => !ReferenceEquals(before.Table(t.Name), t)).OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            var old = before.Table(table.Name);
            if (old is null)
            {
                effects.Add(new SchemaEffect(SchemaEffectKind.Table, table.Name, table.Name));
            }
            else if (!ReferenceEquals(old.Partial, table.Partial) || !ReferenceEquals(old.PartialIndexes, table.PartialIndexes) ||
                     !old.PrimaryKey.SequenceEqual(table.PrimaryKey) || !old.Checks.SequenceEqual(table.Checks) ||
                     old.Columns.Any(c => !table.Columns.Contains(c)) || old.Indexes.Any(i => !table.Indexes.Contains(i)) ||
                     old.ForeignKeys.Any(f => !table.ForeignKeys.Contains(f)))
            {
                // It would change or remove something: whether a later migration did the same is not a matter of presence.
                return null;
            }

            effects.AddRange(table.Columns.Where(c => old?.Column(c.Name) is null).Select(c => new SchemaEffect(SchemaEffectKind.Column, table.Name, c.Name)));
            effects.AddRange(table.Indexes.Where(i => old?.Indexes.Contains(i) != true).Select(i => new SchemaEffect(SchemaEffectKind.Index, table.Name, i.Name)));
            effects.AddRange(table.ForeignKeys.Where(f => old?.ForeignKeys.Contains(f) != true).Select(f => new SchemaEffect(SchemaEffectKind.ForeignKey, table.Name, f.Name)));
        }

        return effects;
    }
}
