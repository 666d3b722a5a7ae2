using System.Globalization;
using Acornima.Ast;

namespace MigAudit.Knex.JavaScript;

/// <summary>The value of an expression as far as static evaluation can tell, never by running it.</summary>
public abstract record StaticValue
{
    public int Line { get; init; }

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
        Get(key) ?? (Incomplete ? new JsUnknown(key, "the object spreads or merges a value migaudit cannot know") { Line = Line } : null);

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
