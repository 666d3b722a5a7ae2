using MigAudit.Core;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Knex.Discovery;

public static partial class ProjectDiscovery
{
    /// <summary>More lists than this are not spelled out: the value is then unread without alternatives.</summary>
    private const int MaxLoadExtensionChoices = 24;

    /// <summary>
    /// migrations.loadExtensions: a list of strings is Knex's list; absent, Knex's default. Anything else (a template
    /// over a condition, <c>[`.${ext}`]</c>) is read as Knex's default list, which is what migaudit audits, and said:
    /// with the lists the value can be, and the condition of each, when only conditions migaudit cannot decide tell them apart.
    /// </summary>
    private static (IReadOnlyList<string> Extensions, UnreadLoadExtensions? Unread) ReadLoadExtensions(StaticValue? value, string sourceFile, List<string> notes)
    {
        switch (value)
        {
            case null or JsUndefined:
                return (MigrationSettings.DefaultLoadExtensions, null);
            case JsArray array when array.Items.All(i => i is JsString):
                return (array.Items.Cast<JsString>().Select(s => s.Value).ToList(), null);
        }

        var expression = value is JsUnknown unknown ? unknown.Expression : StaticValueText.Describe(value);
        var choices = ExtensionChoices(value) is { } found
            ? found.GroupBy(c => string.Join("\u0000", c.Extensions), StringComparer.Ordinal)
                .Select(g => new LoadExtensionsChoice(string.Join(", or ", g.Select(c => c.Condition)), g.First().Extensions)).ToList()
            : [];
        var line = value.Line > 0 ? value.Line : (int?)null;
        notes.Add($"{sourceFile}{(line is { } l ? $":{l}" : string.Empty)}: migrations.loadExtensions cannot be read statically ({Quoting.Printable(expression)}); " +
                  (choices.Count > 0 ? $"it is {string.Join("; ", choices.Select(c => $"[{string.Join(", ", c.Extensions)}] when {Quoting.Printable(c.Condition)}"))}; " : string.Empty) +
                  "migaudit lists the files of Knex's default extensions");
        return (MigrationSettings.DefaultLoadExtensions, new UnreadLoadExtensions(expression, line, choices));
    }

    /// <summary>Every list of strings the value can be, with its condition; null when some path has no such list.</summary>
    private static List<LoadExtensionsChoice>? ExtensionChoices(StaticValue value)
    {
        if (value is JsUnknown { Alternatives: { } alternatives })
        {
            var all = new List<LoadExtensionsChoice>();
            foreach (var alternative in alternatives)
            {
                if (alternative.Value is not JsArray array || ArrayChoices(array, alternative.Assumptions) is not { } lists)
                {
                    return null;
                }

                all.AddRange(lists);
            }

            return all.Count is > 0 and <= MaxLoadExtensionChoices ? all : null;
        }

        return value is JsArray items ? ArrayChoices(items, []) : null;
    }

    /// <summary>The lists an array stands for when its items are strings or strings under conditions (each path once, contradictions dropped).</summary>
    private static List<LoadExtensionsChoice>? ArrayChoices(JsArray array, IReadOnlyList<Assumption> under)
    {
        var paths = new List<(IReadOnlyList<Assumption> Assumptions, List<string> Items)> { (under, []) };
        foreach (var item in array.Items)
        {
            IReadOnlyList<Alternative> options = item switch
            {
                JsString => [new Alternative([], item)],
                JsUnknown { Alternatives: { } some } when some.All(a => a.Value is JsString) => some,
                _ => [],
            };
            if (options.Count == 0)
            {
                return null;
            }

            paths = [.. paths.SelectMany(p => options
                .Where(o => !o.Assumptions.Any(a => p.Assumptions.Any(a.Contradicts)))
                .Select(o => ((IReadOnlyList<Assumption>)[.. p.Assumptions, .. o.Assumptions.Where(a => !p.Assumptions.Contains(a))], (List<string>)[.. p.Items, ((JsString)o.Value).Value])))];
            if (paths.Count > MaxLoadExtensionChoices)
            {
                return null;
            }
        }

        return paths.Select(p => new LoadExtensionsChoice(new Alternative(p.Assumptions, StaticValue.Undefined).Condition, p.Items)).ToList();
    }
}
