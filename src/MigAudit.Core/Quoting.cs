using System.Text;

namespace MigAudit.Core;

/// <summary>
/// Every name or value migaudit writes into SQL or JavaScript comes from the audited repository, which its user
/// may not have written: file names, table names, settings. Generated text goes through here so that no such
/// value can end a literal, an identifier or a comment early.
/// </summary>
public static class Quoting
{
    /// <summary>A PostgreSQL identifier: always double-quoted, embedded quotes doubled (PostgreSQL's own rule).</summary>
    /// <exception cref="ArgumentException">The name holds a NUL character, which no PostgreSQL identifier can.</exception>
    public static string SqlIdentifier(string name)
    {
        if (name.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("a PostgreSQL identifier cannot contain a NUL character", nameof(name));
        }

        return "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>A schema-qualified relation name, each part quoted; no schema means the search_path decides.</summary>
    public static string SqlQualified(string? schema, string name) =>
        schema is null ? SqlIdentifier(name) : SqlIdentifier(schema) + "." + SqlIdentifier(name);

    /// <summary>
    /// A PostgreSQL string literal. A value with a backslash is written as an escape string (E'...') with the
    /// backslash doubled, so it reads the same whatever standard_conforming_strings is set to.
    /// </summary>
    public static string SqlLiteral(string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("a PostgreSQL string cannot contain a NUL character", nameof(value));
        }

        var quoted = value.Replace("'", "''", StringComparison.Ordinal);
        return value.Contains('\\', StringComparison.Ordinal)
            ? "E'" + quoted.Replace("\\", "\\\\", StringComparison.Ordinal) + "'"
            : "'" + quoted + "'";
    }

    /// <summary>
    /// Text safe inside a one-line comment (SQL "--" or JavaScript "//"): a line break would end the comment and
    /// turn the rest into code, so control characters are shown escaped.
    /// </summary>
    public static string CommentText(string value) => Printable(value).Replace("*/", "* /", StringComparison.Ordinal);

    /// <summary>A single-quoted JavaScript string literal (valid in CommonJS, ESM and TypeScript).</summary>
    public static string JsString(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('\'');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\'': text.Append("\\'"); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\u2028': text.Append("\\u2028"); break;
                case '\u2029': text.Append("\\u2029"); break;
                default:
                    if (char.IsControl(c))
                    {
                        text.Append($"\\u{(int)c:x4}");
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        return text.Append('\'').ToString();
    }

    /// <summary>
    /// Text safe to show on a terminal: control characters (an ANSI escape sequence in a file name, a line break)
    /// are shown as escapes, never sent raw. Printable text, Unicode included, is unchanged.
    /// </summary>
    public static string Printable(string value)
    {
        var index = 0;
        while (index < value.Length && !NeedsEscape(value[index]))
        {
            index++;
        }

        if (index == value.Length)
        {
            return value;
        }

        var text = new StringBuilder(value.Length + 8).Append(value, 0, index);
        for (; index < value.Length; index++)
        {
            var c = value[index];
            if (!NeedsEscape(c))
            {
                text.Append(c);
                continue;
            }

            text.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\u001b' => "\\e",
                _ => $"\\u{(int)c:x4}",
            });
        }

        return text.ToString();
    }

    /// <summary>
    /// One word of a command migaudit prints for a person to paste into a shell (git mv, git checkout): a file name
    /// holding $(...), a quote or a space must reach the command as the name, never run. Quoted only when needed, so
    /// ordinary names read as they are; a word of letters, digits and @%+=:,./_- is left bare, anything else is
    /// single-quoted with each ' written '\''. A name with a control character (a line break, an ANSI escape) cannot be
    /// shown raw on the terminal: it is written $'...' with \xHH escapes (bash, zsh, ksh and POSIX.1-2024 shells).
    /// Options are ended with "--" by the command itself: quoting does not stop a name starting with '-'.
    /// </summary>
    public static string ShellWord(string value)
    {
        if (value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "@%+=:,./_-".Contains(c, StringComparison.Ordinal)))
        {
            return value;
        }

        if (!value.Any(NeedsEscape))
        {
            return "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
        }

        var text = new StringBuilder("$'");
        foreach (var c in value)
        {
            if (c is '\'' or '\\')
            {
                text.Append('\\').Append(c);
            }
            else if (NeedsEscape(c))
            {
                foreach (var b in Encoding.UTF8.GetBytes(c.ToString()))
                {
                    text.Append($"\\x{b:x2}");
                }
            }
            else
            {
                text.Append(c);
            }
        }

        return text.Append('\'').ToString();
    }

    /// <summary>A command line of <see cref="ShellWord"/>s.</summary>
    public static string ShellCommand(params string[] words) => string.Join(' ', words.Select(ShellWord));

    private static bool NeedsEscape(char c) =>
        char.IsControl(c) || c is '\u2028' or '\u2029' || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
}
