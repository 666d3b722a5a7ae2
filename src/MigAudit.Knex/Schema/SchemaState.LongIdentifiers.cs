using System.Text;
using MigAudit.Core;

namespace MigAudit.Knex.Schema;

/// <summary>
/// Names longer than PostgreSQL's 63 bytes: PostgreSQL truncates an identifier to NAMEDATALEN - 1 bytes (on a
/// character boundary) and says so only in a NOTICE, which Knex does not show. Knex makes index and constraint names
/// from the table and columns (&lt;table&gt;_&lt;columns&gt;_index, _unique, _foreign, _pkey; checked with knex 3.1.0),
/// so long table and column names make long names the author never wrote. Only the up's are noted.
/// </summary>
public sealed partial class SchemaState
{
    public List<LongIdentifier> LongIdentifiers { get; } = [];

    /// <summary>Notes <paramref name="written"/> when PostgreSQL would truncate it.</summary>
    public void NoteIdentifier(string kind, string table, string? written, int line, bool generated = false)
    {
        if (written is null || Dialect != SqlDialect.PostgreSQL || Encoding.UTF8.GetByteCount(written) <= MaxIdentifierBytes)
        {
            return;
        }

        LongIdentifiers.Add(new LongIdentifier(kind, table, written, Clip(written, MaxIdentifierBytes), line) { Generated = generated, Helper = Site });
    }

    /// <summary>A table's own name, without the schema the model's key may carry.</summary>
    public void NoteTableName(string table, int line)
    {
        var dot = table.LastIndexOf('.');
        NoteIdentifier("table", table, dot > 0 ? table[(dot + 1)..] : table, line);
    }

    /// <summary>For a name clash: says the name as written was truncated, when it was (two names that differ after 63 bytes).</summary>
    private string TruncatedFrom(string written) => Identifier(written) == written
        ? string.Empty
        : $": PostgreSQL truncates the name \"{written}\" to its first 63 bytes, so it is the same name";
}
