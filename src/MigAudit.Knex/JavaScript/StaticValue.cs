using System.Globalization;
using Acornima.Ast;

namespace MigAudit.Knex.JavaScript;

/// <summary>The value of an expression as far as static evaluation can tell, never by running it.</summary>
public abstract record StaticValue
{
    public int Line { get; init; }

    /// <summary>The module <see cref="Line"/> is a line of (absolute path), when known: a value built in a required module keeps it.</summary>
    public string? SourceFile { get; init; }

    /// <summary>Set on a module's exports read through its default export (Knex reads config.default): require(x).default is then the value itself.</summary>
    public bool FromDefaultExport { get; init; }

    public virtual bool IsKnown => true;

    public static StaticValue Undefined { get; } = new JsUndefined();
}

public sealed record JsUndefined : StaticValue;

public sealed record JsNull : StaticValue;

public sealed record JsString(string Value) : StaticValue
{
    /// <summary>The environment variable this string was read from, when it was read directly from one.</summary>
    public string? Variable { get; init; }
}

public sealed record JsNumber(double Value) : StaticValue
{
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

public sealed record JsBoolean(bool Value) : StaticValue;

public sealed record JsFunction(IFunction Function, string File) : StaticValue;

public sealed record JsArray(IReadOnlyList<StaticValue> Items) : StaticValue;

/// <summary>An object literal. <see cref="Incomplete"/> is set when a spread or computed key could not be resolved.</summary>
public sealed record JsObject(IReadOnlyList<KeyValuePair<string, StaticValue>> Properties, bool Incomplete) : StaticValue
{
    /// <summary>Set when the object is a class (its static fields): the declaration, for <c>new</c>.</summary>
    public JsClass? Class { get; init; }

    /// <summary>Set when the object is the node-config package's configuration (require('config')), whose get(path) reads it.</summary>
    public bool NodeConfig { get; init; }

    public StaticValue? Get(string key)
    {
        // Later properties win, as in JavaScript.
        for (var i = Properties.Count - 1; i >= 0; i--)
        {
            if (Properties[i].Key == key)
            {
                return Properties[i].Value;
            }
        }

        return null;
    }

    /// <summary>
    /// The property as a reader of settings must see it: a missing key of an object that spreads something unknown
    /// ({ ...config.pool, afterCreate }) may be set by that spread, so it is unknown rather than absent.
    /// </summary>
    public StaticValue? Lookup(string key) =>
        Get(key) ?? (Incomplete ? new JsUnknown(key, "the object spreads or merges a value migaudit cannot know") { Line = Line, SourceFile = SourceFile } : null);

    public IEnumerable<string> Keys => Properties.Select(p => p.Key).Distinct();
}

/// <summary>A class declaration and the module it is written in.</summary>
public sealed record JsClass(IClass Declaration, string File);

/// <summary><c>new C(args)</c> of a class the evaluation found: its declaration and the arguments' values.</summary>
public sealed record JsInstance(JsClass Class, IReadOnlyList<StaticValue> Arguments) : StaticValue;

/// <summary>What static evaluation could not decide, with the source text of the expression.</summary>
public sealed record JsUnknown(string Expression, string Reason) : StaticValue
{
    public override bool IsKnown => false;

    /// <summary>The environment variable the value was read from (directly, or with a fallback: process.env.NODE_ENV || 'development').</summary>
    public string? Variable { get; init; }

    /// <summary>
    /// The values it can have when only a condition migaudit cannot decide tells them apart (a ternary, an if/else
    /// assigning the whole binding, an object indexed by an unknown key), each with the condition it holds under.
    /// Null when nothing narrows it. A reader that needs one value still sees an unknown.
    /// </summary>
    public IReadOnlyList<Alternative>? Alternatives { get; init; }
}

/// <summary>
/// One value an undecided expression can have, and the assumptions it holds under: the test of an if or a ternary
/// taken one way (Id = where the test is, Value = "true"/"false"), or the key an object is indexed with (Value = "=key").
/// </summary>
public sealed record Alternative(IReadOnlyList<Assumption> Assumptions, StaticValue Value)
{
    public string Condition => Assumptions.Count == 0 ? "always" : string.Join(" and ", Assumptions.Select(a => a.Text));

    /// <summary>The key of the object the value was picked from, when it was picked by an index (configs[env]).</summary>
    public string? Key => Assumptions.LastOrDefault(a => a.Value.StartsWith('='))?.Value[1..];
}

/// <param name="Id">Where the condition is (file and offset): the same condition taken two ways cannot both hold.</param>
/// <param name="Value">"true" or "false" for a test, "=key" for an index.</param>
/// <param name="Text">The condition as the report says it, with its file and line.</param>
/// <param name="Variable">The environment variable the condition reads, when it is one (NODE_ENV for configs[process.env.NODE_ENV]).</param>
public sealed record Assumption(string Id, string Value, string Text, string? Variable = null)
{
    public bool Contradicts(Assumption other) => Id == other.Id && Value != other.Value;
}

public static class StaticValueText
{
    public static string Describe(StaticValue value) => value switch
    {
        JsString s => $"'{s.Value}'",
        JsNumber n => n.ToString(),
        JsBoolean b => b.Value ? "true" : "false",
        JsNull => "null",
        JsUndefined => "undefined",
        JsUnknown u => $"unknown ({u.Expression})",
        JsArray a => "[" + string.Join(", ", a.Items.Select(Describe)) + "]",
        JsObject => "{...}",
        JsFunction => "function",
        JsInstance i => $"new {i.Class.Declaration.Id?.Name ?? "(anonymous class)"}(...)",
        _ => "?",
    };
}
