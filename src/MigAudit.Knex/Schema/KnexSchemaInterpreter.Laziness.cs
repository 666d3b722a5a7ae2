using Acornima.Ast;
using MigAudit.Core;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Knex.Schema;

/// <summary>
/// Knex's schema, raw and query builders are lazy thenables: they send their SQL only when something calls then() on
/// them (await, a returned promise Knex awaits, Promise.all, or .then/.catch/.finally). A builder built and dropped
/// never runs, so the replay does not apply it and reports it; one started but not awaited runs while what follows goes
/// on without it, and is reported too. knex.transaction(callback) starts at once and is not lazy.
/// </summary>
public sealed partial class KnexSchemaInterpreter
{
    private readonly List<LazyBuilder> lazyBuilders = [];

    private static readonly HashSet<string> Starters = ["then", "catch", "finally", "asCallback"];

    private static readonly HashSet<string> DataOnlySchemaLinks = ["hasTable", "hasColumn", "withSchema", "then", "catch", "finally", "toString", "toSQL", "debug", "transacting", "connection"];

    /// <summary>A builder chain rooted at knex, and whether then() (or catch/finally) starts it.</summary>
    private (CallChain Chain, bool Started)? LazyBuilderOf(Node node, Frame frame)
    {
        while (node is ParenthesizedExpression parenthesized)
        {
            node = parenthesized.Expression;
        }

        // Most statements are table builder calls (t.string(...)): find the root without building the chain first.
        if (node is not CallExpression || RootIdentifier(node) is not { } root || frame.Lookup(root.Name) is not KnexAlias ||
            Chain(node, frame) is not { Root: KnexAlias, Links: [var first, ..] } chain || !LazyStarts.Contains(first.Name))
        {
            return null;
        }

        // A chain through an await ((await knex.schema.hasTable('t')) ...) is not one builder.
        return SyntaxSearch.Contains(node, n => n is AwaitExpression) ? null : (chain, chain.Links.Any(l => Starters.Contains(l.Name)));
    }

    private static Identifier? RootIdentifier(Node node)
    {
        while (true)
        {
            switch (node)
            {
                case CallExpression call:
                    node = call.Callee;
                    continue;
                case MemberExpression member:
                    node = member.Object;
                    continue;
                case ParenthesizedExpression parenthesized:
                    node = parenthesized.Expression;
                    continue;
                case Identifier identifier:
                    return identifier;
                default:
                    return null;
            }
        }
    }

    /// <summary>An expression statement: its value is dropped, so a builder in it runs only if it was started.</summary>
    private void Discarded(Expression expression, Frame frame)
    {
        if (expression is AwaitExpression)
        {
            Expression(expression, frame);
            return;
        }

        if (LazyBuilderOf(expression, frame) is { } builder)
        {
            if (!builder.Started)
            {
                Understood();
                Lazy(expression, frame, builder.Chain, neverRuns: true);
                return;
            }

            Lazy(expression, frame, builder.Chain, neverRuns: false);
        }
        else if (expression is CallExpression call && frame.Scope.TextOf(call.Callee) is "Promise.all" or "Promise.allSettled" && MentionsDatabase(call, frame))
        {
            // Promise.all starts every builder it is given; not awaited, the migration does not wait for them.
            lazyBuilders.Add(new LazyBuilder(call.Location.Start.Line, Snippet(call, frame), NeverRuns: false, ChangesSchema: true) { Helper = frame.Site });
        }

        Expression(expression, frame);
    }

    /// <summary>return [builder, ...] from up or down: Knex warns that the migration did not return a promise and runs none of them.</summary>
    private void ReturnedArray(ArrayExpression array, Frame frame)
    {
        foreach (var element in array.Elements)
        {
            if (element is null)
            {
                continue;
            }

            if (LazyBuilderOf(element, frame) is { Started: false } builder)
            {
                Understood();
                Lazy(element, frame, builder.Chain, neverRuns: true, "returned inside an array: Knex awaits only a returned promise (it logs \"migration ... did not return a promise\")");
            }
            else
            {
                Expression(element, frame);
            }
        }
    }

    private void Lazy(Node node, Frame frame, CallChain chain, bool neverRuns, string? note = null)
    {
        var links = chain.Links;
        var changesSchema = links[0].Name switch
        {
            "schema" => links.Skip(1).Any(l => !DataOnlySchemaLinks.Contains(l.Name)),
            "raw" => links[0].Arguments is not [var sql, ..] || Value(sql, frame) is not JsString known || IsDdl(known.Value),
            _ => false,
        };
        var (effects, fails) = neverRuns && changesSchema ? WouldHaveRun(node, frame) : (null, null);
        lazyBuilders.Add(new LazyBuilder(node.Location.Start.Line, Snippet(node, frame), neverRuns, changesSchema) { Helper = frame.Site, Note = note, Effects = effects, WouldFail = fails });
    }

    private void RunPending(PendingLocal pending)
    {
        if (pending.Ran)
        {
            // A builder awaited twice runs twice; the replay applies it once and says nothing more.
            return;
        }

        pending.Ran = true;
        Expression(pending.Builder, pending.Frame);
    }

    private static bool IsDdl(string sql)
    {
        var first = sql.TrimStart().Split((char[])[' ', '\n', '\t', '\r', '('], 2)[0];
        return first.ToUpperInvariant() is "CREATE" or "ALTER" or "DROP" or "COMMENT" or "DO" or "GRANT" or "REVOKE";
    }

    private static string Snippet(Node node, Frame frame)
    {
        var text = string.Join(' ', frame.Scope.TextOf(node).Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
        return text.Length > 100 ? text[..100] + "…" : text;
    }
}
