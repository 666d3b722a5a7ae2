using Acornima.Ast;
using MigAudit.Core;

namespace MigAudit.Knex.Schema;

/// <summary>
/// Conditions the replay cannot decide: both branches are replayed from the same schema and merged, so what they
/// agree on stays known and what differs becomes unknown. A branch that returns or throws ends the function there;
/// its schema joins the function's end, and the statements after the condition run only on the other branch.
/// </summary>
public sealed partial class KnexSchemaInterpreter
{
    /// <summary>One function body being replayed: the schemas of the branches that left it early, and the conditions its remainder is under.</summary>
    private sealed class BodyContext(SchemaState.Fork start, bool resultRuns)
    {
        public SchemaState.Fork Start { get; } = start;

        /// <summary>Whether something awaits what the function returns (false for a forEach callback or an unawaited map).</summary>
        public bool ResultRuns { get; } = resultRuns;
        public List<(SchemaModel Schema, Uncertainty Because)> Exits { get; } = [];
        public int ConditionsEntered { get; set; }

        /// <summary>Builders held in variables of this function: those never run by its end are reported.</summary>
        public List<PendingLocal> Pending { get; } = [];
    }

    private readonly Stack<BodyContext> bodies = new();

    private void Body(IFunction function, Frame frame, bool resultRuns = true)
    {
        var context = new BodyContext(state.Snapshot(), resultRuns);
        bodies.Push(context);
        try
        {
            if (function.Body is BlockStatement block)
            {
                Statement(block, frame);
            }
            else if (function.Body is ArrayExpression array && bodies.Count == 1)
            {
                // exports.up = (knex) => [builder, ...]: not a promise, so Knex runs none of them.
                ReturnedArray(array, frame);
            }
            else if (resultRuns)
            {
                Expression((Expression)function.Body, frame);
            }
            else
            {
                Discarded((Expression)function.Body, frame);
            }
        }
        finally
        {
            bodies.Pop();
            foreach (var pending in context.Pending.Where(p => !p.Ran))
            {
                Lazy(pending.Builder, pending.Frame, pending.Chain, neverRuns: true);
            }

            for (var i = 0; i < context.ConditionsEntered; i++)
            {
                state.LeaveCondition();
            }
        }

        // The function ends either where it ran to or where a branch left it: after it, only what all agree on is known.
        foreach (var (schema, because) in context.Exits)
        {
            state.MergeBranches(context.Start, schema, state.Current, because);
        }
    }

    private static Flow Normal(Action action)
    {
        action();
        return Flow.Normal;
    }

    private Flow Branches(Node test, Frame frame, Func<Flow> first, Func<Flow>? second)
    {
        Understood();
        var text = frame.Scope.TextOf(test).ReplaceLineEndings(" ");
        var because = state.NewUncertainty(test.Location.Start.Line, $"depends on a condition not statically known ({(text.Length > 80 ? text[..80] + "…" : text)})");
        var fork = state.Snapshot();
        state.EnterCondition(because);
        Flow firstFlow, secondFlow;
        SchemaModel afterFirst;
        try
        {
            firstFlow = first();
            afterFirst = state.Restore(fork);
            secondFlow = second?.Invoke() ?? Flow.Normal;
        }
        finally
        {
            state.LeaveCondition();
        }

        var afterSecond = state.Current;
        var context = bodies.Peek();
        switch (firstFlow, secondFlow)
        {
            case (Flow.Exits, Flow.Exits):
                context.Exits.Add((afterFirst, because));
                context.Exits.Add((afterSecond, because));
                state.Replace(afterSecond);
                return Flow.Exits;
            case (Flow.Exits, Flow.Normal) or (Flow.Normal, Flow.Exits):
                var (exited, continued) = firstFlow == Flow.Exits ? (afterFirst, afterSecond) : (afterSecond, afterFirst);
                context.Exits.Add((exited, because));
                state.Replace(continued);

                // What follows runs only when the condition goes the other way: its failures are only possible.
                state.EnterCondition(because);
                context.ConditionsEntered++;
                return Flow.Normal;
            default:
                state.MergeBranches(fork, afterFirst, afterSecond, because);
                return firstFlow == Flow.Uncertain || secondFlow == Flow.Uncertain ? Flow.Uncertain : Flow.Normal;
        }
    }
}
