namespace MigAudit.Core.Applied;

/// <summary>
/// CSV as psql --csv writes it (RFC 4180): ',' between fields, a field holding a comma, a quote or a line break is
/// quoted with '"' and its quotes doubled. Blank lines are skipped.
/// </summary>
internal static class AppliedCsv
{
    public sealed record Record(int Line, List<string> Fields);

    public static IReadOnlyList<Record> Records(AppliedText input)
    {
        var records = new List<Record>();
        var text = input.Text;
        var line = 1;
        var index = 0;
        while (index < text.Length)
        {
            var start = line;
            var fields = new List<string>();
            var field = new System.Text.StringBuilder();
            var quoted = false;
            var sawQuote = false;
            while (true)
            {
                if (index < text.Length && text[index] == '"' && field.Length == 0 && !quoted)
                {
                    quoted = sawQuote = true;
                    index++;
                    while (true)
                    {
                        if (index >= text.Length)
                        {
                            throw input.Error(start, "a CSV field whose quote is never closed");
                        }

                        var c = text[index++];
                        if (c == '"' && index < text.Length && text[index] == '"')
                        {
                            field.Append('"');
                            index++;
                        }
                        else if (c == '"')
                        {
                            break;
                        }
                        else
                        {
                            line += c == '\n' ? 1 : 0;
                            field.Append(c);
                        }
                    }

                    continue;
                }

                if (index >= text.Length || text[index] is '\n' or ',')
                {
                    fields.Add(quoted ? field.ToString() : field.ToString().TrimEnd('\r'));
                    field.Clear();
                    quoted = false;
                    var endOfRecord = index >= text.Length || text[index] == '\n';
                    if (index < text.Length)
                    {
                        line += text[index] == '\n' ? 1 : 0;
                        index++;
                    }

                    if (endOfRecord)
                    {
                        break;
                    }

                    continue;
                }

                if (quoted)
                {
                    // Only a CRLF line end's carriage return may follow a closing quote; it is not part of the field.
                    index = text[index] == '\r' ? index + 1 : throw input.Error(start, "text after a quoted CSV field's closing quote");
                    continue;
                }

                field.Append(text[index++]);
            }

            if (sawQuote || fields.Count > 1 || !string.IsNullOrWhiteSpace(fields[0]))
            {
                records.Add(new Record(start, fields));
            }
        }

        return records;
    }
}
