using Acornima.Ast;

namespace MigAudit.Knex.JavaScript;

/// <summary>Applying later statements to a binding's value: what holds, what is skipped, and what becomes unknown.</summary>
public sealed partial class StaticEvaluator
{
    /// <summary>
    /// The binding's value after one mutation. A mutation whose conditions are false in this scenario is skipped; one
    /// whose conditions cannot be decided makes the changed path unknown (unless it would not change the value), so a
    /// default is never stated where code might replace it.
    /// </summary>
    public StaticValue ApplyMutation(StaticValue value, BindingMutation mutation, ModuleScope scope, int depth)
    {
        var (holds, why) = GuardsHold(mutation.Guards, scope, depth);
        if (holds == false)
        {
            return value;
        }

        if (mutation.Unfollowable is { } reason)
        {
            return SetPath(value, mutation.Path, new JsUnknown(mutation.Text, reason) { Line = mutation.Line, SourceFile = scope.File }, mutation);
        }

        var current = GetPath(value, mutation.Path);
        var updated = mutation.Kind switch
        {
            MutationKind.Delete => StaticValue.Undefined,
            MutationKind.Merge => Merge(current, ((CallExpression)mutation.Value!).Arguments.Skip(1), scope, depth),
            _ => Evaluate(mutation.Value, scope, depth + 1),
        };
        if (holds is null && !SameValue(current, updated))
        {
            // let config; if (process.env.DATABASE_URL) config = {...}; else config = {...}: unknown, with what each path assigns.
            updated = UndecidedAssumptions(mutation.Guards, scope, depth) is { Count: > 0 } assumptions
                ? Overlay(current, assumptions, updated, mutation.Text, $"assigned only when {why}") with { Line = mutation.Line, SourceFile = scope.File }
                : new JsUnknown(mutation.Text, $"assigned only when {why}") { Line = mutation.Line, SourceFile = scope.File };
        }

        return SetPath(value, mutation.Path, updated, mutation);
    }

    /// <summary>True, false, or null (with the undecided condition's text) when a condition cannot be evaluated.</summary>
    private (bool? Holds, string Why) GuardsHold(IReadOnlyList<Guard> guards, ModuleScope scope, int depth)
    {
        string? undecided = null;
        foreach (var guard in guards)
        {
            switch (guard)
            {
                case IfGuard conditional:
                    var test = Evaluate(conditional.Test, scope, depth + 1);
                    if (test is JsUnknown)
                    {
                        undecided ??= (conditional.Branch ? string.Empty : "not ") + scope.TextOf(conditional.Test) + $" ({Path.GetFileName(scope.File)}:{conditional.Test.Location.Start.Line})";
                    }
                    else if (IsTruthy(test) != conditional.Branch)
                    {
                        return (false, string.Empty);
                    }

                    break;
                case CaseGuard branch:
                    var discriminant = Evaluate(branch.Discriminant, scope, depth + 1);
                    var all = branch.AllLabels.Select(l => Evaluate(l, scope, depth + 1)).ToList();
                    if (discriminant is JsUnknown || all.Any(l => l is JsUnknown))
                    {
                        undecided ??= $"switch ({scope.TextOf(branch.Discriminant)}) matches this case ({Path.GetFileName(scope.File)}:{branch.Discriminant.Location.Start.Line})";
                        break;
                    }

                    var matches = branch.Labels.Any(l => StrictlyEqual(discriminant, Evaluate(l, scope, depth + 1))) ||
                                  (branch.IsDefault && !all.Any(l => StrictlyEqual(discriminant, l)));
                    if (!matches)
                    {
                        return (false, string.Empty);
                    }

                    break;
            }
        }

        return undecided is null ? (true, string.Empty) : (null, undecided);
    }

    private bool StrictlyEqual(StaticValue left, StaticValue right)
    {
        NoteComparison(left, right);
        return StrictlyEqualValues(left, right);
    }

    private static bool StrictlyEqualValues(StaticValue left, StaticValue right) =>
        left.GetType() == right.GetType() && left is not (JsObject or JsArray or JsFunction or JsInstance) && ToText(left) == ToText(right);

    private static bool SameValue(StaticValue left, StaticValue right) =>
        left.IsKnown && right.IsKnown && StrictlyEqualValues(left, right);

    private static StaticValue GetPath(StaticValue value, IReadOnlyList<string> path)
    {
        foreach (var key in path)
        {
            value = value switch
            {
                JsObject o => o.Lookup(key) ?? StaticValue.Undefined,
                JsUnknown unknown => unknown,
                _ => new JsUnknown(key, "property of a value migaudit does not model"),
            };
        }

        return value;
    }

    private static StaticValue SetPath(StaticValue value, IReadOnlyList<string> path, StaticValue updated, BindingMutation mutation, int index = 0)
    {
        if (index == path.Count)
        {
            return updated;
        }

        return value switch
        {
            JsObject o => o with
            {
                Properties = [.. o.Properties, new(path[index], SetPath(o.Lookup(path[index]) ?? StaticValue.Undefined, path, updated, mutation, index + 1))],
            },
            JsUnknown unknown => unknown,

            // Setting a property of undefined throws a TypeError: the module would not load as written.
            JsUndefined or JsNull => new JsUnknown(mutation.Text, "sets a property of undefined (a TypeError when it runs)") { Line = mutation.Line, SourceFile = updated.SourceFile },
            _ => new JsUnknown(mutation.Text, "changes a value migaudit does not model") { Line = mutation.Line, SourceFile = updated.SourceFile },
        };
    }

    /// <summary>Object.assign(target, ...sources): the sources' own properties in order; an unknown source makes the result unknown.</summary>
    private StaticValue Merge(StaticValue target, IEnumerable<Node> sources, ModuleScope scope, int depth)
    {
        if (target is not JsObject merged)
        {
            return target is JsUnknown ? target : new JsUnknown("Object.assign", "target is not an object migaudit models");
        }

        foreach (var source in sources)
        {
            switch (Evaluate(source, scope, depth + 1))
            {
                case JsObject part:
                    merged = merged with { Properties = [.. merged.Properties, .. part.Properties], Incomplete = merged.Incomplete || part.Incomplete };
                    break;
                case JsUndefined or JsNull:
                    break;
                case JsUnknown { Alternatives: { } alternatives } chosen when alternatives.All(a => a.Value is JsObject or JsUndefined or JsNull):
                    // Object.assign(configs, configs[process.env.NODE_ENV]): the target keeps its own keys (development,
                    // production...), and each key a source alternative sets holds that alternative's value under its
                    // assumptions, the target's value otherwise.
                    merged = MergeAlternatives(merged, alternatives, scope.TextOf(source), chosen.Reason);
                    break;
                case var other:
                    return new JsUnknown(scope.TextOf(source), other is JsUnknown u ? u.Reason : "merged from a value migaudit does not model");
            }
        }

        return merged;
    }

    private static JsObject MergeAlternatives(JsObject target, IReadOnlyList<Alternative> alternatives, string expression, string reason)
    {
        var keys = alternatives.SelectMany(a => a.Value is JsObject part ? part.Keys : []).Distinct(StringComparer.Ordinal).ToList();
        var properties = target.Properties.ToList();
        foreach (var key in keys)
        {
            var before = target.Lookup(key) ?? StaticValue.Undefined;
            var value = Choice(alternatives.Select(a => a with { Value = (a.Value as JsObject)?.Lookup(key) ?? before }), $"{expression}.{key}", reason);
            properties.Add(new(key, value));
        }

        return target with { Properties = properties, Incomplete = target.Incomplete || alternatives.Any(a => a.Value is JsObject { Incomplete: true }) };
    }
}
