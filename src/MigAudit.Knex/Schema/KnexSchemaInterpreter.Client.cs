using Acornima.Ast;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Knex.Schema;

/// <summary>
/// Code that branches on the database (knex.client.driverName === 'pg', knex.client.config.client) is decided by the
/// knexfile's client, with the values real knex 3 reports for it.
/// </summary>
public sealed partial class KnexSchemaInterpreter
{
    /// <summary>
    /// knex.client.driverName, knex.client.dialect or knex.client.config.client; unknown when the client is not
    /// statically known; null when the node is not one of them.
    /// </summary>
    private StaticValue? ClientProperty(Node node, Frame frame)
    {
        var path = new List<string>();
        while (node is MemberExpression { Computed: false, Property: Identifier property } member)
        {
            path.Insert(0, property.Name);
            node = member.Object;
        }

        if (node is not Identifier root || frame.Lookup(root.Name) is not KnexAlias || path.Count < 2 || path[0] != "client")
        {
            return null;
        }

        var which = string.Join('.', path.Skip(1));
        if (which is not ("driverName" or "dialect" or "config.client"))
        {
            return null;
        }

        return state.Client is { } client && Discovery.KnexClientProperties.Of(client) is { } known
            ? new JsString(which switch { "driverName" => known.DriverName, "dialect" => known.Dialect, _ => known.ConfigClient })
            : new JsUnknown($"{root.Name}.{string.Join('.', path)}", "the database client is not statically known");
    }
}
