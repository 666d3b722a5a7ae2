using Acornima.Ast;
using MigAudit.Core;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Config;

/// <summary>
/// A place in the code that builds a database client: the expression of its configuration (the first argument) and
/// every argument (new Sequelize(database, user, password, options), postgres(url, options)). <see cref="InputName"/>
/// is set when the configuration comes from an argument of the function the client is built in: a database the code
/// is handed at run time, not the app's own.
/// </summary>
public sealed record ClientSite(string File, int Line, ClientKind Kind, Node? ConfigNode, string ConfigText)
{
    public IReadOnlyList<Node> Arguments { get; init; } = [];
    public string? InputName { get; init; }

    /// <summary>The module the client's factory is imported from ('@mikro-orm/postgresql'), when the call names one.</summary>
    public string? Module { get; init; }
}

/// <summary>An assignment to node-postgres's process-wide defaults, e.g. <c>pg.defaults.ssl = true</c>.</summary>
public sealed record PgDefaultSite(string File, int Line, string Key, Node Value);

/// <summary>
/// Finds the calls that build database clients — knex(...), new Pool/Client from pg, new Sequelize(...), postgres(...),
/// pgp(...) of pg-promise, new DataSource / createConnection of TypeORM, MikroORM.init / defineConfig — following how
/// each file imports its library.
/// </summary>
public static class ClientFinder
{
    private static readonly HashSet<string> SequelizeModules = new(StringComparer.Ordinal) { "sequelize", "@sequelize/core", "sequelize-typescript" };

    public static IEnumerable<ClientSite> Find(ModuleScope scope)
    {
        var sites = new List<ClientSite>();
        Walk(scope.Program, scope, sites, []);
        return sites;
    }

    public static IEnumerable<PgDefaultSite> FindPgDefaults(ModuleScope scope)
    {
        var found = new List<PgDefaultSite>();
        foreach (var node in SyntaxSearch.Descendants(scope.Program))
        {
            if (node is AssignmentExpression { Left: MemberExpression { Object: MemberExpression { Property: Identifier { Name: "defaults" } } owner, Property: Identifier key } } assignment &&
                Imported(owner.Object, scope) is ("pg", "*" or "default"))
            {
                found.Add(new PgDefaultSite(scope.File, assignment.Location.Start.Line, key.Name, assignment.Right));
            }
        }

        return found;
    }

    private static void Walk(Node node, ModuleScope scope, List<ClientSite> sites, List<IFunction> functions)
    {
        var kind = node switch
        {
            CallExpression call => CallKind(call, scope),
            NewExpression created => NewKind(created.Callee, scope),
            _ => null,
        };
        if (kind is { } found)
        {
            var callee = node is CallExpression { Callee: var called } ? called : ((NewExpression)node).Callee;
            var arguments = node is CallExpression c ? c.Arguments : ((NewExpression)node).Arguments;
            var config = arguments.Count > 0 ? arguments[0] : null;
            sites.Add(new ClientSite(scope.File, node.Location.Start.Line, found, config, config is null ? "(no configuration)" : scope.TextOf(config))
            {
                Arguments = [.. arguments],
                InputName = arguments.Select(a => ArgumentOf(a, functions)).FirstOrDefault(n => n is not null),
                Module = Imported(callee is MemberExpression { Property: Identifier { Name: "init" }, Object: var owner } ? owner : callee, scope)?.Module,
            });
        }

        if (node is IFunction function)
        {
            functions = [.. functions, function];
        }

        foreach (var child in node.ChildNodes)
        {
            Walk(child, scope, sites, functions);
        }
    }

    private static ClientKind? CallKind(CallExpression call, ModuleScope scope)
    {
        if (IsKnexFactory(call.Callee, scope))
        {
            return ClientKind.Knex;
        }

        switch (Imported(call.Callee, scope))
        {
            case ("postgres", "*" or "default"):
                return ClientKind.PostgresJs;
            case ("typeorm", "createConnection"):
                return ClientKind.TypeOrm;
            case ({ } module, "defineConfig") when module.StartsWith("@mikro-orm/", StringComparison.Ordinal):
                return ClientKind.MikroOrm;
        }

        if (call.Callee is MemberExpression { Property: Identifier { Name: "init" }, Object: var owner } && Imported(owner, scope) is ({ } mikro, "MikroORM") &&
            mikro.StartsWith("@mikro-orm/", StringComparison.Ordinal))
        {
            return ClientKind.MikroOrm;
        }

        // const pgp = require('pg-promise')(options); const db = pgp(connection);
        return call.Callee is Identifier instance && scope.Bindings.TryGetValue(instance.Name, out var binding) &&
               binding.Initializer is CallExpression { Callee: var factory } && Imported(factory, scope) is ("pg-promise", "*" or "default")
            ? ClientKind.PgPromise
            : null;
    }

    private static ClientKind? NewKind(Expression callee, ModuleScope scope) => Imported(callee, scope) switch
    {
        ("pg", "Pool") => ClientKind.PgPool,
        ("pg", "Client") => ClientKind.PgClient,
        ({ } module, "Sequelize" or "default" or "*") when SequelizeModules.Contains(module) => ClientKind.Sequelize,
        ("typeorm", "DataSource") => ClientKind.TypeOrm,
        _ => null,
    };

    /// <summary>
    /// The module and export an expression names: require('pg').Pool, Pool from import { Pool } from 'pg',
    /// const { Pool } = require('pg'), pg.Pool with import pg from 'pg'. "*" is the module itself.
    /// </summary>
    public static (string Module, string Export)? Imported(Node? node, ModuleScope scope, int depth = 0)
    {
        if (depth > 8)
        {
            return null;
        }

        switch (node)
        {
            case CallExpression { Callee: Identifier { Name: "require" }, Arguments: [StringLiteral literal] }:
                return (literal.Value, "*");
            case MemberExpression { Computed: false, Property: Identifier property } member when Imported(member.Object, scope, depth + 1) is ({ } module, "*" or "default"):
                return (module, property.Name);
            case Identifier id when scope.Bindings.TryGetValue(id.Name, out var binding):
                return binding.ImportSource is { } source ? (source, binding.ImportName ?? "*") : Imported(binding.Initializer, scope, depth + 1);
            default:
                return null;
        }
    }

    /// <summary>The name of an enclosing function's parameter the configuration is made from, directly or through a local variable.</summary>
    private static string? ArgumentOf(Node argument, List<IFunction> functions)
    {
        if (functions.Count == 0)
        {
            return null;
        }

        var parameters = functions.SelectMany(f => f.Params).SelectMany(SyntaxSearch.Descendants).OfType<Identifier>().Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var locals = functions.SelectMany(f => SyntaxSearch.Descendants(f.Body)).OfType<VariableDeclarator>()
            .Where(d => d.Id is Identifier && d.Init is not null).GroupBy(d => ((Identifier)d.Id).Name).ToDictionary(g => g.Key, g => g.First().Init!, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? Search(Node node)
        {
            foreach (var name in SyntaxSearch.Descendants(node).OfType<Identifier>().Select(i => i.Name))
            {
                if (parameters.Contains(name) && !locals.ContainsKey(name))
                {
                    return name;
                }

                if (locals.TryGetValue(name, out var initializer) && seen.Add(name) && Search(initializer) is { } found)
                {
                    return found;
                }
            }

            return null;
        }

        return Search(argument);
    }

    private static bool IsKnexFactory(Expression callee, ModuleScope scope) => Imported(callee, scope) switch
    {
        ("knex", "*" or "default" or "knex" or "Knex") => true,
        _ => false,
    };
}
