using Acornima;
using Acornima.Ast;
using MigAudit.Core;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Knex.Schema;

/// <summary>
/// Interprets the schema-builder code of one migration function (up or down) against a <see cref="SchemaState"/>:
/// createTable/alterTable callbacks, column types and modifiers, indexes, foreign keys, drops and renames,
/// <c>hasTable</c>/<c>hasColumn</c> guards (decided by the replayed state), raw SQL, local and required helper
/// functions, and loops over literal arrays. Whatever touches the database and cannot be followed is counted
/// as not understood, with its line: no schema object is ever guessed.
/// </summary>
public sealed class KnexSchemaInterpreter(SchemaState state, StaticEvaluator evaluator, ParsedModuleCache cache)
{
    private const int MaxInlineDepth = 8;

    private static readonly HashSet<string> ColumnTypes =
    [
        "increments", "bigIncrements", "integer", "bigInteger", "bigint", "tinyint", "smallint", "mediumint", "text", "string", "float",
        "double", "decimal", "boolean", "date", "datetime", "dateTime", "time", "timestamp", "binary", "enu", "enum", "json", "jsonb", "uuid",
        "specificType", "geometry", "geography", "point", "bit", "varchar", "double",
    ];

    private static readonly HashSet<string> NoEffectTableMethods = ["comment", "engine", "charset", "collate", "inherits", "check", "queryContext"];

    private static readonly HashSet<string> DataMethods =
    [
        "select", "insert", "update", "del", "delete", "where", "from", "into", "table", "truncate", "first", "pluck", "increment", "decrement",
        "count", "returning", "onConflict", "merge", "ignore", "whereIn", "join", "leftJoin", "orderBy", "groupBy", "limit", "batchInsert",
        "fn", "ref", "destroy", "client",
    ];

    private abstract record Local;

    private sealed record KnexAlias : Local;

    private sealed record TableAlias(string Table, bool Creating) : Local;

    private sealed record ValueLocal(StaticValue Value) : Local;

    private sealed record FunctionLocal(IFunction Function, ModuleScope Scope) : Local;

    private sealed class Frame(ModuleScope scope, Frame? parent = null)
    {
        private readonly Dictionary<string, Local> locals = new(StringComparer.Ordinal);

        public ModuleScope Scope { get; } = scope;
        public int Depth { get; init; }

        public Local? Lookup(string name) => locals.TryGetValue(name, out var local) ? local : parent?.Lookup(name);

        public void Set(string name, Local local) => locals[name] = local;

        public Frame Child() => new(Scope, this) { Depth = Depth };
    }

    private int understood;
    private int total;
    private readonly List<NotUnderstood> gaps = [];

    /// <summary>Interprets one exported function; its first parameter is the knex object Knex passes.</summary>
    public Coverage Run(IFunction function, ModuleScope scope)
    {
        understood = 0;
        total = 0;
        gaps.Clear();
        var frame = new Frame(scope);
        if (function.Params.Count > 0 && function.Params[0] is Identifier knex)
        {
            frame.Set(knex.Name, new KnexAlias());
        }

        Body(function, frame);
        return new Coverage(understood, total, [.. gaps]);
    }

    private void Understood() => (understood, total) = (understood + 1, total + 1);

    private void Gap(Node node, Frame frame, string reason)
    {
        total++;
        var text = frame.Scope.TextOf(node).ReplaceLineEndings(" ");
        gaps.Add(new NotUnderstood(node.Location.Start.Line, text.Length > 100 ? text[..100] + "…" : text, reason));
    }

    private void Body(IFunction function, Frame frame)
    {
        if (function.Body is BlockStatement block)
        {
            Statement(block, frame);
        }
        else
        {
            Expression((Expression)function.Body, frame);
        }
    }

    /// <summary>How a statement ends, as far as the replay can tell.</summary>
    private enum Flow
    {
        /// <summary>Control goes on to the next statement.</summary>
        Normal,

        /// <summary>A return or throw was reached: the rest of the function does not run.</summary>
        Exits,

        /// <summary>A return or throw behind a condition the replay cannot decide: whether the rest runs is unknown.</summary>
        Uncertain,
    }

    private Flow Statement(Node node, Frame frame)
    {
        switch (node)
        {
            case BlockStatement block:
                for (var i = 0; i < block.Body.Count; i++)
                {
                    var flow = Statement(block.Body[i], frame);
                    if (flow == Flow.Normal)
                    {
                        continue;
                    }

                    if (flow == Flow.Uncertain)
                    {
                        // Replaying the rest as if it surely ran would invent schema (and chain errors) the database
                        // may never see: it is reported as not followed instead.
                        foreach (var rest in block.Body.Skip(i + 1).Where(r => MentionsDatabase(r, frame)))
                        {
                            Gap(rest, frame, "runs only if an earlier return or throw, behind a condition not statically known, is not taken");
                        }
                    }

                    return flow;
                }

                return Flow.Normal;
            case ExpressionStatement expression:
                Expression(expression.Expression, frame);
                return Flow.Normal;
            case ReturnStatement { Argument: { } argument }:
                Expression(argument, frame);
                return Flow.Exits;
            case ReturnStatement or ThrowStatement:
                return Flow.Exits;
            case VariableDeclaration declaration:
                foreach (var declarator in declaration.Declarations)
                {
                    Declare(declarator, frame);
                }

                return Flow.Normal;
            case IfStatement conditional:
                switch (Condition(conditional.Test, frame))
                {
                    case true:
                        return Statement(conditional.Consequent, frame);
                    case false:
                        return conditional.Alternate is null ? Flow.Normal : Statement(conditional.Alternate, frame);
                    default:
                        if (MentionsDatabase(conditional, frame))
                        {
                            Gap(conditional, frame, "condition not statically known");
                        }

                        return MayExit(conditional) ? Flow.Uncertain : Flow.Normal;
                }

            case ForOfStatement loop:
                return Loop(loop, frame);
            case TryStatement attempt:
                // A throw inside try goes to its catch (not replayed); a return still ends the function.
                var tried = Statement(attempt.Block, frame);
                if (attempt.Handler is not null && tried == Flow.Exits && !Returns(attempt.Block))
                {
                    tried = Flow.Uncertain;
                }

                // A finally that itself returns or throws wins over how the try ended.
                var finalFlow = attempt.Finalizer is null ? Flow.Normal : Statement(attempt.Finalizer, frame);
                return finalFlow != Flow.Normal ? finalFlow : tried;
            case FunctionDeclaration { Id: { } id } function:
                frame.Set(id.Name, new FunctionLocal(function, frame.Scope));
                return Flow.Normal;
            case EmptyStatement:
                return Flow.Normal;
            default:
                if (MentionsDatabase(node, frame))
                {
                    Gap(node, frame, $"{node.Type} is not followed by the replay");
                }

                return MayExit(node) ? Flow.Uncertain : Flow.Normal;
        }
    }

    /// <summary>A return or throw somewhere in the statement, outside nested functions.</summary>
    private static bool MayExit(Node node) => SyntaxSearch.Contains(node, n => n is ReturnStatement or ThrowStatement);

    private static bool Returns(Node node) => SyntaxSearch.Contains(node, n => n is ReturnStatement);

    private Flow Loop(ForOfStatement loop, Frame frame)
    {
        var items = Value(loop.Right, frame) as JsArray;
        var variable = loop.Left is VariableDeclaration { Declarations: [{ Id: Identifier id }] } ? id.Name : null;
        if (items is null || variable is null || items.Items.Any(i => !i.IsKnown))
        {
            if (MentionsDatabase(loop, frame))
            {
                Gap(loop, frame, "loop over values not statically known");
            }

            return MayExit(loop.Body) ? Flow.Uncertain : Flow.Normal;
        }

        foreach (var item in items.Items)
        {
            var body = frame.Child();
            body.Set(variable, new ValueLocal(item));
            if (Statement(loop.Body, body) is not Flow.Normal and var flow)
            {
                return flow;
            }
        }

        return Flow.Normal;
    }

    private void Declare(VariableDeclarator declarator, Frame frame)
    {
        if (declarator.Id is not Identifier id || declarator.Init is null)
        {
            return;
        }

        var init = Unwrap(declarator.Init);
        if (GuardValue(init, frame) is { } guard)
        {
            frame.Set(id.Name, new ValueLocal(new JsBoolean(guard)));
            Understood();
            return;
        }

        if (init is Identifier alias && frame.Lookup(alias.Name) is KnexAlias or TableAlias)
        {
            frame.Set(id.Name, frame.Lookup(alias.Name)!);
            return;
        }

        if (init is IFunction function)
        {
            frame.Set(id.Name, new FunctionLocal(function, frame.Scope));
            return;
        }

        if (MentionsDatabase(init, frame))
        {
            Expression(init, frame);
            return;
        }

        frame.Set(id.Name, new ValueLocal(Value(init, frame)));
    }

    private static Node Unwrap(Node node) => node switch
    {
        AwaitExpression a => Unwrap(a.Argument),
        ParenthesizedExpression p => Unwrap(p.Expression),
        _ => node,
    };

    private bool? Condition(Node test, Frame frame)
    {
        test = Unwrap(test);
        if (GuardValue(test, frame) is { } guard)
        {
            Understood();
            return guard;
        }

        if (test is UnaryExpression { Operator: Operator.LogicalNot } not)
        {
            return !Condition(not.Argument, frame);
        }

        return Value(test, frame) switch
        {
            JsUnknown => null,
            var value => StaticEvaluator.IsTruthy(value),
        };
    }

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
        return link.Name switch
        {
            "hasTable" when Text(args, 0, frame) is { } table => state.HasTable(table),
            "hasColumn" when Text(args, 0, frame) is { } table && Text(args, 1, frame) is { } column => state.HasColumn(table, column),
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

    private void Expression(Node node, Frame frame)
    {
        node = Unwrap(node);
        switch (node)
        {
            case SequenceExpression sequence:
                foreach (var expression in sequence.Expressions)
                {
                    Expression(expression, frame);
                }

                return;
            case ArrayExpression array:
                foreach (var element in array.Elements)
                {
                    if (element is not null)
                    {
                        Expression(element, frame);
                    }
                }

                return;
            case ConditionalExpression conditional:
                switch (Condition(conditional.Test, frame))
                {
                    case true:
                        Expression(conditional.Consequent, frame);
                        break;
                    case false:
                        Expression(conditional.Alternate, frame);
                        break;
                    default:
                        Gap(conditional, frame, "condition not statically known");
                        break;
                }

                return;
            case CallExpression call:
                Call(call, frame);
                return;
        }

        if (MentionsDatabase(node, frame))
        {
            Gap(node, frame, $"{node.Type} is not followed by the replay");
        }
    }

    private void Call(CallExpression call, Frame frame)
    {
        var calleeText = frame.Scope.TextOf(call.Callee);
        if (calleeText is "Promise.all" or "Promise.allSettled" && call.Arguments.Count == 1)
        {
            Expression(call.Arguments[0], frame);
            return;
        }

        // SQL run by any client: knex.raw(sql), db.query(sql), client.query(sql). (knex.schema.raw is handled in the schema chain.)
        var chain = Chain(call, frame);
        if (call.Callee is MemberExpression { Property: Identifier { Name: var method } } && call.Arguments.Count > 0 &&
            (method == "query" && chain?.Root is not TableAlias || method == "raw" && chain is { Root: KnexAlias, Links.Count: 1 }))
        {
            Sql(call, frame);
            return;
        }

        switch (chain?.Root)
        {
            case KnexAlias:
                KnexChain(chain, frame);
                return;
            case TableAlias table:
                TableChain(chain, table, frame);
                return;
        }

        if (Unwrap(call.Callee) is IFunction immediate)
        {
            // exports.up = (knex) => (async () => { ... })(): the body runs right there and sees the enclosing locals.
            var inner = frame.Child();
            for (var i = 0; i < immediate.Params.Count && i < call.Arguments.Count; i++)
            {
                if (immediate.Params[i] is Identifier parameter && call.Arguments[i] is Identifier passed && frame.Lookup(passed.Name) is { } local)
                {
                    inner.Set(parameter.Name, local);
                }
            }

            Body(immediate, inner);
            return;
        }

        if (Inline(call, frame))
        {
            return;
        }

        if (MentionsDatabase(call, frame))
        {
            Gap(call, frame, $"call to {calleeText}() could not be followed");
        }
    }

    private void Sql(CallExpression call, Frame frame)
    {
        if (Value(call.Arguments[0], frame) is not JsString sql)
        {
            Gap(call, frame, "SQL text not statically known");
            return;
        }

        var (count, sqlGaps) = SqlDdlReader.Apply(sql.Value, state, call.Location.Start.Line);
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
                FollowThen(links, frame, null);
                return;
            default:
                Gap(links[0].Node, frame, $"knex.{links[0].Name}() is not followed by the replay");
                return;
        }
    }

    private void SchemaChain(List<Link> links, Frame frame)
    {
        bool? lastGuard = null;
        foreach (var link in links)
        {
            var line = link.Node.Location.Start.Line;
            var args = link.Arguments ?? [];
            switch (link.Name)
            {
                case "withSchema":
                    state.SchemaQualified = true;
                    break;
                case "createTable" or "createTableIfNotExists" when Text(args, 0, frame) is { } table:
                    state.CreateTable(table, link.Name == "createTableIfNotExists", line);
                    Understood();
                    if (args.Count > 1)
                    {
                        TableCallback(args[1], table, creating: true, frame);
                    }

                    break;
                case "table" or "alterTable" when Text(args, 0, frame) is { } table:
                    if (!state.HasTable(table))
                    {
                        state.Problems.Add(new ChainProblem(line, $"{link.Name}('{table}'): the table does not exist at this point"));
                    }

                    Understood();
                    if (args.Count > 1)
                    {
                        TableCallback(args[1], table, creating: false, frame);
                    }

                    break;
                case "dropTable" or "dropTableIfExists" when Text(args, 0, frame) is { } table:
                    state.DropTable(table, link.Name == "dropTableIfExists", line);
                    Understood();
                    break;
                case "renameTable" when Text(args, 0, frame) is { } from && Text(args, 1, frame) is { } to:
                    state.RenameTable(from, to, line);
                    Understood();
                    break;
                case "hasTable" when Text(args, 0, frame) is { } table:
                    lastGuard = state.HasTable(table);
                    Understood();
                    break;
                case "hasColumn" when Text(args, 0, frame) is { } table && Text(args, 1, frame) is { } column:
                    lastGuard = state.HasColumn(table, column);
                    Understood();
                    break;
                case "raw" when args.Count > 0 && link.Node is CallExpression rawCall:
                    Sql(rawCall, frame);
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

    private void TableCallback(Node callback, string table, bool creating, Frame frame)
    {
        var function = callback as IFunction;
        var scope = frame.Scope;
        if (function is null && callback is Identifier named && frame.Lookup(named.Name) is FunctionLocal local)
        {
            (function, scope) = (local.Function, local.Scope);
        }

        if (function is null)
        {
            Gap(callback, frame, "table callback could not be followed");
            return;
        }

        var inner = new Frame(scope, frame) { Depth = frame.Depth };
        if (function.Params.Count > 0 && function.Params[0] is Identifier builder)
        {
            inner.Set(builder.Name, new TableAlias(table, creating));
        }

        Body(function, inner);
    }

    private void TableChain(CallChain chain, TableAlias alias, Frame frame)
    {
        var table = alias.Table;
        var links = chain.Links;
        if (links.Count == 0 || links[0].Arguments is null)
        {
            Gap(chain.RootNode, frame, "table builder use not followed");
            return;
        }

        var first = links[0];
        var args = first.Arguments!;
        var line = first.Node.Location.Start.Line;
        var modifiers = links.Skip(1).ToList();

        if (ColumnTypes.Contains(first.Name))
        {
            Column(table, first, modifiers, frame);
            return;
        }

        switch (first.Name)
        {
            case "timestamps":
                var defaultToNow = args.Count > 1 && Value(args[1], frame) is JsBoolean { Value: true };
                var camel = args.Count > 2 && Value(args[2], frame) is JsBoolean { Value: true };
                foreach (var column in camel ? new[] { "createdAt", "updatedAt" } : ["created_at", "updated_at"])
                {
                    state.AddColumn(table, column, "timestamptz", nullable: !defaultToNow, defaultToNow ? "CURRENT_TIMESTAMP" : null, line);
                }

                Understood();
                return;
            case "index" or "unique" when Columns(args, 0, frame) is { } columns:
                state.AddIndex(table, columns, first.Name == "unique", IndexName(args, 1, frame), line);
                Understood();
                return;
            case "primary" when Columns(args, 0, frame) is { } columns:
                state.SetPrimaryKey(table, columns, line);
                Understood();
                return;
            case "foreign" when Columns(args, 0, frame) is { } columns:
                ForeignKey(table, columns, IndexName(args, 1, frame), modifiers, line, frame);
                return;
            case "dropColumn" or "dropColumns":
                foreach (var argument in args)
                {
                    if (Value(argument, frame) is JsString column)
                    {
                        state.DropColumn(table, column.Value, ifExists: false, line);
                    }
                    else if (Value(argument, frame) is JsArray many)
                    {
                        foreach (var item in many.Items.OfType<JsString>())
                        {
                            state.DropColumn(table, item.Value, ifExists: false, line);
                        }
                    }
                }

                Understood();
                return;
            case "renameColumn" when Text(args, 0, frame) is { } from && Text(args, 1, frame) is { } to:
                state.RenameColumn(table, from, to, line);
                Understood();
                return;
            case "dropIndex" or "dropUnique":
                state.DropIndex(table, Columns(args, 0, frame), IndexName(args, 1, frame), first.Name == "dropUnique", ifExists: false, line);
                Understood();
                return;
            case "dropForeign":
                state.DropForeignKey(table, Columns(args, 0, frame), IndexName(args, 1, frame), line);
                Understood();
                return;
            case "dropPrimary":
                state.DropPrimaryKey(table, line);
                Understood();
                return;
            case "dropTimestamps":
                state.DropColumn(table, "created_at", ifExists: false, line);
                state.DropColumn(table, "updated_at", ifExists: false, line);
                Understood();
                return;
            case "setNullable" or "dropNullable" when Text(args, 0, frame) is { } column:
                state.AlterColumn(table, column, null, first.Name == "setNullable", null, false, line);
                Understood();
                return;
        }

        if (NoEffectTableMethods.Contains(first.Name))
        {
            Understood();
            return;
        }

        Gap(first.Node, frame, $"table.{first.Name}() with these arguments is not followed by the replay");
    }

    private void Column(string table, Link type, List<Link> modifiers, Frame frame)
    {
        var args = type.Arguments!;
        var line = type.Node.Location.Start.Line;
        var name = Text(args, 0, frame) ?? (type.Name is "increments" or "bigIncrements" ? "id" : null);
        if (name is null)
        {
            Gap(type.Node, frame, "column name not statically known");
            return;
        }

        var sqlType = type.Name switch
        {
            "increments" => "serial",
            "bigIncrements" => "bigserial",
            "string" or "varchar" => $"varchar({(args.Count > 1 && Value(args[1], frame) is JsNumber n ? n.ToString() : "255")})",
            "integer" => "integer",
            "bigInteger" or "bigint" => "bigint",
            "smallint" or "tinyint" => "smallint",
            "float" => "real",
            "double" => "double precision",
            "decimal" => args.Count > 2 ? $"decimal({Value(args[1], frame)},{Value(args[2], frame)})" : "decimal(8,2)",
            "timestamp" or "datetime" or "dateTime" => "timestamptz",
            "enu" or "enum" => "text",
            "binary" => "bytea",
            "specificType" => Text(args, 1, frame) ?? "unknown",
            _ => type.Name.ToLowerInvariant(),
        };

        var nullable = type.Name is not ("increments" or "bigIncrements");
        string? defaultValue = null;
        var primary = type.Name is "increments" or "bigIncrements" && !(args.Count > 1 && Value(args[1], frame) is JsObject o && o.Get("primaryKey") is JsBoolean { Value: false });
        var alter = false;
        var unique = false;
        string? uniqueName = null;
        var index = false;
        string? indexName = null;
        foreach (var modifier in modifiers)
        {
            var margs = modifier.Arguments ?? [];
            switch (modifier.Name)
            {
                case "notNullable":
                    nullable = false;
                    break;
                case "nullable":
                    nullable = true;
                    break;
                case "defaultTo":
                    defaultValue = margs.Count > 0 ? DefaultText(margs[0], frame) : null;
                    break;
                case "primary":
                    primary = true;
                    nullable = false;
                    break;
                case "unique":
                    unique = true;
                    uniqueName = IndexName(margs, 0, frame);
                    break;
                case "index":
                    index = true;
                    indexName = IndexName(margs, 0, frame);
                    break;
                case "alter":
                    alter = true;
                    break;
            }
        }

        if (alter)
        {
            state.AlterColumn(table, name, sqlType, nullable, defaultValue, defaultValue is null, line);
            Understood();
            return;
        }

        state.AddColumn(table, name, sqlType, nullable && !primary, defaultValue, line);
        if (type.Name is "enu" or "enum" && !(args.Count > 2 && Value(args[2], frame) is JsObject options && options.Get("useNative") is JsBoolean { Value: true }))
        {
            // Knex sends "<column>" text check ("<column>" in (...)) (checked with knex's toString()); PostgreSQL
            // names that column constraint <table>_<column>_check, which later migrations drop by that name.
            state.AddCheck(table, $"{table}_{name}_check", line);
        }

        if (primary)
        {
            state.SetPrimaryKey(table, [name], line);
        }

        if (unique)
        {
            state.AddIndex(table, [name], unique: true, uniqueName, line);
        }

        if (index)
        {
            state.AddIndex(table, [name], unique: false, indexName, line);
        }

        var reference = ReadReference(modifiers, frame);
        if (reference.References is not null)
        {
            if (reference.Table is null)
            {
                Gap(type.Node, frame, "references() without a table");
                return;
            }

            state.AddForeignKey(table, [name], reference.Table, [reference.Column!], reference.OnDelete, reference.OnUpdate, null, line);
        }

        Understood();
    }

    private void ForeignKey(string table, IReadOnlyList<string> columns, string? name, List<Link> modifiers, int line, Frame frame)
    {
        var reference = ReadReference(modifiers, frame);
        if (reference.Table is null || reference.Column is null)
        {
            total++;
            gaps.Add(new NotUnderstood(line, $"foreign({string.Join(", ", columns)})", "foreign() without a statically known references()/inTable()"));
            return;
        }

        state.AddForeignKey(table, columns, reference.Table, [reference.Column], reference.OnDelete, reference.OnUpdate, name, line);
        Understood();
    }

    /// <summary>A foreign key's target and actions, as written with references('t.c') or references('c').inTable('t'), onDelete, onUpdate.</summary>
    private sealed record Reference(string? References, string? InTable, string? OnDelete, string? OnUpdate)
    {
        public string? Table => References is not null && References.Contains('.', StringComparison.Ordinal) ? References[..References.LastIndexOf('.')] : InTable;

        public string? Column => References is not null && References.Contains('.', StringComparison.Ordinal) ? References[(References.LastIndexOf('.') + 1)..] : References;
    }

    private Reference ReadReference(IEnumerable<Link> modifiers, Frame frame)
    {
        var reference = new Reference(null, null, null, null);
        foreach (var modifier in modifiers)
        {
            var args = modifier.Arguments ?? [];
            reference = modifier.Name switch
            {
                "references" => reference with { References = Text(args, 0, frame) },
                "inTable" => reference with { InTable = Text(args, 0, frame) },
                "onDelete" => reference with { OnDelete = Text(args, 0, frame)?.ToUpperInvariant() },
                "onUpdate" => reference with { OnUpdate = Text(args, 0, frame)?.ToUpperInvariant() },
                _ => reference,
            };
        }

        return reference;
    }

    /// <summary>Calls a local or required helper function with the knex or table builder it is given, as if its body were written here.</summary>
    private bool Inline(CallExpression call, Frame frame)
    {
        if (frame.Depth >= MaxInlineDepth)
        {
            return false;
        }

        IFunction? function = null;
        ModuleScope? scope = null;
        if (call.Callee is Identifier name && frame.Lookup(name.Name) is FunctionLocal local)
        {
            (function, scope) = (local.Function, local.Scope);
        }
        else if (call.Callee is Identifier or MemberExpression && evaluator.EvaluateIn(frame.Scope.File, call.Callee) is JsFunction resolved)
        {
            function = resolved.Function;
            scope = resolved.File == frame.Scope.File ? frame.Scope : Scope(resolved.File);
        }

        if (function is null || scope is null)
        {
            return false;
        }

        var inner = new Frame(scope) { Depth = frame.Depth + 1 };
        for (var i = 0; i < function.Params.Count; i++)
        {
            if (function.Params[i] is not Identifier parameter)
            {
                continue;
            }

            var argument = i < call.Arguments.Count ? call.Arguments[i] : null;
            if (argument is Identifier passed && frame.Lookup(passed.Name) is KnexAlias or TableAlias or FunctionLocal)
            {
                inner.Set(parameter.Name, frame.Lookup(passed.Name)!);
            }
            else if (argument is IFunction callback)
            {
                inner.Set(parameter.Name, new FunctionLocal(callback, frame.Scope));
            }
            else
            {
                inner.Set(parameter.Name, new ValueLocal(argument is null ? StaticValue.Undefined : Value(argument, frame)));
            }
        }

        Body(function, inner);
        return true;
    }

    private ModuleScope? Scope(string file)
    {
        var entry = cache.Get(file);
        return entry?.Program is { } program ? new ModuleScope(file, entry.Value.Text, program) : null;
    }

    /// <summary>Whether the node uses the knex object, a table builder, or a database client the module holds.</summary>
    private bool MentionsDatabase(Node node, Frame frame)
    {
        if (node is Identifier id)
        {
            if (frame.Lookup(id.Name) is KnexAlias or TableAlias)
            {
                return true;
            }

            return frame.Lookup(id.Name) is null && frame.Scope.Bindings.TryGetValue(id.Name, out var binding) &&
                   (binding.ImportSource is { } source && !source.StartsWith("node:", StringComparison.Ordinal) ||
                    binding.Initializer is CallExpression { Callee: Identifier { Name: "require" } } or NewExpression);
        }

        foreach (var child in node.ChildNodes)
        {
            if (child is not IFunction && MentionsDatabase(child, frame))
            {
                return true;
            }
        }

        return false;
    }

    private StaticValue Value(Node node, Frame frame)
    {
        switch (node)
        {
            case Identifier id when frame.Lookup(id.Name) is ValueLocal local:
                return local.Value;
            case Identifier id when frame.Lookup(id.Name) is not null:
                return new JsUnknown(id.Name, "not a value");
            case TemplateLiteral template:
                var text = new System.Text.StringBuilder();
                for (var i = 0; i < template.Quasis.Count; i++)
                {
                    text.Append(template.Quasis[i].Value.Cooked);
                    if (i < template.Expressions.Count)
                    {
                        switch (Value(template.Expressions[i], frame))
                        {
                            case JsString s:
                                text.Append(s.Value);
                                break;
                            case JsNumber n:
                                text.Append(n.ToString());
                                break;
                            default:
                                return new JsUnknown(frame.Scope.TextOf(template), "template with unknown parts");
                        }
                    }
                }

                return new JsString(text.ToString());
            case BinaryExpression { Operator: Operator.Addition } sum when Value(sum.Left, frame) is JsString left && Value(sum.Right, frame) is JsString right:
                return new JsString(left.Value + right.Value);
            case ArrayExpression array when array.Elements.All(e => e is not null):
                return new JsArray(array.Elements.Select(e => Value(e!, frame)).ToList());
            case MemberExpression { Object: Identifier owner, Property: Identifier property, Computed: false } when frame.Lookup(owner.Name) is ValueLocal { Value: JsObject obj }:
                return obj.Get(property.Name) ?? StaticValue.Undefined;
            default:
                return evaluator.EvaluateIn(frame.Scope.File, node);
        }
    }

    /// <summary>A column default as SQL: knex.raw('sql') is the SQL, knex.fn.now() is CURRENT_TIMESTAMP, values are literals.</summary>
    private string DefaultText(Node node, Frame frame)
    {
        if (node is CallExpression { Callee: MemberExpression { Property: Identifier { Name: "raw" } } } raw && raw.Arguments.Count > 0 && Value(raw.Arguments[0], frame) is JsString sql)
        {
            return sql.Value;
        }

        if (node is CallExpression { Callee: MemberExpression { Property: Identifier { Name: "now" } } })
        {
            return "CURRENT_TIMESTAMP";
        }

        return Value(node, frame) switch
        {
            JsString s => "'" + s.Value.Replace("'", "''", StringComparison.Ordinal) + "'",
            JsNumber n => n.ToString(),
            JsBoolean b => b.Value ? "true" : "false",
            JsNull => "NULL",
            _ => frame.Scope.TextOf(node),
        };
    }

    private string? Text(IReadOnlyList<Node> args, int index, Frame frame) =>
        index < args.Count && Value(args[index], frame) is JsString s ? s.Value : null;

    private List<string>? Columns(IReadOnlyList<Node> args, int index, Frame frame) => index < args.Count
        ? Value(args[index], frame) switch
        {
            JsString s => [s.Value],
            JsArray a when a.Items.All(i => i is JsString) => a.Items.Cast<JsString>().Select(i => i.Value).ToList(),
            _ => null,
        }
        : null;

    /// <summary>An explicit index name: a string, or { indexName } / { constraintName } options.</summary>
    private string? IndexName(IReadOnlyList<Node> args, int index, Frame frame) => index < args.Count
        ? Value(args[index], frame) switch
        {
            JsString s => s.Value,
            JsObject o when o.Get("indexName") is JsString n => n.Value,
            JsObject o when o.Get("constraintName") is JsString n => n.Value,
            _ => null,
        }
        : null;
}
