using Acornima.Ast;

namespace MigAudit.TypeScriptDifferential;

/// <summary>
/// The first place two syntax trees differ: the path, both canonical lines (<see cref="SyntaxTreeText"/>) and the
/// source text of the node there on each side (a list's owner when a list's length differs). <see cref="OwnerType"/> is
/// the type of the node the differing line belongs to (on tsc's side when there is one).
/// </summary>
public sealed record TreeDifference(string Path, string Expected, string Actual, string ExpectedSnippet, string ActualSnippet, string OwnerType)
{
    /// <summary>
    /// A short name for what differs, to group many files' differences: the two node types, or the node type and the
    /// first value that differs (such as <c>VariableDeclaration.Kind</c>), or the list whose length differs.
    /// </summary>
    public string Cause
    {
        get
        {
            var expected = Expected.Split(' ');
            var actual = Actual.Split(' ');
            var at = Path.Length == 0 ? "(root)" : LastStep(Path);
            if (expected[0].StartsWith("list(", StringComparison.Ordinal) || actual[0].StartsWith("list(", StringComparison.Ordinal))
            {
                return $"{OwnerType}.{at} length";
            }

            if (expected[0] != actual[0])
            {
                return $"{at}: {expected[0]} vs {actual[0]}";
            }

            var value = expected.Zip(actual).Skip(1).FirstOrDefault(pair => pair.First != pair.Second).First ?? "";
            return $"{expected[0]}.{value.Split('=')[0]}";
        }
    }

    public override string ToString() =>
        $"at {(Path.Length == 0 ? "(root)" : Path)}\n  tsc:      {Expected}\n            {ExpectedSnippet}\n  migaudit: {Actual}\n            {ActualSnippet}";

    private static string LastStep(string path)
    {
        var dot = path.LastIndexOf('.');
        var step = dot < 0 ? path : path[(dot + 1)..];
        var bracket = step.IndexOf('[', StringComparison.Ordinal);
        return bracket < 0 ? step : step[..bracket];
    }
}

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
        for (var i = 0; i < Math.Max(left.Count, right.Count); i++)
        {
            var l = i < left.Count ? left[i] : (TreeLine?)null;
            var r = i < right.Count ? right[i] : (TreeLine?)null;
            if (l is { } a && r is { } b && a.Path == b.Path && a.Text == b.Text)
            {
                continue;
            }

            return new TreeDifference(
                l?.Path ?? r?.Path ?? "",
                l?.Text ?? "(nothing)",
                r?.Text ?? "(nothing)",
                l is { } x ? Snippet(expectedText, x.Node) : "",
                r is { } y ? Snippet(actualText, y.Node) : "",
                (l ?? r)!.Value.Node.Type.ToString());
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
}
