using Acornima;
using Acornima.Ast;
using MigAudit.Core;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Knex.Schema;

/// <summary>What code the replay cannot follow may reach: nothing in the schema (rows only), one table builder's table, or anything.</summary>
public sealed partial class KnexSchemaInterpreter
{
    /// <summary>
    /// Whether every call in the code is a Knex query builder on rows (knex('t')..., knex.select...) or a call that is
    /// given no knex object and is no database client: then it cannot change the schema.
    /// </summary>
    private bool OnlyData(Node node, Frame frame)
    {
        var stack = new Stack<Node>([node]);
        while (stack.TryPop(out var current))
        {
            if (current is CallExpression call)
            {
                if (RootIdentifier(call) is { } root && frame.Lookup(root.Name) is KnexAlias)
                {
                    if (Chain(call, frame) is not { Links: [var first, ..] } || !(first.Name == "(query)" || DataMethods.Contains(first.Name)))
                    {
                        return false;
                    }
                }
                else if (MentionsDatabase(call.Callee, frame) || call.Arguments.Any(a => a is Identifier passed && frame.Lookup(passed.Name) is KnexAlias or TableAlias or PendingLocal))
                {
                    return false;
                }
            }

            foreach (var child in current.ChildNodes)
            {
                stack.Push(child);
            }
        }

        return true;
    }

    /// <summary>
    /// The one table builder code uses when it uses no knex object and no database client (a helper given only the
    /// builder can change only that table); null when it may reach further.
    /// </summary>
    private string? OnlyTableUsed(Node node, Frame frame)
    {
        string? table = null;
        var stack = new Stack<Node>([node]);
        while (stack.TryPop(out var current))
        {
            if (current is Identifier id)
            {
                switch (frame.Lookup(id.Name))
                {
                    case TableAlias alias when table is null || table == alias.Table:
                        table = alias.Table;
                        continue;
                    case TableAlias or KnexAlias:
                        return null;
                    case null when frame.Scope.Bindings.ContainsKey(id.Name) && MentionsDatabase(id, frame):
                        return null;
                }
            }

            foreach (var child in current.ChildNodes)
            {
                stack.Push(child);
            }
        }

        return table;
    }

    /// <summary>Whether the node uses the knex object, a table builder, or a database client the module holds.</summary>
    private bool MentionsDatabase(Node node, Frame frame)
    {
        if (node is Identifier id)
        {
            if (frame.Lookup(id.Name) is KnexAlias or TableAlias or PendingLocal)
            {
                return true;
            }

            return frame.Lookup(id.Name) is null && frame.Scope.Bindings.TryGetValue(id.Name, out var binding) &&
                   (binding.ImportSource is { } source && !source.StartsWith("node:", StringComparison.Ordinal) ||
                    binding.Initializer is CallExpression { Callee: Identifier { Name: "require" } } or NewExpression);
        }

        foreach (var child in node.ChildNodes)
        {
            // Nested functions count: a callback given to code the replay does not follow may still use knex.
            if (MentionsDatabase(child, frame))
            {
                return true;
            }
        }

        return false;
    }
}
