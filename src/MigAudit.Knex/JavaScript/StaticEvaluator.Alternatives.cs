using Acornima.Ast;

namespace MigAudit.Knex.JavaScript;

/// <summary>
/// Values that only an undecidable condition tells apart: <c>cond ? a : b</c>, <c>configs[process.env.NODE_ENV]</c>,
/// <c>let c; if (x) c = a; else c = b;</c>. The value stays unknown (no reader takes one branch for the truth), but
/// it carries every value it can have and the assumptions each holds under, so that a reader can say which values
/// agree, or list them. Paths that contradict themselves (the same test taken both ways) are dropped, as they never run.
/// </summary>
public sealed partial class StaticEvaluator
{
    /// <summary>More alternatives than this are not listed: the value is then a plain unknown.</summary>
    private const int MaxAlternatives = 24;

    private static Assumption TestAssumption(Node test, ModuleScope scope, bool branch)
    {
        var text = $"{scope.TextOf(test)} ({Path.GetFileName(scope.File)}:{test.Location.Start.Line})";
        return new($"{scope.File}:{test.Start}", branch ? "true" : "false", branch ? text : Not(text));
    }

    /// <summary>
    /// The negation of a condition's text ("a (file:1)" → "not a (file:1)"), with a compound test in parentheses:
    /// "not a || b" would read as (not a) || b.
    /// </summary>
    private static string Not(string text)
    {
        var at = text.LastIndexOf(" (", StringComparison.Ordinal);
        var (body, where) = at > 0 && text.EndsWith(')') ? (text[..at], text[at..]) : (text, string.Empty);
        return body.StartsWith("not (", StringComparison.Ordinal) && body.EndsWith(')') ? body[5..^1] + where
            : body.StartsWith("not ", StringComparison.Ordinal) && body.IndexOf(' ', 4) < 0 ? body[4..] + where
            : body.Contains(' ', StringComparison.Ordinal) ? $"not ({body}){where}"
            : "not " + text;
    }

    private static Assumption KeyAssumption(Node key, ModuleScope scope, string value, string? variable) =>
        new($"{scope.File}:{key.Start}", "=" + value, $"{scope.TextOf(key)} is '{value}' ({Path.GetFileName(scope.File)}:{key.Location.Start.Line})", variable);

    /// <summary>The alternatives a value stands for: its own when it has some, else the value itself, always.</summary>
    private static IReadOnlyList<Alternative> AlternativesOf(StaticValue value) =>
        value is JsUnknown { Alternatives: { } alternatives } ? alternatives : [new Alternative([], value)];

    /// <summary>
    /// One value out of alternatives: the value itself when they all agree on a known primitive, else an unknown with
    /// the alternatives (nested ones flattened, contradictory paths dropped).
    /// </summary>
    private static StaticValue Choice(IEnumerable<Alternative> alternatives, string expression, string reason, string? variable = null)
    {
        var flat = new List<Alternative>();
        foreach (var alternative in alternatives)
        {
            foreach (var inner in AlternativesOf(alternative.Value))
            {
                if (!inner.Assumptions.Any(a => alternative.Assumptions.Any(a.Contradicts)))
                {
                    flat.Add(new Alternative([.. alternative.Assumptions, .. inner.Assumptions.Where(a => !alternative.Assumptions.Contains(a))], inner.Value));
                }
            }
        }

        if (flat.Count > 0 && flat.All(a => SameValue(a.Value, flat[0].Value)))
        {
            return flat[0].Value;
        }

        return new JsUnknown(expression, reason) { Variable = variable, Alternatives = flat.Count is > 0 and <= MaxAlternatives ? flat : null };
    }

    /// <summary>An operation applied to each alternative of a value (a property read, ?? or ||); null when the value has none.</summary>
    private static StaticValue? MapAlternatives(StaticValue value, Func<StaticValue, StaticValue> map, string expression)
    {
        if (value is not JsUnknown { Alternatives: { } alternatives } unknown)
        {
            return null;
        }

        return Choice(alternatives.Select(a => a with { Value = map(a.Value) }), expression, unknown.Reason);
    }

    /// <summary>
    /// What a binding (or one of its properties) holds after an assignment that runs only when the undecided
    /// <paramref name="guards"/> all hold: the new value under them, and under every other path, what it held before.
    /// </summary>
    private static StaticValue Overlay(StaticValue current, IReadOnlyList<Assumption> guards, StaticValue updated, string expression, string reason)
    {
        var result = new List<Alternative> { new(guards, updated) };
        foreach (var before in AlternativesOf(current))
        {
            if (before.Assumptions.Any(a => guards.Any(a.Contradicts)))
            {
                result.Add(before);
                continue;
            }

            // The part of this path where the guards do not all hold: the first guard it lacks fails, or the first
            // holds and the second fails, and so on.
            var missing = guards.Where(g => !before.Assumptions.Contains(g)).ToList();
            for (var i = 0; i < missing.Count; i++)
            {
                result.Add(before with { Assumptions = [.. before.Assumptions, .. missing.Take(i), Negate(missing[i])] });
            }
        }

        return Choice(result, expression, reason);
    }

    private static Assumption Negate(Assumption assumption) => assumption with
    {
        Value = assumption.Value == "true" ? "false" : "true",
        Text = Not(assumption.Text),
    };

    /// <summary>The undecided conditions of a mutation's guards as assumptions; null when one cannot be (an undecided switch case).</summary>
    private List<Assumption>? UndecidedAssumptions(IReadOnlyList<Guard> guards, ModuleScope scope, int depth)
    {
        var assumptions = new List<Assumption>();
        foreach (var guard in guards)
        {
            if (guard is IfGuard conditional)
            {
                if (Evaluate(conditional.Test, scope, depth + 1) is JsUnknown)
                {
                    assumptions.Add(TestAssumption(conditional.Test, scope, conditional.Branch));
                }
            }
            else
            {
                return null;
            }
        }

        return assumptions;
    }
}
