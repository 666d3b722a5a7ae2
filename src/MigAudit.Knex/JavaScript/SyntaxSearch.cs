using Acornima.Ast;

namespace MigAudit.Knex.JavaScript;

/// <summary>Searches the code one function runs, iteratively: nested functions are skipped, since their bodies run only when called.</summary>
public static class SyntaxSearch
{
    public static bool Contains(Node root, Func<Node, bool> match)
    {
        var pending = new Stack<Node>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            if (match(node))
            {
                return true;
            }

            foreach (var child in node.ChildNodes)
            {
                if (child is not IFunction)
                {
                    pending.Push(child);
                }
            }
        }

        return false;
    }

    /// <summary>Every node under the root, nested functions included (a readdir inside a new Promise callback), in source order.</summary>
    public static IEnumerable<Node> Descendants(Node root)
    {
        var pending = new Stack<Node>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            yield return node;
            foreach (var child in node.ChildNodes.Reverse())
            {
                pending.Push(child);
            }
        }
    }

    /// <summary>An arrow function's expression, or the argument of a block body's last return (null when it returns nothing).</summary>
    public static Node? ReturnedExpression(IFunction function) => function.Body switch
    {
        BlockStatement block => block.Body.OfType<ReturnStatement>().LastOrDefault()?.Argument,
        var expression => expression,
    };

    /// <summary>The called name: "readdir" for fs.promises.readdir(...), "knex" for knex('t').</summary>
    public static string CalleeName(CallExpression call) => call.Callee switch
    {
        Identifier id => id.Name,
        MemberExpression { Property: Identifier property } => property.Name,
        _ => string.Empty,
    };
}
