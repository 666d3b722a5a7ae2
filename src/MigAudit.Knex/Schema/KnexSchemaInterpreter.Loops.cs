using Acornima;
using Acornima.Ast;
using MigAudit.Core;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Knex.Schema;

/// <summary>Loops over static arrays (for...of, forEach, Promise.all(map)), unrolled up to a bound with Knex's laziness.</summary>
public sealed partial class KnexSchemaInterpreter
{
    /// <summary>Loops over more items than this are not unrolled: what they touch becomes unknown.</summary>
    private const int MaxUnrolled = 1000;

    /// <summary>
    /// items.forEach(cb) and items.map(cb) over a static array: the callback is replayed once per item. What a forEach
    /// callback returns is dropped, and so is what map returns unless Promise.all awaits it; an async forEach callback
    /// runs, but forEach does not wait for it.
    /// </summary>
    private bool Unroll(CallExpression call, Frame frame, bool resultsRun)
    {
        if (call.Callee is not MemberExpression { Computed: false, Property: Identifier { Name: "forEach" or "map" } method } member ||
            call.Arguments is not [IFunction callback, ..] || !MentionsDatabase(call, frame))
        {
            return false;
        }

        if (Value(member.Object, frame) is not JsArray items || items.Items.Any(i => !i.IsKnown) || items.Items.Count > MaxUnrolled)
        {
            // rows.map(row => knex('t').update(...)): not unrolled, but its writes run once per row.
            LoopedWrites(callback.Body, frame, $"{method.Name}() callback", call);
            return false;
        }

        Understood();
        if (callback.Async && method.Name == "forEach")
        {
            lazyBuilders.Add(new LazyBuilder(call.Location.Start.Line, Snippet(call, frame), NeverRuns: false, ChangesSchema: true) { Helper = frame.Site });
        }

        for (var i = 0; i < items.Items.Count; i++)
        {
            var inner = frame.Child();
            if (callback.Params.Count > 0 && callback.Params[0] is Identifier item)
            {
                inner.Set(item.Name, new ValueLocal(items.Items[i]));
            }

            if (callback.Params.Count > 1 && callback.Params[1] is Identifier index)
            {
                inner.Set(index.Name, new ValueLocal(new JsNumber(i)));
            }

            Body(callback, inner, resultRuns: resultsRun && method.Name == "map" || callback.Async);
        }

        return true;
    }

    private Flow Loop(ForOfStatement loop, Frame frame)
    {
        var items = Value(loop.Right, frame) as JsArray;
        var variable = loop.Left is VariableDeclaration { Declarations: [{ Id: Identifier id }] } ? id.Name : null;
        if (items is null || variable is null || items.Items.Any(i => !i.IsKnown) || items.Items.Count > MaxUnrolled)
        {
            if (MentionsDatabase(loop, frame))
            {
                LoopedWrites(loop.Body, frame, "for...of loop", loop);
                Gap(loop, frame, "loop over values not statically known");
            }

            return MayExit(loop.Body) ? Flow.Uncertain : Flow.Normal;
        }

        foreach (var item in items.Items)
        {
            var body = frame.Child();
            body.Set(variable, new ValueLocal(item));
            if (Statement(loop.Body, body) is not Flow.Normal and var flow)
            {
                return flow;
            }
        }

        return Flow.Normal;
    }
}
