using System.Text;

namespace MigAudit.Core;

/// <summary>
/// Text from the audited repository (file, table and column names, messages that quote them) in GitHub-flavoured
/// Markdown: a pull-request comment, a committed document. Such a name can hold raw HTML (&lt;img onerror&gt;), a
/// link, a '|' or a line break that ends a table row, or an ANSI escape: every one must show as the text it is.
/// Control characters are shown escaped first (<see cref="Quoting.Printable"/>), so no line break reaches the output.
/// </summary>
public static class MarkdownText
{
    /// <summary>
    /// Inline text, in a table cell or a sentence. HTML is written as entities; the characters that open a code span,
    /// a link or an escape, and the table's '|', are backslash-escaped (valid for every ASCII punctuation mark, so the
    /// reader sees the character itself). Emphasis marks (*, _) are left: at worst they change the look, not the meaning.
    /// </summary>
    public static string Inline(string value)
    {
        var printable = Quoting.Printable(value);
        var text = new StringBuilder(printable.Length + 8);
        foreach (var c in printable)
        {
            text.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '\\' => "\\\\",
                '|' => "\\|",
                '`' => "\\`",
                '[' => "\\[",
                ']' => "\\]",
                _ => null,
            } ?? c.ToString());
        }

        return text.ToString();
    }

    /// <summary>A code span in a sentence: shown verbatim (HTML is not interpreted in one), whatever backticks it holds.</summary>
    public static string Code(string value) => Span(Quoting.Printable(value));

    /// <summary>
    /// A code span in a table cell. GitHub splits the row at every '|' not preceded by a backslash before it reads code
    /// spans, and then removes the backslash of each "\|", inside code spans too: so '|' is written "\|" here.
    /// </summary>
    public static string CellCode(string value) => Span(Quoting.Printable(value).Replace("|", "\\|", StringComparison.Ordinal));

    /// <summary>
    /// Delimited by a run of backticks longer than any inside (CommonMark's rule); padded with a space when the text
    /// begins or ends with a backtick, or with spaces on both sides (one of which CommonMark strips).
    /// </summary>
    private static string Span(string text)
    {
        if (text.Length == 0)
        {
            return string.Empty;
        }

        int longest = 0, run = 0;
        foreach (var c in text)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        var fence = new string('`', longest + 1);
        var pad = text[0] == '`' || text[^1] == '`' || (text[0] == ' ' && text[^1] == ' ') ? " " : string.Empty;
        return fence + pad + text + pad + fence;
    }

    /// <summary>
    /// A link destination: only an http(s) URL is ever linked (see <see cref="WebLinks"/>); spaces, brackets, '|' and
    /// anything else Markdown would read as the end of the link or of the cell are percent-encoded.
    /// </summary>
    public static string LinkDestination(string url)
    {
        var text = new StringBuilder(url.Length);
        foreach (var b in Encoding.UTF8.GetBytes(url))
        {
            if (b > 0x20 && b < 0x7f && b is not ((byte)'(' or (byte)')' or (byte)'<' or (byte)'>' or (byte)'|' or (byte)'`' or (byte)'\\' or (byte)'"' or (byte)'[' or (byte)']'))
            {
                text.Append((char)b);
            }
            else
            {
                text.Append($"%{b:X2}");
            }
        }

        return text.ToString();
    }
}
