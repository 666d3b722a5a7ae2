using Acornima.Ast;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Knex.Schema;

/// <summary>
/// Views and the query builders given to other builders. The model holds tables, not views: a view statement changes
/// no table. knex's hasTable reads information_schema.tables, which lists views, so hasTable on a view's name is
/// unknown; a materialized view (rows, indexes of its own) is a relation whose contents are unknown.
/// </summary>
public sealed partial class KnexSchemaInterpreter
{
    private void View(Link link, string view, IReadOnlyList<Node> args, Frame frame)
    {
        Understood();

        // createView('v', (view) => view.as(knex('u').leftJoin(held, ...))): the builders the callback uses are
        // compiled into the view's SQL, so a variable holding one is not a builder left unrun.
        ConsumeHeldBuilders(args.Skip(1), frame);
        state.NoteView(state.Key(null, view));
        if (link.Name == "renameView" && Text(args, 1, frame) is { } renamed)
        {
            state.NoteView(state.Key(null, renamed));
        }

        if (link.Name.Contains("Materialized", StringComparison.Ordinal))
        {
            // A materialized view holds rows and indexes of its own (CREATE INDEX ... ON it): a relation the model does not know.
            AtSite(frame, () => state.MarkUnknown(state.NewUncertainty(link.Node.Location.Start.Line, $"schema.{link.Name}('{view}'): materialized views are not modelled"), state.Key(null, view)));
        }
    }

    /// <summary>
    /// A builder held in a variable and passed to another builder (a subquery in whereIn, a join, from, union,
    /// insert(select), a view's as) becomes part of that builder's SQL: it runs when the outer one does, never alone.
    /// </summary>
    private static void ConsumeHeldBuilders(IEnumerable<Node> arguments, Frame frame)
    {
        foreach (var argument in arguments)
        {
            foreach (var node in SyntaxSearch.Descendants(argument).Prepend(argument))
            {
                if (node is Identifier identifier && frame.Lookup(identifier.Name) is PendingLocal held)
                {
                    held.Ran = true;
                }
            }
        }
    }
}
