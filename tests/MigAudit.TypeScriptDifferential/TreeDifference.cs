using Acornima.Ast;

namespace MigAudit.TypeScriptDifferential;

/// <summary>
/// The first place two syntax trees differ: the path, both canonical lines (<see cref="SyntaxTreeText"/>; "(nothing)"
/// where one tree has no line) and the source text of the node there on each side. When the first difference is a
/// list's length (a statement or class member more on one side), <see cref="List"/> names that list and its two
/// lengths, and the rest describes the list's first item that differs.
/// </summary>
public sealed record TreeDifference(string Path, string Expected, string Actual, string ExpectedSnippet, string ActualSnippet, ListLengths? List = null)
{
    /// <summary>
    /// A short name for what differs, to group many files' differences: the list whose length differs
    /// (<c>ClassBody.Body length</c>), or the two node types, or the node type and the first value that differs
    /// (<c>VariableDeclaration.Kind</c>).
    /// </summary>
    public string Cause
    {
        get
        {
            if (List is not null)
            {
                return $"{List.OwnerType}.{LastStep(List.Path)} length";
            }

            var expected = Expected.Split(' ');
            var actual = Actual.Split(' ');
            if (expected[0] != actual[0])
            {
                return $"{(Path.Length == 0 ? "(root)" : LastStep(Path))}: {expected[0]} vs {actual[0]}";
            }

            var value = expected.Zip(actual).Skip(1).FirstOrDefault(pair => pair.First != pair.Second).First ?? "";
            return $"{expected[0]}.{value.Split('=')[0]}";
        }
    }

    public override string ToString() =>
        (List is null ? "" : $"{List.Path}: {List.Expected} items in tsc's, {List.Actual} in migaudit's; first different item:\n") +
        $"at {(Path.Length == 0 ? "(root)" : Path)}\n  tsc:      {Expected}\n            {ExpectedSnippet}\n  migaudit: {Actual}\n            {ActualSnippet}";

    private static string LastStep(string path)
    {
        var dot = path.LastIndexOf('.');
        var step = dot < 0 ? path : path[(dot + 1)..];
        var bracket = step.IndexOf('[', StringComparison.Ordinal);
        return bracket < 0 ? step : step[..bracket];
    }
}

/// <summary>A list (such as <c>Body[0].Body.Body</c>, owned by a ClassBody) whose length differs.</summary>
public sealed record ListLengths(string Path, string OwnerType, int Expected, int Actual);

/// <summary>Compares two syntax trees through their canonical lines.</summary>
public static class TreeComparison
{
    private const int SnippetLength = 160;

    /// <summary>
    /// Null when the trees are the same; else the first difference. <paramref name="expectedText"/> and
    /// <paramref name="actualText"/> are the texts the trees' ranges point into, for the snippets.
    /// </summary>
    public static TreeDifference? Compare(Node expected, string expectedText, Node actual, string actualText)
    {
        var left = SyntaxTreeText.Lines(expected);
        var right = SyntaxTreeText.Lines(actual);
        ListLengths? list = null;
        for (var i = 0; i < Math.Max(left.Count, right.Count); i++)
        {
            var l = i < left.Count ? left[i] : (TreeLine?)null;
            var r = i < right.Count ? right[i] : (TreeLine?)null;
            if (l is { } a && r is { } b && a.Path == b.Path)
            {
                if (a.Text == b.Text)
                {
                    continue;
                }

                // The same list with another length: the items still line up from the start, so the list's first item
                // that differs (or the one only one side has) is found by going on.
                if (list is null && ListLength(a.Text) is { } expectedLength && ListLength(b.Text) is { } actualLength)
                {
                    list = new ListLengths(a.Path, a.Node.Type.ToString(), expectedLength, actualLength);
                    continue;
                }
            }

            return new TreeDifference(
                l?.Path ?? r?.Path ?? "",
                l?.Text ?? "(nothing)",
                r?.Text ?? "(nothing)",
                l is { } x ? Snippet(expectedText, x.Node) : "",
                r is { } y ? Snippet(actualText, y.Node) : "",
                list);
        }

        return null;
    }

    public static string Snippet(string text, Node node)
    {
        var start = Math.Clamp(node.Start, 0, text.Length);
        var end = Math.Clamp(node.End, start, text.Length);
        var snippet = string.Join(' ', text[start..end].Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        return snippet.Length <= SnippetLength ? snippet : snippet[..SnippetLength] + " ...";
    }

    private static int? ListLength(string line) =>
        line.StartsWith("list(", StringComparison.Ordinal) && int.TryParse(line.AsSpan(5, line.Length - 6), out var length) ? length : null;
}
