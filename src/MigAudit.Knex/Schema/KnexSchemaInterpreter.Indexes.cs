using Acornima.Ast;
using MigAudit.Core;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Knex.Schema;

/// <summary>Knex's index() and unique() options: the method, a unique index, and the predicate built with knex's where methods.</summary>
public sealed partial class KnexSchemaInterpreter
{
    /// <summary>What the replay keeps for a predicate built with knex that it does not compile.</summary>
    public const string UncompiledPredicate = "(a predicate built with knex)";

    /// <summary>
    /// index(columns, name, method | { storageEngineIndexType, indexType, predicate }), unique(columns, options), and the
    /// column modifier index(name, method | options), which knex turns into the table's index(column, name, options).
    /// On PostgreSQL knex 3.1.0 writes "using &lt;storageEngineIndexType&gt;" (a string is that), "create unique index" for
    /// indexType 'unique' (other values are ignored) and "where &lt;predicate&gt;" (checked with real knex).
    /// </summary>
    private void KnexIndex(string table, IReadOnlyList<string> columns, bool uniqueCall, string? given, Node? optionsNode, int line, Frame frame)
    {
        var options = optionsNode is null ? null : Value(optionsNode, frame);
        var optionsObject = options as JsObject;
        var method = uniqueCall ? "btree" : (options as JsString ?? optionsObject?.Get("storageEngineIndexType") as JsString)?.Value.ToLowerInvariant() ?? "btree";
        var uniqueIndex = uniqueCall || optionsObject?.Get("indexType") is JsString { Value: var kind } && kind.Equals("unique", StringComparison.OrdinalIgnoreCase);

        // index() names a unique index <table>_<columns>_index all the same.
        var indexName = given ?? (uniqueCall ? null : state.IndexNameFor(table, columns, "index"));
        string? predicate = null;
        var hasPredicate = optionsObject?.Get("predicate") is { } where && where is not (JsUndefined or JsNull);
        if (hasPredicate)
        {
            var (sql, failure) = Predicate(optionsNode, frame);
            if (failure is not null)
            {
                state.KnexThrows(line, failure);
                return;
            }

            predicate = sql;
        }

        // unique() is "alter table add constraint ... unique" on PostgreSQL, unless useConstraint: false or a predicate
        // makes it a unique index (checked with knex's toString()).
        var asConstraint = uniqueCall && optionsObject?.Get("useConstraint") is not JsBoolean { Value: false } && !hasPredicate;
        state.AddIndex(table, columns, uniqueIndex, indexName, line, explicitName: given is not null, method: method, predicate: predicate, asConstraint: asConstraint);
    }

    /// <summary>
    /// The predicate as knex writes it after "where" (its query compiler's where()): whereNotNull('a'), whereNull('a'),
    /// where('a', null), whereRaw('sql') and their and/or chains. where('a', value) is written as a parameter ($1) that
    /// knex never sends, so PostgreSQL refuses the index ("there is no parameter $1", checked with real knex): a failure.
    /// Anything else keeps <see cref="UncompiledPredicate"/>, which the replay states as not known.
    /// </summary>
    private (string Sql, string? Failure) Predicate(Node? optionsNode, Frame frame)
    {
        var node = (optionsNode as ObjectExpression)?.Properties.OfType<Property>()
            .LastOrDefault(p => p.Key is Identifier { Name: "predicate" } || p.Key is StringLiteral { Value: "predicate" })?.Value;
        if (state.Dialect != SqlDialect.PostgreSQL || node is null || Chain(node, frame) is not { Root: KnexAlias, Links.Count: > 0 } chain)
        {
            return (UncompiledPredicate, null);
        }

        var sql = new System.Text.StringBuilder();
        foreach (var link in chain.Links)
        {
            var args = link.Arguments ?? [];
            var or = link.Name.StartsWith("orWhere", StringComparison.Ordinal);
            var name = or ? "where" + link.Name["orWhere".Length..] : link.Name.StartsWith("andWhere", StringComparison.Ordinal) ? "where" + link.Name["andWhere".Length..] : link.Name;
            var column = Text(args, 0, frame) is { } c && !c.Contains('.', StringComparison.Ordinal) && !c.Contains(' ', StringComparison.Ordinal) ? Quoting.SqlIdentifier(c) : null;
            var second = args.Count > 1 ? Value(args[1], frame) : null;
            var piece = name switch
            {
                "whereNotNull" when args.Count == 1 && column is not null => $"{column} is not null",
                "whereNull" when args.Count == 1 && column is not null => $"{column} is null",
                "where" when args.Count == 2 && column is not null && second is JsNull => $"{column} is null",
                "whereRaw" when args.Count == 1 && Text(args, 0, frame) is { } raw && !raw.Contains('?', StringComparison.Ordinal) => raw,
                _ => null,
            };
            if (piece is null && name == "where" && column is not null && args.Count is 2 or 3 && Value(args[^1], frame) is JsString or JsNumber or JsBoolean)
            {
                return (UncompiledPredicate, $"index predicate {link.Name}('{Text(args, 0, frame)}', ...): knex 3.1.0 writes the value as a parameter ($1) it never sends, so PostgreSQL refuses the index (there is no parameter $1); use whereRaw() with the value written in the SQL");
            }

            if (piece is null)
            {
                return (UncompiledPredicate, null);
            }

            sql.Append(sql.Length == 0 ? string.Empty : or ? " or " : " and ").Append(piece);
        }

        return (sql.ToString(), null);
    }
}
