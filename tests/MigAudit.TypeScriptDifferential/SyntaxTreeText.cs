using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Numerics;
using System.Reflection;
using System.Text;
using Acornima;
using Acornima.Ast;

namespace MigAudit.TypeScriptDifferential;

/// <summary>
/// One line of a syntax tree's canonical text: the node (or node list) at <see cref="Path"/> (such as
/// <c>Body[2].Declarations[0].Init</c>) printed as its type and significant values. <see cref="Node"/> is the node the
/// line describes, or for a list the node owning it.
/// </summary>
public readonly record struct TreeLine(string Path, string Text, Node Node);

/// <summary>
/// Prints an Acornima syntax tree as canonical lines, by reflection over every node type so that a node Acornima adds
/// later is covered too. What is left out is what does not change the program: source positions (Range, Location,
/// Start, End), raw source text (Raw, a template's raw text; the cooked value stays) and parentheses (Acornima keeps
/// no ParenthesizedExpression nodes unless asked). Everything else is printed: node types, names, literal values,
/// operators, and flags such as async, generator, computed, kind, static, sourceType.
/// </summary>
public static class SyntaxTreeText
{
    private static readonly HashSet<string> Ignored = ["Range", "RangeRef", "Location", "LocationRef", "Start", "End", "UserData", "ChildNodes", "Raw", "Type", "TypeText"];

    private static readonly ConcurrentDictionary<Type, (PropertyInfo[] Values, PropertyInfo[] Children)> Shapes = new();

    public static IReadOnlyList<TreeLine> Lines(Node root)
    {
        var lines = new List<TreeLine>();
        Visit(root, "", lines);
        return lines;
    }

    /// <summary>The canonical text of a tree, one line per node, for reading.</summary>
    public static string Print(Node root)
    {
        var text = new StringBuilder();
        foreach (var line in Lines(root))
        {
            text.Append(line.Path.Length == 0 ? "(root)" : line.Path).Append(": ").AppendLine(line.Text);
        }

        return text.ToString();
    }

    private static void Visit(Node node, string path, List<TreeLine> lines)
    {
        var (values, children) = ShapeOf(node.GetType());
        var text = new StringBuilder(node.Type.ToString());
        foreach (var property in values)
        {
            text.Append(' ').Append(property.Name).Append('=').Append(Value(property.GetValue(node)));
        }

        lines.Add(new TreeLine(path, text.ToString(), node));
        foreach (var property in children)
        {
            var childPath = path.Length == 0 ? property.Name : path + "." + property.Name;
            switch (property.GetValue(node))
            {
                case null:
                    lines.Add(new TreeLine(childPath, "null", node));
                    break;
                case Node child:
                    Visit(child, childPath, lines);
                    break;
                case IEnumerable list:
                    var items = list.Cast<Node?>().ToList();
                    lines.Add(new TreeLine(childPath, $"list({items.Count})", node));
                    for (var i = 0; i < items.Count; i++)
                    {
                        var itemPath = $"{childPath}[{i}]";
                        if (items[i] is { } item)
                        {
                            Visit(item, itemPath, lines);
                        }
                        else
                        {
                            lines.Add(new TreeLine(itemPath, "hole", node));
                        }
                    }

                    break;
            }
        }
    }

    /// <summary>
    /// A node type's value properties (printed on its line, by name) and child properties (a Node or a list of nodes,
    /// visited in declaration order, which is source order in Acornima's node classes).
    /// </summary>
    private static (PropertyInfo[] Values, PropertyInfo[] Children) ShapeOf(Type type) => Shapes.GetOrAdd(type, static type =>
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && !Ignored.Contains(p.Name))
            .ToList();
        var children = properties.Where(p => IsChild(p.PropertyType)).OrderBy(p => p.MetadataToken).ToArray();
        var values = properties.Where(p => !IsChild(p.PropertyType)).OrderBy(p => p.Name, StringComparer.Ordinal).ToArray();
        return (values, children);
    });

    /// <summary>Acornima returns node lists by reference (<c>ref readonly NodeList&lt;T&gt;</c>).</summary>
    private static bool IsChild(Type type) => type.IsByRef ? IsChild(type.GetElementType()!) :
        typeof(Node).IsAssignableFrom(type) ||
        (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(NodeList<>));

    private static string Value(object? value) => value switch
    {
        null => "null",
        string text => Quote(text),
        bool flag => flag ? "true" : "false",
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        BigInteger big => big.ToString(CultureInfo.InvariantCulture) + "n",
        TemplateValue template => template.Cooked is { } cooked ? Quote(cooked) : "invalid-escape",
        RegExpValue regex => $"/{regex.Pattern}/{regex.Flags}",
        System.Text.RegularExpressions.Regex => "regex",
        Enum member => member.ToString(),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
