using Acornima;
using Acornima.Ast;

namespace MigAudit.Knex.JavaScript;

/// <summary>A condition module-level code runs under: an <c>if</c>'s test and branch, or a <c>switch</c> case's labels.</summary>
public abstract record Guard;

public sealed record IfGuard(Expression Test, bool Branch) : Guard;

/// <summary>A case group of a switch: it runs when the discriminant strictly equals one of its labels, or for <c>default</c> when it equals none of the switch's labels.</summary>
public sealed record CaseGuard(Expression Discriminant, IReadOnlyList<Expression> Labels, IReadOnlyList<Expression> AllLabels, bool IsDefault) : Guard;

public enum MutationKind
{
    Assign,
    Merge,
    Delete,
}

/// <summary>
/// A later change of a module-level binding, after its declaration: <c>config.pool = {...}</c>, <c>config = ...</c>,
/// <c>Object.assign(config, ...)</c> or <c>delete config.ssl</c>, with the conditions it runs under. One migaudit
/// cannot follow (in a loop, a function, a catch block, a compound assignment) carries the reason instead.
/// </summary>
public sealed record BindingMutation(string Root, IReadOnlyList<string> Path, MutationKind Kind, Node? Value, IReadOnlyList<Guard> Guards, string Text, int Line, int Start, string? Unfollowable);

/// <summary>Collects, in source order, every statement of a module that changes one of its top-level bindings (or module.exports).</summary>
public static class BindingMutations
{
    public static Dictionary<string, List<BindingMutation>> Collect(ModuleScope scope)
    {
        var roots = new HashSet<string>(scope.Bindings.Keys, StringComparer.Ordinal);

        // CommonJS's module.exports and exports are not declared: they are tracked unless the module shadows them.
        roots.Add("module");
        roots.Add("exports");
        var found = new Dictionary<string, List<BindingMutation>>(StringComparer.Ordinal);
        new Collector(scope, roots, found).Statements(scope.Program.Body, []);
        return found;
    }

    /// <summary>The root name and property path of an assignment target: config.pool.max → (config, [pool, max]).</summary>
    public static (string Root, List<string> Path)? PathOf(Node node)
    {
        switch (node)
        {
            case Identifier id:
                return (id.Name, []);
            case MemberExpression member when PathOf(member.Object) is { } owner:
                var key = member switch
                {
                    { Computed: false, Property: Identifier property } => property.Name,
                    { Computed: true, Property: StringLiteral literal } => literal.Value,
                    _ => null,
                };
                if (key is null)
                {
                    return null;
                }

                owner.Path.Add(key);
                return owner;
            case ParenthesizedExpression parenthesized:
                return PathOf(parenthesized.Expression);
            default:
                return null;
        }
    }

    private sealed class Collector(ModuleScope scope, HashSet<string> roots, Dictionary<string, List<BindingMutation>> found)
    {
        public void Statements(IEnumerable<Node> statements, IReadOnlyList<Guard> guards)
        {
            foreach (var statement in statements)
            {
                Statement(statement, guards);
            }
        }

        private void Statement(Node statement, IReadOnlyList<Guard> guards)
        {
            switch (statement)
            {
                case ExpressionStatement expression:
                    Expression(expression.Expression, guards);
                    break;
                case IfStatement conditional:
                    Statement(conditional.Consequent, [.. guards, new IfGuard(conditional.Test, true)]);
                    if (conditional.Alternate is { } alternate)
                    {
                        Statement(alternate, [.. guards, new IfGuard(conditional.Test, false)]);
                    }

                    break;
                case BlockStatement block:
                    Statements(block.Body, guards);
                    break;
                case SwitchStatement choice:
                    Switch(choice, guards);
                    break;
                case TryStatement attempt:
                    switch (attempt.Handler is null ? TryOutcome.Undecided : RequireFallback.Choose(scope, attempt))
                    {
                        case TryOutcome.TryBlock:
                            Statements(attempt.Block.Body, guards);
                            break;
                        case TryOutcome.CatchBlock:
                            // The require that throws stops the try block there; what ran before it stays.
                            Statements(attempt.Block.Body.TakeWhile(s => !RequireFallback.Fails(scope, s)), guards);
                            Statements(attempt.Handler!.Body.Body, guards);
                            break;
                        default:
                            // The try block runs as written unless it throws; what a catch block assigns depends on a failure.
                            Statements(attempt.Block.Body, guards);
                            if (attempt.Handler is { } handler)
                            {
                                Unfollowable(handler.Body, "assigned in a catch block", guards);
                            }

                            break;
                    }

                    if (attempt.Finalizer is { } finalizer)
                    {
                        Statements(finalizer.Body, guards);
                    }

                    break;
                case ForStatement or ForInStatement or ForOfStatement or WhileStatement or DoWhileStatement:
                    Unfollowable(statement, "assigned inside a loop", guards);
                    break;
                default:
                    // Declarations are the bindings themselves; what a function declared here assigns happens only if it is called.
                    Unfollowable(statement, "assigned where migaudit does not follow", guards);
                    break;
            }
        }

        private void Switch(SwitchStatement choice, IReadOnlyList<Guard> guards)
        {
            var allLabels = choice.Cases.Where(c => c.Test is not null).Select(c => c.Test!).ToList();
            var group = new List<SwitchCase>();
            foreach (var branch in choice.Cases)
            {
                // Cases that do not end with break, return or throw fall through: the next one runs under their labels too.
                group.Add(branch);
                var labels = group.Where(c => c.Test is not null).Select(c => c.Test!).ToList();
                var guard = new CaseGuard(choice.Discriminant, labels, allLabels, group.Any(c => c.Test is null));
                Statements(branch.Consequent, [.. guards, guard]);
                if (branch.Consequent.Count > 0 && branch.Consequent[^1] is BreakStatement or ReturnStatement or ThrowStatement)
                {
                    group.Clear();
                }
            }
        }

        private void Expression(Node expression, IReadOnlyList<Guard> guards)
        {
            switch (expression)
            {
                case AssignmentExpression { Operator: Operator.Assignment } assignment when PathOf(assignment.Left) is { } target && roots.Contains(target.Root):
                    // a.b = c.d = value: every target in the chain gets the innermost value.
                    var value = assignment.Right;
                    while (value is AssignmentExpression { Operator: Operator.Assignment } inner)
                    {
                        Expression(inner, guards);
                        value = inner.Right;
                    }

                    Add(target.Root, target.Path, MutationKind.Assign, value, guards, assignment, null);
                    break;
                case AssignmentExpression compound when PathOf(compound.Left) is { } target && roots.Contains(target.Root):
                    Add(target.Root, target.Path, MutationKind.Assign, null, guards, compound, "a compound assignment");
                    break;
                case SequenceExpression sequence:
                    foreach (var part in sequence.Expressions)
                    {
                        Expression(part, guards);
                    }

                    break;
                case UnaryExpression { Operator: Operator.Delete } removal when PathOf(removal.Argument) is { } target && roots.Contains(target.Root):
                    Add(target.Root, target.Path, MutationKind.Delete, null, guards, removal, null);
                    break;
                case CallExpression { Callee: MemberExpression { Object: Identifier { Name: "Object" }, Property: Identifier { Name: "assign" } }, Arguments.Count: > 0 } merge
                    when PathOf(merge.Arguments[0]) is { } target && roots.Contains(target.Root):
                    Add(target.Root, target.Path, MutationKind.Merge, merge, guards, merge, null);
                    break;
                case CallExpression { Callee: MemberExpression { Property: Identifier { Name: "merge" or "mergeWith" or "defaultsDeep" or "set" or "assign" or "defaults" } }, Arguments.Count: > 0 } library
                    when PathOf(library.Arguments[0]) is { } target && roots.Contains(target.Root) && target.Path.Count == 0 && !IsOwnMethod(library):
                    Add(target.Root, target.Path, MutationKind.Assign, null, guards, library, "changed by " + scope.TextOf(library.Callee));
                    break;
                default:
                    Unfollowable(expression, "assigned where migaudit does not follow", guards);
                    break;
            }
        }

        /// <summary>config.set(...) on the binding itself is a method call of its own; _.merge(config, ...) changes config.</summary>
        private static bool IsOwnMethod(CallExpression call) =>
            call.Callee is MemberExpression { Object: var owner } && PathOf(owner) is { } o && call.Arguments[0] is Identifier first && o.Root == first.Name;

        /// <summary>Every assignment under the node to a tracked binding becomes unknown with the reason; names a nested function declares for itself are skipped.</summary>
        private void Unfollowable(Node node, string reason, IReadOnlyList<Guard> guards)
        {
            void Visit(Node current, HashSet<string> shadowed, string why)
            {
                if (current is IFunction function)
                {
                    shadowed = [.. shadowed, .. DeclaredIn(function)];
                    why = "assigned inside a function";
                }

                (string Root, List<string> Path)? target = current switch
                {
                    AssignmentExpression assignment => PathOf(assignment.Left),
                    UpdateExpression update => PathOf(update.Argument),
                    UnaryExpression { Operator: Operator.Delete } removal => PathOf(removal.Argument),
                    CallExpression { Callee: MemberExpression { Object: Identifier { Name: "Object" }, Property: Identifier { Name: "assign" } }, Arguments.Count: > 0 } merge => PathOf(merge.Arguments[0]),
                    _ => null,
                };
                if (target is { } t && roots.Contains(t.Root) && !shadowed.Contains(t.Root))
                {
                    Add(t.Root, t.Path, MutationKind.Assign, null, guards, current, $"{why} ({Path.GetFileName(scope.File)}:{current.Location.Start.Line})");
                }

                foreach (var child in current.ChildNodes)
                {
                    Visit(child, shadowed, why);
                }
            }

            Visit(node, [], reason);
        }

        private static IEnumerable<string> DeclaredIn(IFunction function)
        {
            foreach (var parameter in function.Params)
            {
                foreach (var name in SyntaxSearch.Descendants(parameter).OfType<Identifier>())
                {
                    yield return name.Name;
                }
            }

            if (function.Id is { } id)
            {
                yield return id.Name;
            }

            foreach (var declarator in SyntaxSearch.Descendants(function.Body).OfType<VariableDeclarator>())
            {
                foreach (var name in SyntaxSearch.Descendants(declarator.Id).OfType<Identifier>())
                {
                    yield return name.Name;
                }
            }
        }

        private void Add(string root, IReadOnlyList<string> path, MutationKind kind, Node? value, IReadOnlyList<Guard> guards, Node at, string? unfollowable)
        {
            if (!found.TryGetValue(root, out var list))
            {
                found[root] = list = [];
            }

            list.Add(new BindingMutation(root, path, kind, value, guards, scope.TextOf(at), at.Location.Start.Line, at.Start, unfollowable));
        }
    }
}
