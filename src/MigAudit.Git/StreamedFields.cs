namespace MigAudit.Git;

/// <summary>
/// Splits git's output at a separator character while it streams, so a history or a listing of any length is never
/// held as one string: the git log's record separator (0x1e), or the NUL that ends each field of a "-z" listing.
/// </summary>
internal static class StreamedFields
{
    /// <param name="skipEmpty">Leave out empty fields (a record separator at the very start, say).</param>
    /// <returns>Every field, and the text after the last separator when there is any.</returns>
    public static IEnumerable<string> Split(TextReader reader, char separator, bool skipEmpty)
    {
        var buffer = new char[64 * 1024];
        var field = new System.Text.StringBuilder();
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] == separator)
                {
                    field.Append(buffer, start, i - start);
                    if (field.Length > 0 || !skipEmpty)
                    {
                        yield return field.ToString();
                        field.Clear();
                    }

                    start = i + 1;
                }
            }

            field.Append(buffer, start, read - start);
        }

        if (field.Length > 0)
        {
            yield return field.ToString();
        }
    }
}
