namespace MigAudit.Core;

/// <summary>Where an inline suppression applies, in ESLint's forms.</summary>
public enum SuppressionKind
{
    /// <summary><c>// migaudit-disable-next-line rule -- reason</c>: the line below.</summary>
    NextLine,

    /// <summary><c>code // migaudit-disable-line rule -- reason</c>: its own line.</summary>
    Line,

    /// <summary><c>/* migaudit-disable rule -- reason */</c> to <c>/* migaudit-enable rule */</c> (or the end of the file).</summary>
    Block,

    /// <summary><c>/* migaudit-disable-file rule -- reason */</c>: the whole file, findings without a line included.</summary>
    File,
}

/// <summary>
/// One inline suppression comment of a project file: the rules it names, why (required: a suppression without a reason
/// suppresses nothing and is reported), and the lines it covers.
/// </summary>
public sealed record SuppressionDirective(string File, int Line, SuppressionKind Kind, IReadOnlyList<string> Rules, string? Reason)
{
    /// <summary>For a block, the line of the migaudit-enable that closes it (int.MaxValue: open to the end of the file).</summary>
    public int EndLine { get; init; } = int.MaxValue;

    public bool Covers(Finding finding) => finding.File == File && Rules.Contains(finding.Rule) && Kind switch
    {
        SuppressionKind.File => true,
        SuppressionKind.NextLine => finding.Line == Line + 1,
        SuppressionKind.Line => finding.Line == Line,
        _ => finding.Line > Line && finding.Line < EndLine,
    };

    /// <summary>The comment as written: "migaudit-disable-next-line".</summary>
    public string Directive => Kind switch
    {
        SuppressionKind.NextLine => "migaudit-disable-next-line",
        SuppressionKind.Line => "migaudit-disable-line",
        SuppressionKind.File => "migaudit-disable-file",
        _ => "migaudit-disable",
    };
}

/// <summary>
/// A suppression in the settings file, for findings no comment can sit above: history findings about deleted or
/// renamed files, and files the project does not want to edit. Files is a glob from the settings file's folder.
/// </summary>
public sealed record ConfigSuppression(IReadOnlyList<string> Rules, string Files, string Reason, int Index);
