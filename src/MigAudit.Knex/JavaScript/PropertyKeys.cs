using System.Globalization;
using Acornima.Ast;

namespace MigAudit.Knex.JavaScript;

/// <summary>
/// The name an object property's key gives at run time. JavaScript reads <c>{ transaction: false }</c>,
/// <c>{ "transaction": false }</c>, <c>{ ['transaction']: false }</c> and <c>{ [KEY]: false }</c> (with
/// <c>const KEY = 'transaction'</c>) as the same property, and a number key as its string (<c>{ 1: x }</c> is
/// <c>"1"</c>): every reader of knexfile options and of a migration's <c>config</c> goes through here, so none of
/// those spellings reads as "no such option".
/// </summary>
public static class PropertyKeys
{
    /// <summary>The key's name, or null when it is computed from something <paramref name="constant"/> cannot tell.</summary>
    /// <param name="constant">The string (or number) a computed key's expression always has, or null when not known.</param>
    public static string? NameOf(Property property, Func<Expression, StaticValue?> constant) => NameOf(property.Key, property.Computed, constant);

    public static string? NameOf(Node key, bool computed, Func<Expression, StaticValue?> constant)
    {
        if (!computed)
        {
            return key switch
            {
                Identifier id => id.Name,
                _ => LiteralName(key),
            };
        }

        return LiteralName(key) ?? (key is Expression expression ? FromValue(constant(expression)) : null);
    }

    /// <summary>A computed key's value as a property name: a string as it is, a number as JavaScript prints it.</summary>
    public static string? FromValue(StaticValue? value) => value switch
    {
        JsString s => s.Value,
        JsNumber n => NumberText(n.Value),
        _ => null,
    };

    /// <summary>JavaScript's Number#toString for the keys people write (integers, decimals, exponents).</summary>
    public static string NumberText(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        if (value == Math.Floor(value) && Math.Abs(value) < 1e21)
        {
            return value.ToString("0", CultureInfo.InvariantCulture);
        }

        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('E', StringComparison.Ordinal) ? text.Replace("E", "e", StringComparison.Ordinal).Replace("e-0", "e-", StringComparison.Ordinal).Replace("e+0", "e+", StringComparison.Ordinal) : text;
    }

    private static string? LiteralName(Node key) => key switch
    {
        StringLiteral s => s.Value,
        NumericLiteral n => NumberText(n.Value),
        TemplateLiteral { Expressions.Count: 0, Quasis: [var only] } => only.Value.Cooked,
        _ => null,
    };
}
