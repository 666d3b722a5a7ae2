using System.Text;
using System.Text.Json;

namespace MigAudit.Core.Applied;

/// <summary>
/// JSON: an array of names (<c>json_agg(name)</c>), an array of rows with a string <c>name</c> (<c>json_agg(t)</c> of the
/// table, a JSON export of it), or an object whose <c>rows</c> is such an array (node-postgres's query result). Read with
/// Utf8JsonReader so that every error can name the line of the element at fault.
/// </summary>
internal static class AppliedJson
{
    private const string Shapes = "expected an array of names, an array of rows with a \"name\", or an object with such \"rows\" (see docs/applied.md)";

    public static AppliedMigrations Read(AppliedText input)
    {
        var bytes = Encoding.UTF8.GetBytes(input.Text);
        var reader = new Utf8JsonReader(bytes);
        var names = new AppliedNameList(input);
        try
        {
            reader.Read();
            var start = reader.TokenStartIndex;
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                Elements(input, bytes, ref reader, names);
            }
            else if (!Rows(input, bytes, ref reader, names))
            {
                throw input.Error(Line(bytes, start), $"a JSON object without a \"rows\" array: {Shapes}");
            }

            // The reader rejects anything but whitespace after the value (a second array pasted below the first).
            reader.Read();
        }
        catch (JsonException error)
        {
            throw input.Error((int)(error.LineNumber ?? 0) + 1, $"invalid JSON: {error.Message.Split(" LineNumber")[0].Split(". ")[0].TrimEnd('.')}");
        }

        return names.Build(AppliedMigrations.JsonFormat);
    }

    /// <summary>At the top-level object: reads its "rows" array, skipping every other property.</summary>
    private static bool Rows(AppliedText input, byte[] bytes, ref Utf8JsonReader reader, AppliedNameList names)
    {
        var found = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isRows = reader.ValueTextEquals("rows"u8);
            reader.Read();
            if (isRows && reader.TokenType == JsonTokenType.StartArray && !found)
            {
                Elements(input, bytes, ref reader, names);
                found = true;
            }
            else
            {
                reader.Skip();
            }
        }

        return found;
    }

    /// <summary>At an array's start: each element is a name or a row with one.</summary>
    private static void Elements(AppliedText input, byte[] bytes, ref Utf8JsonReader reader, AppliedNameList names)
    {
        var lines = new LineCounter(bytes);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var line = lines.At(reader.TokenStartIndex);
            if (reader.TokenType == JsonTokenType.String)
            {
                names.Add(reader.GetString()!, line);
            }
            else if (reader.TokenType == JsonTokenType.StartObject)
            {
                names.Add(NameOfRow(input, line, ref reader), line);
            }
            else
            {
                throw input.Error(line, $"a JSON {Describe(reader.TokenType)} where a name or a row was expected: {Shapes}");
            }
        }
    }

    private static string NameOfRow(AppliedText input, int line, ref Utf8JsonReader reader)
    {
        string? name = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isName = reader.ValueTextEquals("name"u8);
            reader.Read();
            if (isName && reader.TokenType == JsonTokenType.String)
            {
                name = reader.GetString();
            }
            else if (isName)
            {
                throw input.Error(line, $"this row's \"name\" is a JSON {Describe(reader.TokenType)}, not a string");
            }
            else
            {
                reader.Skip();
            }
        }

        return name ?? throw input.Error(line, $"a JSON row without a \"name\": {Shapes}");
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "array",
        JsonTokenType.StartObject => "object",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private static int Line(byte[] bytes, long offset) => bytes.AsSpan(0, (int)offset).Count((byte)'\n') + 1;

    /// <summary>Line numbers of increasing offsets, counted once through the text (a table export has thousands of rows).</summary>
    private sealed class LineCounter(byte[] bytes)
    {
        private int offset;
        private int line = 1;

        public int At(long position)
        {
            line += bytes.AsSpan(offset, (int)position - offset).Count((byte)'\n');
            offset = (int)position;
            return line;
        }
    }
}
