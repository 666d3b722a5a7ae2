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
                // insert(rows.slice(i, i + 1000)) is a batch per pass, the form update-in-loop recommends: a write, not a per-row one.
                var batched = verb.Name is "insert" or "upsert" && verb.Arguments is [var rows, ..] && IsBatch(rows);
                state.DataChange(state.Key(null, table), verb.Name, verb.Node.Location.Start.Line, loop: batched ? null : $"{loop} at line {loopNode.Location.Start.Line}");
            }
        }
    }

    /// <summary>Rows given as an array, a slice or splice of one (mapped or filtered), or a variable named as a batch or chunk.</summary>
    private static bool IsBatch(Node rows) => rows switch
    {
        ArrayExpression { Elements.Count: > 1 } => true,
        CallExpression { Callee: MemberExpression { Property: Identifier { Name: "slice" or "splice" } } } => true,
        CallExpression { Callee: MemberExpression { Property: Identifier { Name: "map" or "filter" }, Object: var source } } => IsBatch(source),
        Identifier { Name: var name } => name.Contains("batch", StringComparison.OrdinalIgnoreCase) || name.Contains("chunk", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };
}
