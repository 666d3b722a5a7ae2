using Acornima.Ast;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Knex.Schema;

/// <summary>
/// Rows written one statement per item of a loop the replay cannot unroll (for (const row of rows) await
/// knex('t').update(...).where('id', row.id), Promise.all(rows.map(...)), while loops): the loop itself stays a gap,
/// but each knex query builder write in its body is recorded once, marked with its loop, for update-in-loop.
/// </summary>
public sealed partial class KnexSchemaInterpreter
{
    private static readonly HashSet<string> LoopedVerbs = ["insert", "update", "del", "delete", "increment", "decrement", "upsert", "merge"];

    /// <param name="loop">How the loop reads: "for...of loop", "forEach() callback"...</param>
    private void LoopedWrites(Node body, Frame frame, string loop, Node loopNode)
    {
        var recorded = new HashSet<Node>();
        foreach (var call in SyntaxSearch.Descendants(body).OfType<CallExpression>())
        {
            if (Chain(call, frame) is not { Root: KnexAlias, Links: [var first, ..] } chain || !(first.Name == "(query)" || DataMethods.Contains(first.Name)) ||
                chain.Links.FirstOrDefault(l => LoopedVerbs.Contains(l.Name)) is not { } verb || !recorded.Add(verb.Node))
            {
                continue;
            }

            var named = chain.Links.FirstOrDefault(l => l.Name is "(query)" or "table" or "from" or "into");
            if (named?.Arguments is { Count: > 0 } arguments && Text(arguments, 0, frame) is { } table)
            {
                state.DataChange(state.Key(null, table), verb.Name, verb.Node.Location.Start.Line, loop: $"{loop} at line {loopNode.Location.Start.Line}");
            }
        }
    }
}
