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
public sealed partial class KnexSchemaInterpreter(SchemaState state, StaticEvaluator evaluator, ParsedModuleCache cache)
{
    private const int MaxInlineDepth = 8;

    private int understood;
    private int total;
    private readonly List<NotUnderstood> gaps = [];

    /// <summary>Interprets one exported function; its first parameter is the knex object Knex passes.</summary>
    public Coverage Run(IFunction function, ModuleScope scope)
    {
        understood = 0;
        total = 0;
        gaps.Clear();
        lazyBuilders.Clear();
        migrationFile = scope.File;
        var frame = new Frame(scope);
        if (function.Params.Count > 0 && function.Params[0] is Identifier knex)
        {
            frame.Set(knex.Name, new KnexAlias());
        }

        Body(function, frame);
        return new Coverage(understood, total, [.. gaps]);
    }

    /// <summary>The migration's own file: a frame in any other module is a helper the migration calls (see <see cref="HelperSiteOf"/>).</summary>
    private string migrationFile = string.Empty;

    /// <summary>
    /// Where a function of <paramref name="scope"/>'s module runs from: null in the migration's own file, else that
    /// module (relative to the root) and the migration line whose call led there (the outermost one, for helpers that
    /// call helpers).
    /// </summary>
    private HelperSite? HelperSiteOf(ModuleScope scope, Frame caller, int callLine) =>
        scope.File == migrationFile
            ? null
            : new HelperSite(PathText.WithSlashes(Path.GetRelativePath(evaluator.Root, scope.File)), caller.Site?.CallLine ?? callLine);

    private void Understood() => (understood, total) = (understood + 1, total + 1);

    /// <summary>Builders that never ran, or ran without being awaited, in the function replayed last.</summary>
    public IReadOnlyList<LazyBuilder> LazyBuilders => lazyBuilders;

    /// <summary>
    /// Code the replay cannot follow: counted as not understood, and what it may touch becomes unknown (the table
    /// builder's table, or the whole schema when it cannot tell).
    /// </summary>
    private void Gap(Node node, Frame frame, string reason, string? table = null, bool markUnknown = true)
    {
        total++;
        var text = frame.Scope.TextOf(node).ReplaceLineEndings(" ");
        var line = node.Location.Start.Line;
        gaps.Add(new NotUnderstood(line, text.Length > 100 ? text[..100] + "…" : text, reason) { Helper = frame.Site });
        if (!markUnknown)
        {
            return;
        }

        if (table is null && OnlyData(node, frame))
        {
            // A loop or callback that only reads and writes rows (knex('t').update(...)) leaves the schema as it was.
            return;
        }

        AtSite(frame, () => state.MarkUnknown(state.NewUncertainty(line, $"not followed by the replay: {reason}"), table ?? OnlyTableUsed(node, frame)));
    }

    /// <summary>Records something on the state as written where <paramref name="frame"/>'s code is (a helper module, or the migration).</summary>
    private void AtSite(Frame frame, Action record)
    {
        var outer = state.Site;
        state.Site = frame.Site;
        record();
        state.Site = outer;
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
        var outer = state.Site;
        state.Site = frame.Site;
        try
        {
            return StatementHere(node, frame);
        }
        finally
        {
            state.Site = outer;
        }
    }

    private Flow StatementHere(Node node, Frame frame)
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
                Discarded(expression.Expression, frame);
                return Flow.Normal;
            case ReturnStatement { Argument: ArrayExpression array } when bodies.Count == 1:
                // Knex awaits what up/down return only when it is a promise: an array is not, so its builders never run.
                ReturnedArray(array, frame);
                return Flow.Exits;
            case ReturnStatement { Argument: { } argument } when !bodies.Peek().ResultRuns:
                // Returned to forEach or to a map nobody awaits: nothing calls then() on it.
                Discarded(argument, frame);
                return Flow.Exits;
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
                return Condition(conditional.Test, frame) switch
                {
                    true => Decided(() => Statement(conditional.Consequent, frame)),
                    false => conditional.Alternate is null ? Flow.Normal : Decided(() => Statement(conditional.Alternate, frame)),
                    _ => Branches(conditional.Test, frame, () => Statement(conditional.Consequent, frame),
                        conditional.Alternate is null ? null : () => Statement(conditional.Alternate, frame)),
                };

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
                    if (LoopBody(node) is { } body)
                    {
                        LoopedWrites(body, frame, $"{node.Type switch { NodeType.ForStatement => "for", NodeType.ForInStatement => "for...in", NodeType.WhileStatement => "while", _ => "do...while" }} loop", node);
                    }

                    Gap(node, frame, $"{node.Type} is not followed by the replay");
                }

                return MayExit(node) ? Flow.Uncertain : Flow.Normal;
        }
    }

    private static Node? LoopBody(Node node) => node switch
    {
        ForStatement loop => loop.Body,
        ForInStatement loop => loop.Body,
        WhileStatement loop => loop.Body,
        DoWhileStatement loop => loop.Body,
        _ => null,
    };

    /// <summary>A return or throw somewhere in the statement, outside nested functions.</summary>
    private static bool MayExit(Node node) => SyntaxSearch.Contains(node, n => n is ReturnStatement or ThrowStatement);

    private static bool Returns(Node node) => SyntaxSearch.Contains(node, n => n is ReturnStatement);

    private void Declare(VariableDeclarator declarator, Frame frame)
    {
        if (declarator.Id is not Identifier id || declarator.Init is null)
        {
            return;
        }

        if (LazyBuilderOf(declarator.Init, frame) is { Started: false } lazy)
        {
            // const p = knex.schema.createTable(...): nothing runs until p is awaited, returned or then()-ed.
            var pending = new PendingLocal(declarator.Init, frame, lazy.Chain);
            frame.Set(id.Name, pending);
            bodies.Peek().Pending.Add(pending);
            Understood();
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

        if (ClientProperty(init, frame) is not null || init is BinaryExpression comparison && (ClientProperty(comparison.Left, frame) is not null || ClientProperty(comparison.Right, frame) is not null))
        {
            // const isSQLite = knex.client.dialect === 'sqlite3': decided by the knexfile's client, or unknown.
            frame.Set(id.Name, new ValueLocal(Value(init, frame)));
            Understood();
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

    /// <summary>
    /// Replays the branch a decided condition takes. What it makes is marked guarded: with the object already there (had
    /// an earlier builder run, say), a hasTable/hasColumn guard would skip the statement instead of letting it fail.
    /// </summary>
    private Flow Decided(Func<Flow> branch)
    {
        state.DecidedConditions++;
        try
        {
            return branch();
        }
        finally
        {
            state.DecidedConditions--;
        }
    }

    private bool? Condition(Node test, Frame frame)
    {
        if (LazyBuilderOf(test, frame) is { Started: false })
        {
            // if (knex.schema.hasTable('t')) without await tests the builder object, which is always truthy.
            Understood();
            lazyBuilders.Add(new LazyBuilder(test.Location.Start.Line, Snippet(test, frame), NeverRuns: true, ChangesSchema: true) { Helper = frame.Site, Note = "used as a condition without await: the builder object is always truthy, so the condition always holds" });
            return true;
        }

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

    /// <summary>Interprets an expression; what it records is located in the file of the frame's module (see <see cref="SchemaState.Site"/>).</summary>
    private void Expression(Node node, Frame frame)
    {
        var outer = state.Site;
        state.Site = frame.Site;
        try
        {
            ExpressionHere(node, frame);
        }
        finally
        {
            state.Site = outer;
        }
    }

    private void ExpressionHere(Node node, Frame frame)
    {
        node = Unwrap(node);
        switch (node)
        {
            case Identifier held when frame.Lookup(held.Name) is PendingLocal pending:
                // Awaited, returned or given to Promise.all: the builder held in the variable runs now.
                RunPending(pending);
                return;
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
                        Decided(() => Normal(() => Expression(conditional.Consequent, frame)));
                        break;
                    case false:
                        Decided(() => Normal(() => Expression(conditional.Alternate, frame)));
                        break;
                    default:
                        Branches(conditional.Test, frame, () => Normal(() => Expression(conditional.Consequent, frame)), () => Normal(() => Expression(conditional.Alternate, frame)));
                        break;
                }

                return;
            case LogicalExpression { Operator: Operator.LogicalAnd or Operator.LogicalOr } logical when MentionsDatabase(logical.Right, frame):
                // cond && knex.schema...(): the right side runs only when the left is truthy (falsy for ||).
                var runsRight = Condition(logical.Left, frame) is { } left ? left == (logical.Operator == Operator.LogicalAnd) : (bool?)null;
                switch (runsRight)
                {
                    case true:
                        Decided(() => Normal(() => Expression(logical.Right, frame)));
                        break;
                    case null:
                        Branches(logical.Left, frame, () => Normal(() => Expression(logical.Right, frame)), null);
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
            // Promise.all(items.map(cb)) awaits what each callback returns.
            if (Unwrap(call.Arguments[0]) is CallExpression mapped && Unroll(mapped, frame, resultsRun: true))
            {
                return;
            }

            Expression(call.Arguments[0], frame);
            return;
        }

        // items.map(cb) outside Promise.all may be awaited later through a variable: only forEach is unrolled here.
        if (call.Callee is MemberExpression { Property: Identifier { Name: "forEach" } } && Unroll(call, frame, resultsRun: false))
        {
            return;
        }

        // SQL run by any client: knex.raw(sql), db.query(sql), client.query(sql). (knex.schema.raw is handled in the schema chain.)
        var chain = Chain(call, frame);
        if (chain is { Root: PendingLocal pending } && chain.Links.Any(l => Starters.Contains(l.Name)))
        {
            // p.then(...): the held builder runs, then its callbacks.
            RunPending(pending);
            FollowThen(chain.Links, frame, null);
            return;
        }

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

        var inner = new Frame(scope) { Depth = frame.Depth + 1, Site = HelperSiteOf(scope, frame, call.Location.Start.Line) };
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

    private StaticValue Value(Node node, Frame frame)
    {
        switch (node)
        {
            case MemberExpression member when ClientProperty(member, frame) is { } property:
                return property;
            case BinaryExpression { Operator: Operator.StrictEquality or Operator.Equality or Operator.StrictInequality or Operator.Inequality } comparison
                when ClientProperty(comparison.Left, frame) is not null || ClientProperty(comparison.Right, frame) is not null:
                // knex.client.driverName === 'pg' and the like, decided by the knexfile's client.
                if (Value(comparison.Left, frame) is not JsString l || Value(comparison.Right, frame) is not JsString r)
                {
                    return new JsUnknown(frame.Scope.TextOf(comparison), "the database client is not statically known");
                }

                return new JsBoolean((l.Value == r.Value) == comparison.Operator is Operator.StrictEquality or Operator.Equality);
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
            case ObjectExpression literal when literal.Properties.Any(p => p is Property { Value: Identifier named } && frame.Lookup(named.Name) is ValueLocal):
                // { table, column } in a helper: its values are the helper's parameters (knex.raw's named bindings).
                return ObjectOf(literal, frame);
            case MemberExpression { Object: Identifier owner, Property: Identifier property, Computed: false } when frame.Lookup(owner.Name) is ValueLocal { Value: JsObject obj }:
                return obj.Get(property.Name) ?? StaticValue.Undefined;
            default:
                return evaluator.EvaluateIn(frame.Scope.File, node);
        }
    }

    private JsObject ObjectOf(ObjectExpression literal, Frame frame)
    {
        var properties = new List<KeyValuePair<string, StaticValue>>();
        var incomplete = false;
        foreach (var node in literal.Properties)
        {
            if (node is Property { Computed: false, Kind: PropertyKind.Init, Key: Identifier or StringLiteral } property && property.Value is Node value)
            {
                properties.Add(new(property.Key is Identifier key ? key.Name : ((StringLiteral)property.Key).Value, Value(value, frame)));
            }
            else
            {
                incomplete = true;
            }
        }

        return new JsObject(properties, incomplete);
    }
}
