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
}
