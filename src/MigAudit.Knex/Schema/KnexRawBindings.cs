using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Knex.Schema;

/// <summary>
/// The SQL knex.raw(sql, bindings) sends, as knex 3.1.0 builds it (lib/raw.js, lib/formatter/rawFormatter.js): an array
/// (or a single value, which knex wraps in one) fills <c>??</c> with a quoted identifier and <c>?</c> with a parameter in
/// order; an object fills <c>:name:</c> with an identifier and <c>:name</c> with a parameter; <c>\?</c> is a literal
/// question mark. Identifiers are quoted per dot-separated part (<c>'public.users'</c> is <c>"public"."users"</c>), as
/// knex's wrapString does. A parameter is sent apart from the text: knex's pg client numbers them $1, $2... in the
/// text PostgreSQL receives, and so does this (PostgreSQL refuses a parameter in DDL: "there is no parameter $1").
/// </summary>
public static partial class KnexRawBindings
{
    /// <summary>The text knex sends, or null when an identifier binding is not statically known or the count does not match (knex throws).</summary>
    public static string? Apply(string sql, StaticValue? bindings) => bindings switch
    {
        null or JsUndefined => sql,
        JsArray array => Positional(sql, array.Items),
        JsObject { Incomplete: false } named => Named(sql, named),
        JsObject => null,
        // Bindings not known: the text is known only when it has no place for one.
        { IsKnown: false } => PositionalMarks().IsMatch(sql) || NamedMarks().IsMatch(sql) ? null : sql,
        _ => Positional(sql, [bindings]),
    };

    private static string? Positional(string sql, IReadOnlyList<StaticValue> values)
    {
        var index = 0;
        var parameters = 0;
        var unknown = false;
        var text = PositionalMarks().Replace(sql, match =>
        {
            if (match.Value == "\\?")
            {
                return "?";
            }

            if (index >= values.Count)
            {
                // Knex throws "Expected n bindings, saw m".
                unknown = true;
                return match.Value;
            }

            if (match.Value == "?")
            {
                index++;
                return "$" + (++parameters).ToString(CultureInfo.InvariantCulture);
            }

            var identifier = Identifier(values[index++]);
            unknown |= identifier is null;
            return identifier ?? match.Value;
        });
        return unknown || index != values.Count ? null : text;
    }

    private static string? Named(string sql, JsObject values)
    {
        var parameters = 0;
        var unknown = false;
        var text = NamedMarks().Replace(sql, match =>
        {
            if (match.Value.StartsWith('\\'))
            {
                return match.Value[1..];
            }

            var key = match.Groups[2].Success ? match.Groups[2].Value : match.Groups[3].Success ? match.Groups[3].Value : match.Groups[4].Value;
            var value = values.Get(key);
            if (value is null or JsUndefined)
            {
                // Knex leaves a name without a value as written.
                return match.Value;
            }

            if (match.Groups[4].Success)
            {
                return "$" + (++parameters).ToString(CultureInfo.InvariantCulture);
            }

            var identifier = Identifier(value);
            unknown |= identifier is null;
            return identifier ?? match.Value;
        });
        return unknown ? null : text;
    }

    /// <summary>knex's columnize of one value: a string quoted per part, a number as written, an array joined with ", ".</summary>
    private static string? Identifier(StaticValue value) => value switch
    {
        JsString { Value: var name } when !name.Contains(" as ", StringComparison.OrdinalIgnoreCase) =>
            string.Join('.', name.Split('.').Select((part, i) => i == 0 && name.Contains('.', StringComparison.Ordinal) ? Quote(part.Trim()) : Quote(part))),
        JsNumber { Value: var number } when number == Math.Floor(number) => number.ToString(CultureInfo.InvariantCulture),
        JsArray { Items: var items } when items.Select(Identifier).ToList() is var parts && parts.All(p => p is not null) => string.Join(", ", parts),
        _ => null,
    };

    private static string Quote(string part) => part == "*" ? part : new StringBuilder("\"").Append(part.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"').ToString();

    [GeneratedRegex(@"\\?\?\??")]
    private static partial Regex PositionalMarks();

    // knex's replaceKeyBindings: :name: before ::, :name: not followed by :, or :name.
    [GeneratedRegex(@"\\?(:(\w+):(?=::)|:(\w+):(?!:)|:(\w+))")]
    private static partial Regex NamedMarks();
}
