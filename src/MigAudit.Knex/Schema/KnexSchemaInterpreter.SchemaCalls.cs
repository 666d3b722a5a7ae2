using Acornima;
using Acornima.Ast;
using MigAudit.Core;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Knex.Schema;

/// <summary>knex.schema.* chains, knex.raw and client.query SQL, transactions and query builders (data, not schema).</summary>
public sealed partial class KnexSchemaInterpreter
{
    private static readonly HashSet<string> DataMethods =
    [
        "select", "insert", "update", "del", "delete", "where", "from", "into", "table", "truncate", "first", "pluck", "increment", "decrement",
        "count", "returning", "onConflict", "merge", "ignore", "whereIn", "join", "leftJoin", "orderBy", "groupBy", "limit", "batchInsert",
        "fn", "ref", "destroy", "client",
    ];

    // The first links that make a lazy builder: knex.schema..., knex.raw(...), knex('t')... and the query methods above,
    // less knex.fn/ref/client (helpers), destroy and batchInsert (they start at once) and merge/ignore (they follow onConflict).
    // Declared after DataMethods, in the same file, so that it is initialised after it.
    private static readonly HashSet<string> LazyStarts =
        ["schema", "raw", "(query)", .. DataMethods.Except(["merge", "ignore", "batchInsert", "fn", "ref", "destroy", "client"])];


    /// <summary>The answer of knex.schema.hasTable / hasColumn at this point of the replay.</summary>
    private bool? GuardValue(Node node, Frame frame)
    {
        node = Unwrap(node);
        if (node is not CallExpression call || Chain(call, frame) is not { Root: KnexAlias } chain || chain.Links.Count < 2 || chain.Links[0].Name != "schema")
        {
            return null;
        }

        var link = chain.Links[^1];
        var args = link.Arguments ?? [];
        var schema = chain.Links.LastOrDefault(l => l.Name == "withSchema") is { Arguments: [var named, ..] } ? Value(named, frame) as JsString : null;
        string? Table(int index) => Text(args, index, frame) is { } name ? state.Key(schema?.Value, name) : null;
        return link.Name switch
        {
            "hasTable" when Table(0) is { } table => state.HasTable(table),
            "hasColumn" when Table(0) is { } table && Text(args, 1, frame) is { } column => state.HasColumn(table, column),
            _ => null,
        };
    }

    private sealed record Link(string Name, IReadOnlyList<Node>? Arguments, Node Node);

    private sealed record CallChain(Local? Root, Node RootNode, List<Link> Links);

    /// <summary>Flattens a.b(x).c(y) into root a and links [b(x), c(y)].</summary>
    private CallChain? Chain(Node node, Frame frame)
    {
        var links = new List<Link>();
        var current = node;
        while (true)
        {
            switch (current)
            {
                case CallExpression { Callee: MemberExpression { Computed: false, Property: Identifier name } member } call:
                    links.Add(new Link(name.Name, call.Arguments.Cast<Node>().ToList(), call));
                    current = member.Object;
                    continue;
                case MemberExpression { Computed: false, Property: Identifier property } member:
                    links.Add(new Link(property.Name, null, member));
                    current = member.Object;
                    continue;
                case CallExpression { Callee: Identifier callee } rootCall when frame.Lookup(callee.Name) is KnexAlias:
                    // knex('table')... is a query builder: data, not schema.
                    links.Add(new Link("(query)", rootCall.Arguments.Cast<Node>().ToList(), rootCall));
                    current = callee;
                    continue;
                case AwaitExpression or ParenthesizedExpression:
                    current = Unwrap(current);
                    continue;
                case Identifier root:
                    links.Reverse();
                    return new CallChain(frame.Lookup(root.Name), root, links);
                default:
                    return null;
            }
        }
    }


    private void Sql(CallExpression call, Frame frame, int? line = null)
    {
        if (Value(call.Arguments[0], frame) is not JsString sql)
        {
            if (call.Arguments[0] is TemplateLiteral alternatives && TemplateTexts(alternatives, frame) is { } texts)
            {
                // `CREATE INDEX ${ifNotExists} i ON t (c)` with ifNotExists = cond ? '' : 'IF NOT EXISTS': each text is
                // replayed as a branch of the undecided condition, as an if/else around two knex.raw calls would be.
                SqlAlternatives(call, frame, line, texts.Undecided, texts.Texts);
                return;
            }

            // A template with unknown parts (`CREATE INDEX ${ifNotExists} i ON visits (user_id)`) still says what it works on.
            var reached = call.Arguments[0] is TemplateLiteral template
                ? SqlDdlReader.TablesReached(string.Join(" ? ", template.Quasis.Select(q => q.Value.Cooked)))
                : null;
            Gap(call, frame, "SQL text not statically known", markUnknown: reached is null);
            foreach (var (table, indexesOnly) in reached ?? [])
            {
                state.MarkUnknown(state.NewUncertainty(call.Location.Start.Line, "not followed by the replay: SQL text not statically known"), table, indexesOnly);
            }

            return;
        }

        ApplySql(call, frame, line, sql.Value);
    }

    /// <summary>One SQL text of a knex.raw (or schema.raw, or a client's query) call, with its bindings, read into the replay.</summary>
    private void ApplySql(CallExpression call, Frame frame, int? line, string sql)
    {
        // knex.raw(sql, bindings) and knex.schema.raw(sql, bindings) fill ?? and :name: with identifiers before sending
        // (a pg client's query(sql, values) sends its $1 values apart, and the text as it is).
        var text = call.Callee is MemberExpression { Property: Identifier { Name: "raw" } } && call.Arguments.Count > 1
            ? KnexRawBindings.Apply(sql, Value(call.Arguments[1], frame))
            : sql;
        if (text is null)
        {
            Gap(call, frame, "SQL bindings not statically known (or a ? parameter, which DDL does not take)", markUnknown: SqlDdlReader.TablesReached(sql) is null);
            foreach (var (table, indexesOnly) in SqlDdlReader.TablesReached(sql) ?? [])
            {
                state.MarkUnknown(state.NewUncertainty(call.Location.Start.Line, "not followed by the replay: SQL bindings not statically known"), table, indexesOnly);
            }

            return;
        }

        var (count, sqlGaps) = SqlDdlReader.Apply(text, state, line ?? call.Location.Start.Line);
        total += count;
        understood += count - sqlGaps.Count;
        gaps.AddRange(sqlGaps);
    }

    private void KnexChain(CallChain chain, Frame frame)
    {
        var links = chain.Links;
        if (links.Count == 0)
        {
            return;
        }

        switch (links[0].Name)
        {
            case "schema":
                SchemaChain(links.Skip(1).ToList(), frame);
                return;
            case "transaction" when links[0].Arguments is [IFunction callback, ..]:
                var inner = frame.Child();
                if (callback.Params.Count > 0 && callback.Params[0] is Identifier trx)
                {
                    inner.Set(trx.Name, new KnexAlias());
                }

                Body(callback, inner);
                return;
            case var name when name == "(query)" || DataMethods.Contains(name):
                Understood();
                ConsumeHeldBuilders(links.SelectMany(l => l.Arguments ?? []), frame);
                RecordDataChange(links, frame);
                RecordEnumValueUses(links, frame);
                FollowThen(links, frame, null);
                return;
            default:
                if (!MissingMember(KnexMembers.Target.Knex, links, 0, frame))
                {
                    Gap(links[0].Node, frame, $"knex.{links[0].Name}() is not followed by the replay");
                }

                return;
        }
    }

    private static readonly HashSet<string> WritingMethods = ["insert", "update", "del", "delete", "increment", "decrement", "truncate", "merge", "batchInsert", "upsert"];

    /// <summary>knex('t').update(...), knex.batchInsert('t', rows)...: where rows are written, for the lock rules.</summary>
    private void RecordDataChange(List<Link> links, Frame frame)
    {
        if (links.FirstOrDefault(l => WritingMethods.Contains(l.Name)) is not { } verb)
        {
            return;
        }

        // insert([...]) and batchInsert('t', [...]) write the rows the code lists; update, del and an insert from a
        // query write as many as the table holds.
        var rows = verb.Name == "batchInsert" ? verb.Arguments?.ElementAtOrDefault(1) : verb.Name == "insert" ? verb.Arguments?.FirstOrDefault() : null;
        if (rows is ArrayExpression or ObjectExpression || rows is not null && Value(rows, frame) is JsArray or JsObject)
        {
            return;
        }

        var named = links.FirstOrDefault(l => l.Name is "(query)" or "table" or "from" or "into" or "batchInsert");
        if (named?.Arguments is { Count: > 0 } arguments && Text(arguments, 0, frame) is { } table)
        {
            if (verb.Name == "truncate")
            {
                // knex('t').truncate() sends truncate "t" restart identity on PostgreSQL (knex 3.1.0's toSQL()).
                state.Truncate([state.Key(null, table)], cascade: false, verb.Node.Location.Start.Line);
                return;
            }

            // update()/del() with no where*() (knex 3.1.0 sends update "t" set ... / delete from "t"): every row.
            var allRows = verb.Name is "update" or "del" or "delete" && !links.Any(l => l.Name.Contains("where", StringComparison.OrdinalIgnoreCase) || l.Name is "join" or "innerJoin" or "leftJoin" or "limit" or "modify");
            state.DataChange(state.Key(null, table), verb.Name, verb.Node.Location.Start.Line, allRows);
        }
    }

    private void SchemaChain(List<Link> links, Frame frame)
    {
        bool? lastGuard = null;
        string? schema = null;
        string? Table(IReadOnlyList<Node> arguments, int index) => Text(arguments, index, frame) is { } name ? state.Key(schema, name) : null;
        void Callback(Node callback, string table, bool creating)
        {
            // Knex names the indexes of withSchema('crm').table('roles') after 'roles' alone.
            state.Naming = schema is null ? null : (table, table[(table.IndexOf('.', StringComparison.Ordinal) + 1)..]);
            try
            {
                TableCallback(callback, table, creating, frame);
            }
            finally
            {
                state.Naming = null;
            }
        }

        for (var at = 0; at < links.Count; at++)
        {
            var link = links[at];
            var line = link.Node.Location.Start.Line;
            var args = link.Arguments ?? [];
            switch (link.Name)
            {
                case "withSchema":
                    // withSchema('crm').createTable('roles') makes crm.roles, a table distinct from public's roles.
                    schema = Text(args, 0, frame);
                    state.SchemaQualified = true;
                    if (schema is null)
                    {
                        Gap(link.Node, frame, "withSchema() with a schema not statically known");
                        return;
                    }

                    break;
                case "createTable" or "createTableIfNotExists" when Table(args, 0) is { } table:
                    // A CREATE TABLE that fails, or does nothing (IF NOT EXISTS), adds none of its columns.
                    var created = state.CreateTable(table, link.Name == "createTableIfNotExists", line);
                    Understood();
                    if (created && args.Count > 1)
                    {
                        Callback(args[1], table, creating: true);
                    }

                    break;
                case "table" or "alterTable" when Table(args, 0) is { } table:
                    // On a table known not to exist, Knex's one ALTER TABLE fails as a whole: its columns are not replayed.
                    var exists = state.Require(table, line, $"{link.Name}('{table}')") is not null;
                    Understood();
                    if (exists && args.Count > 1)
                    {
                        Callback(args[1], table, creating: false);
                    }

                    break;
                case "dropTable" or "dropTableIfExists" when Table(args, 0) is { } table:
                    state.DropTable(table, link.Name == "dropTableIfExists", line);
                    Understood();
                    break;
                case "renameTable" when Table(args, 0) is { } from && Table(args, 1) is { } to:
                    state.RenameTable(from, to, line);
                    Understood();
                    break;
                case "hasTable" when Table(args, 0) is { } table:
                    lastGuard = state.HasTable(table);
                    Understood();
                    break;
                case "hasColumn" when Table(args, 0) is { } table && Text(args, 1, frame) is { } column:
                    lastGuard = state.HasColumn(table, column);
                    Understood();
                    break;
                case "raw" when args.Count > 0 && link.Node is CallExpression rawCall:
                    // knex.schema.table(...).raw(...): the statement's line is the .raw's, not the chain's first.
                    Sql(rawCall, frame, rawCall.Callee is MemberExpression { Property: var property } ? property.Location.Start.Line : null);
                    break;
                case "createView" or "createViewOrReplace" or "createMaterializedView" or "alterView" or "dropView" or "dropViewIfExists" or
                    "dropMaterializedView" or "dropMaterializedViewIfExists" or "refreshMaterializedView" or "renameView" when Text(args, 0, frame) is { } view:
                    View(link, view, args, frame);
                    break;
                case "dropSchema" or "dropSchemaIfExists" when args.Count > 1 && Value(args[1], frame) is not (JsUndefined or JsNull or JsBoolean { Value: false }):
                    // dropSchema(name, cascade): "drop schema ... cascade" takes the schema's tables with it.
                    if (Text(args, 0, frame) is not { } dropped || Value(args[1], frame) is not JsBoolean { Value: true })
                    {
                        Gap(link.Node, frame, $"schema.{link.Name}() with a name or cascade flag not statically known");
                        break;
                    }

                    state.DropSchemaCascade(dropped, line);
                    Understood();
                    break;
                case "createSchema" or "createSchemaIfNotExists" or "dropSchema" or "dropSchemaIfExists" or "createExtension" or "createExtensionIfNotExists" or "dropExtension" or "dropExtensionIfExists":
                    Understood();
                    break;
                case "then" when args is [IFunction callback, ..]:
                    var inner = frame.Child();
                    if (callback.Params.Count > 0 && callback.Params[0] is Identifier result && lastGuard is not null)
                    {
                        inner.Set(result.Name, new ValueLocal(new JsBoolean(lastGuard.Value)));
                    }

                    Body(callback, inner);
                    break;
                case "catch" or "finally" or "toString" or "toSQL" or "generateDdlCommands" or "debug" or "transacting" or "connection":
                    break;
                default:
                    if (MissingMember(KnexMembers.Target.Schema, links, at, frame))
                    {
                        return;
                    }

                    Gap(link.Node, frame, $"schema.{link.Name}() with these arguments is not followed by the replay");
                    break;
            }
        }
    }

    private void FollowThen(List<Link> links, Frame frame, bool? guard)
    {
        foreach (var link in links.Where(l => l.Name == "then" && l.Arguments is [IFunction, ..]))
        {
            var callback = (IFunction)link.Arguments![0];
            var inner = frame.Child();
            if (guard is not null && callback.Params.Count > 0 && callback.Params[0] is Identifier result)
            {
                inner.Set(result.Name, new ValueLocal(new JsBoolean(guard.Value)));
            }

            Body(callback, inner);
        }
    }
}
