using System.Text;

namespace MigAudit.Knex.TypeScript;

/// <summary>
/// What the parser changes in the source: erased type syntax becomes spaces and code TypeScript generates (enums,
/// namespaces, parameter properties, <c>import x = require()</c>) replaces or follows the construct, always without
/// adding or removing a line break, so every kept token keeps its line, and its column wherever the generated text
/// fits in the room the erased text left on that line.
/// </summary>
internal sealed class TsEdits
{
    private readonly List<Edit> edits = [];

    private readonly record struct Edit(int Start, int End, string Text, int Order);

    public int Count => edits.Count;

    public void Truncate(int count) => edits.RemoveRange(count, edits.Count - count);

    public void Blank(int start, int end)
    {
        if (end > start)
        {
            edits.Add(new Edit(start, end, "", edits.Count));
        }
    }

    public void Replace(int start, int end, string text) => edits.Add(new Edit(start, end, text, edits.Count));

    public void Insert(int position, string text) => edits.Add(new Edit(position, position, text, edits.Count));

    /// <summary>
    /// When a statement ended by automatic semicolon insertion and its last characters were erased, the next line could
    /// continue it once the types are gone (<c>a as T</c> then <c>(b)</c> on the next line would become a call): the
    /// first erased character becomes the semicolon TypeScript's own output has.
    /// </summary>
    public bool TerminateTrailingErasure(int statementEnd)
    {
        if (edits.Count == 0)
        {
            return false;
        }

        var last = edits[^1];
        if (last.End != statementEnd || last.Text.Length != 0 || last.End == last.Start)
        {
            return false;
        }

        edits[^1] = last with { Text = ";" };
        return true;
    }

    /// <summary>Gives the erasure that starts at <paramref name="start"/>, the last edit made, a text to write there.</summary>
    public void WriteIntoLastErasure(int start, string text)
    {
        if (edits.Count > 0 && edits[^1] is { Text.Length: 0 } last && last.Start == start)
        {
            edits[^1] = last with { Text = text };
        }
    }

    public string Apply(string source)
    {
        if (edits.Count == 0)
        {
            return source;
        }

        var ordered = edits.ToArray();
        Array.Sort(ordered, static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.Order.CompareTo(b.Order));
        var output = new StringBuilder(source.Length + 64);
        var cursor = 0;
        var overflow = 0; // characters generated text pushed past the source's columns on the current line
        foreach (var edit in ordered)
        {
            var start = Math.Max(edit.Start, cursor);
            var end = Math.Max(edit.End, start);
            for (var i = cursor; i < start; i++)
            {
                var c = source[i];
                output.Append(c);
                if (TsScanner.IsLineTerminator(c))
                {
                    overflow = 0;
                }
            }

            output.Append(edit.Text);
            overflow += edit.Text.Length;
            for (var i = start; i < end; i++)
            {
                var c = source[i];
                if (TsScanner.IsLineTerminator(c))
                {
                    output.Append(c);
                    overflow = 0;
                }
                else if (overflow > 0)
                {
                    overflow--;
                }
                else
                {
                    output.Append(' ');
                }
            }

            cursor = end;
        }

        output.Append(source, cursor, source.Length - cursor);
        return output.ToString();
    }
}
