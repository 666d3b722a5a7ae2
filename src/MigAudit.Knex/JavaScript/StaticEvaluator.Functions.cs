using Acornima;
using Acornima.Ast;

namespace MigAudit.Knex.JavaScript;

/// <summary>
/// Follows the body of a project function that builds a value (ssl: buildSSLConfig(), knex(getMasterConfig(env))):
/// declarations, assignments to its own variables, if/else and switch on values the scenario decides, early returns
/// and throws. Whatever depends on an undecidable condition, a loop or outside state is unknown, with the reason.
/// </summary>
public sealed partial class StaticEvaluator
{
    private abstract record Outcome;

    private sealed record Continues(Dictionary<string, StaticValue> Locals) : Outcome;

    private sealed record Returns(StaticValue Value) : Outcome;

    /// <summary>The path throws: it produces no value, so the caller's value is what the other paths give.</summary>
    private sealed record Throws : Outcome;

    private sealed record Unfollowed(string Reason, int Line) : Outcome;

    /// <summary>
    /// The value a project function returns when called with these arguments, as far as its body can be followed; an
    /// async function's value is what awaiting its promise gives (Knex awaits a knexfile's exported function).
    /// </summary>
    public StaticValue Call(JsFunction function, IReadOnlyList<StaticValue> arguments, string text)
    {
        if (Load(function.File) is not { } module)
        {
            return new JsUnknown(text, "function not readable");
        }

        var locals = new Dictionary<string, StaticValue>(StringComparer.Ordinal);
        if (!BindParameters(function.Function, module, arguments, locals, 1))
        {
            return new JsUnknown(text, "parameters not statically known");
        }

        return function.Function.Body is BlockStatement block
            ? RunFunctionBody(block, module, locals, text, 1)
            : Evaluate(function.Function.Body, module.WithLocals(locals), 1);
    }

    private StaticValue RunFunctionBody(BlockStatement body, ModuleScope module, Dictionary<string, StaticValue> locals, string text, int depth)
    {
        return Run(body.Body, module, locals, depth) switch
        {
            Returns returned => returned.Value,
            Continues => StaticValue.Undefined,
            Throws => new JsUnknown(text, "the function always throws"),
            Unfollowed why => new JsUnknown(text, $"{why.Reason} ({Path.GetFileName(module.File)}:{why.Line})"),
            _ => new JsUnknown(text, "not followed"),
        };
    }

    private Outcome Run(IEnumerable<Statement> statements, ModuleScope module, Dictionary<string, StaticValue> locals, int depth)
    {
        foreach (var statement in statements)
        {
            var outcome = Step(statement, module, locals, depth);
            if (outcome is not Continues next)
            {
                return outcome;
            }

            locals = next.Locals;
        }

        return new Continues(locals);
    }

    private Outcome Step(Statement statement, ModuleScope module, Dictionary<string, StaticValue> locals, int depth)
    {
        var scope = module.WithLocals(locals);
        var line = statement.Location.Start.Line;
        switch (statement)
        {
            case VariableDeclaration declaration when declaration.Declarations.All(d => d.Id is Identifier):
                foreach (var declarator in declaration.Declarations)
                {
                    locals[((Identifier)declarator.Id).Name] = Evaluate(declarator.Init, module.WithLocals(locals), depth + 1);
                }

                return new Continues(locals);
            case ReturnStatement { Argument: var returned }:
                return new Returns(Evaluate(returned, scope, depth + 1));
            case ThrowStatement:
                return new Throws();
            case EmptyStatement:
                return new Continues(locals);
            case BlockStatement block:
                return Run(block.Body, module, locals, depth);
            case IfStatement conditional:
                return Branch(conditional, module, locals, depth);
            case SwitchStatement choice:
                return Switch(choice, module, locals, depth);
            case ExpressionStatement { Expression: AssignmentExpression { Operator: Operator.Assignment } assignment }
                when BindingMutations.PathOf(assignment.Left) is { } target && locals.ContainsKey(target.Root):
                var mutation = new BindingMutation(target.Root, target.Path, MutationKind.Assign, assignment.Right, [], scope.TextOf(assignment), line, assignment.Start, null);
                locals[target.Root] = ApplyMutation(locals[target.Root], mutation, scope, depth + 1);
                return new Continues(locals);
            case ExpressionStatement { Expression: CallExpression { Callee: MemberExpression { Object: Identifier { Name: "Object" }, Property: Identifier { Name: "assign" } }, Arguments.Count: > 0 } merge }
                when BindingMutations.PathOf(merge.Arguments[0]) is { } target && locals.ContainsKey(target.Root):
                var merged = new BindingMutation(target.Root, target.Path, MutationKind.Merge, merge, [], scope.TextOf(merge), line, merge.Start, null);
                locals[target.Root] = ApplyMutation(locals[target.Root], merged, scope, depth + 1);
                return new Continues(locals);
            case ExpressionStatement expression when !SyntaxSearch.Contains(expression, n => n is AssignmentExpression or UpdateExpression || n is UnaryExpression { Operator: Operator.Delete }):
                // console.log(...), a call for its side effect: nothing the returned value depends on, as far as the code shows.
                return new Continues(locals);
            case ForStatement or ForInStatement or ForOfStatement or WhileStatement or DoWhileStatement:
                return new Unfollowed("the function has loops", line);
            default:
                return new Unfollowed("the function has statements migaudit does not follow", line);
        }
    }

    private Outcome Branch(IfStatement conditional, ModuleScope module, Dictionary<string, StaticValue> locals, int depth)
    {
        var test = Evaluate(conditional.Test, module.WithLocals(locals), depth + 1);
        if (test is not JsUnknown)
        {
            var taken = IsTruthy(test) ? conditional.Consequent : conditional.Alternate;
            return taken is null ? new Continues(locals) : Step(taken, module, locals, depth);
        }

        var condition = $"{module.TextOf(conditional.Test)} ({Path.GetFileName(module.File)}:{conditional.Test.Location.Start.Line})";
        var yes = Step(conditional.Consequent, module, new Dictionary<string, StaticValue>(locals, StringComparer.Ordinal), depth);
        var no = conditional.Alternate is { } alternate ? Step(alternate, module, new Dictionary<string, StaticValue>(locals, StringComparer.Ordinal), depth) : new Continues(locals);
        return (yes, no) switch
        {
            (Unfollowed, _) => yes,
            (_, Unfollowed) => no,

            // if (!url) throw ...: only the other path produces a value.
            (Throws, _) => no,
            (_, Throws) => yes,
            (Returns a, Returns b) => new Returns(SameValue(a.Value, b.Value) ? a.Value : new JsUnknown(module.TextOf(conditional), "returns differ by " + condition) { Line = conditional.Location.Start.Line, SourceFile = module.File }),
            (Continues a, Continues b) => new Continues(Join(a.Locals, b.Locals, condition)),
            _ => new Unfollowed("returns early only when " + condition, conditional.Location.Start.Line),
        };
    }

    private static Dictionary<string, StaticValue> Join(Dictionary<string, StaticValue> a, Dictionary<string, StaticValue> b, string condition)
    {
        var joined = new Dictionary<string, StaticValue>(StringComparer.Ordinal);
        foreach (var (name, value) in a)
        {
            joined[name] = b.TryGetValue(name, out var other) && (SameValue(value, other) || ReferenceEquals(value, other))
                ? value
                : new JsUnknown(name, "differs by " + condition) { Line = value.Line, SourceFile = value.SourceFile };
        }

        return joined;
    }

    /// <summary>A switch on a value the scenario decides: the matching case (or default) and the cases it falls through to, up to a break.</summary>
    private Outcome Switch(SwitchStatement choice, ModuleScope module, Dictionary<string, StaticValue> locals, int depth)
    {
        var scope = module.WithLocals(locals);
        var discriminant = Evaluate(choice.Discriminant, scope, depth + 1);
        var labels = choice.Cases.Select(c => c.Test is null ? null : Evaluate(c.Test, scope, depth + 1)).ToList();
        if (discriminant is JsUnknown || labels.Any(l => l is JsUnknown))
        {
            return new Unfollowed($"switch ({module.TextOf(choice.Discriminant)}) depends on what migaudit cannot know", choice.Location.Start.Line);
        }

        var start = labels.FindIndex(l => l is not null && StrictlyEqual(discriminant, l));
        start = start >= 0 ? start : labels.FindIndex(l => l is null);
        if (start < 0)
        {
            return new Continues(locals);
        }

        var body = choice.Cases.Skip(start).SelectMany(c => c.Consequent).TakeWhile(s => s is not BreakStatement);
        return Run(body, module, locals, depth);
    }
}
