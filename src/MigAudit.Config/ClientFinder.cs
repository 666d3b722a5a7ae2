using Acornima.Ast;
using MigAudit.Core;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Config;

/// <summary>A place in the code that builds a database client, with the expression of its configuration.</summary>
public sealed record ClientSite(string File, int Line, ClientKind Kind, Node? ConfigNode, string ConfigText);

/// <summary>An assignment to node-postgres's process-wide defaults, e.g. <c>pg.defaults.ssl = true</c>.</summary>
public sealed record PgDefaultSite(string File, int Line, string Key, Node Value);

/// <summary>Finds knex(...) / require('knex')(...) calls and new Pool/Client from pg, following how each file imports them.</summary>
public static class ClientFinder
{
    public static IEnumerable<ClientSite> Find(ModuleScope scope)
    {
        var sites = new List<ClientSite>();
        Walk(scope.Program, scope, sites);
        return sites;
    }

    public static IEnumerable<PgDefaultSite> FindPgDefaults(ModuleScope scope)
    {
        var found = new List<PgDefaultSite>();
        void Visit(Node node)
        {
            if (node is AssignmentExpression { Left: MemberExpression { Object: MemberExpression { Property: Identifier { Name: "defaults" } } owner, Property: Identifier key } } assignment &&
                (IsRequireOf(owner.Object, "pg") || owner.Object is Identifier pg && BindsModule(pg.Name, scope, "pg")))
            {
                found.Add(new PgDefaultSite(scope.File, assignment.Location.Start.Line, key.Name, assignment.Right));
            }

            foreach (var child in node.ChildNodes)
            {
                Visit(child);
            }
        }

        Visit(scope.Program);
        return found;
    }

    private static void Walk(Node node, ModuleScope scope, List<ClientSite> sites)
    {
        switch (node)
        {
            case CallExpression call when IsKnexFactory(call.Callee, scope):
                sites.Add(Site(scope, call.Location.Start.Line, ClientKind.Knex, call.Arguments.Count > 0 ? call.Arguments[0] : null));
                break;
            case NewExpression created when PgConstructor(created.Callee, scope) is { } kind:
                sites.Add(Site(scope, created.Location.Start.Line, kind, created.Arguments.Count > 0 ? created.Arguments[0] : null));
                break;
        }

        foreach (var child in node.ChildNodes)
        {
            Walk(child, scope, sites);
        }
    }

    private static ClientSite Site(ModuleScope scope, int line, ClientKind kind, Node? config) =>
        new(scope.File, line, kind, config, config is null ? "(no configuration)" : scope.TextOf(config));

    private static bool IsRequireOf(Node? node, string module) =>
        node is CallExpression { Callee: Identifier { Name: "require" }, Arguments: [StringLiteral literal] } && literal.Value == module;

    private static bool IsKnexFactory(Expression callee, ModuleScope scope)
    {
        switch (callee)
        {
            case CallExpression when IsRequireOf(callee, "knex"):
                return true;
            case MemberExpression { Property: Identifier { Name: "knex" or "default" } } member:
                return IsRequireOf(member.Object, "knex") || member.Object is Identifier owner && BindsModule(owner.Name, scope, "knex");
            case Identifier id when scope.Bindings.TryGetValue(id.Name, out var binding):
                return binding.ImportSource == "knex" && binding.ImportName is "default" or "knex" or "Knex" ||
                       IsRequireOf(binding.Initializer, "knex") ||
                       binding.Initializer is MemberExpression { Property: Identifier { Name: "knex" or "default" } } m && IsRequireOf(m.Object, "knex");
            default:
                return false;
        }
    }

    private static bool BindsModule(string name, ModuleScope scope, string module) =>
        scope.Bindings.TryGetValue(name, out var binding) &&
        (IsRequireOf(binding.Initializer, module) || binding.ImportSource == module && binding.ImportName is "default" or "*");

    private static ClientKind? PgConstructor(Expression callee, ModuleScope scope)
    {
        static ClientKind? KindOf(string name) => name switch
        {
            "Pool" => ClientKind.PgPool,
            "Client" => ClientKind.PgClient,
            _ => null,
        };

        switch (callee)
        {
            case MemberExpression { Property: Identifier property } member when IsRequireOf(member.Object, "pg") || member.Object is Identifier owner && BindsModule(owner.Name, scope, "pg"):
                return KindOf(property.Name);
            case Identifier id when scope.Bindings.TryGetValue(id.Name, out var binding):
                if (binding.ImportSource == "pg" && binding.ImportName is { } imported)
                {
                    return KindOf(imported);
                }

                return binding.Initializer is MemberExpression { Property: Identifier name } m && IsRequireOf(m.Object, "pg") ? KindOf(name.Name) : null;
            default:
                return null;
        }
    }
}
