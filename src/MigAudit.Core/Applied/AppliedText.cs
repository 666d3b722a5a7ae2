namespace MigAudit.Core.Applied;

/// <summary>One line of the pasted text with its 1-based number, carriage return removed.</summary>
internal readonly record struct AppliedLine(int Number, string Text);

/// <summary>The pasted text split into numbered lines, and where it came from (a file path or "stdin").</summary>
internal sealed class AppliedText
{
    private AppliedText(string source, string text, IReadOnlyList<AppliedLine> lines)
    {
        Source = source;
        Text = text;
        Lines = lines;
        NonBlank = [.. lines.Where(l => !string.IsNullOrWhiteSpace(l.Text))];
    }

    public string Source { get; }

    public string Text { get; }

    public IReadOnlyList<AppliedLine> Lines { get; }

    public IReadOnlyList<AppliedLine> NonBlank { get; }

    public static AppliedText Of(string text, string source) =>
        new(source, text, [.. text.Split('\n').Select((line, index) => new AppliedLine(index + 1, line.TrimEnd('\r')))]);

    public ProjectException Error(int line, string message) => new($"{Source}:{line}: {message}");
}
