using Acornima.Ast;

namespace MigAudit.Knex.Schema;

/// <summary>
/// Calls to names knex does not have: knex.schmea.alterTable(...), knex.schema.alterTabel(...), table.strng('x'),
/// t.string('x').notNul(). JavaScript evaluates them to undefined, so the code throws V8's TypeError where it runs,
/// and knex's transaction rolls the migration back. knex's member lists (<see cref="KnexMembers"/>) decide, unless
/// the project may extend knex (<see cref="KnexExtendedBy"/>, or an extend() call in the module).
/// </summary>
public sealed partial class KnexSchemaInterpreter
{
    /// <summary>Why the project may add methods to knex; when set, no call is read as a missing member.</summary>
    public string? KnexExtendedBy { get; init; }

    /// <summary>
    /// Records knex's TypeError when <paramref name="links"/>[<paramref name="at"/>] names nothing on
    /// <paramref name="target"/> and the code calls it, or reads through it; false (nothing recorded) otherwise.
    /// </summary>
    private bool MissingMember(KnexMembers.Target target, IReadOnlyList<Link> links, int at, Frame frame)
    {
        var link = links[at];
        if (KnexMembers.Has(target, link.Name) || KnexExtendedBy is not null ||
            KnexExtensions.ExtendCall(frame.Scope.Text) is not null || KnexExtensions.ExtendCall(cache.File(migrationFile).Text) is not null)
        {
            return false;
        }

        string error;
        if (link.Arguments is not null && link.Node is CallExpression call)
        {
            error = $"{V8Text(call.Callee)} is not a function";
        }
        else if (at + 1 < links.Count)
        {
            error = $"Cannot read properties of undefined (reading '{links[at + 1].Name}')";
        }
        else
        {
            // Reading a missing property gives undefined, which is no error by itself.
            return false;
        }

        // The replay knows exactly what happens here: the line throws.
        Understood();
        AtSite(frame, () => state.MissingKnexMember(link.Node.Location.Start.Line, $"{Describe(target, link.Name)} has no '{link.Name}' in any knex version from {KnexMembers.Versions}, so this line throws \"TypeError: {error}\""));
        return true;
    }

    private static string Describe(KnexMembers.Target target, string name) => target switch
    {
        KnexMembers.Target.CreateColumn when name == "alter" => "a column builder of createTable (alter() exists only in alterTable's)",
        KnexMembers.Target.Knex => "the knex object Knex passes",
        KnexMembers.Target.Schema => "knex.schema",
        KnexMembers.Target.CreateTable => "the table builder of createTable",
        KnexMembers.Target.AlterTable => "the table builder of alterTable",
        _ => "a column builder",
    };

    /// <summary>How V8 names a callee in "x is not a function": a.b.c, this.x, f(...).g; anything else is "(intermediate value)".</summary>
    private static string V8Text(Node node) => node switch
    {
        Identifier identifier => identifier.Name,
        ThisExpression => "this",
        MemberExpression { Computed: false, Property: Identifier property } member => $"{V8Text(member.Object)}.{property.Name}",
        CallExpression call => $"{V8Text(call.Callee)}(...)",
        ParenthesizedExpression parenthesized => V8Text(parenthesized.Expression),
        _ => "(intermediate value)",
    };
}
