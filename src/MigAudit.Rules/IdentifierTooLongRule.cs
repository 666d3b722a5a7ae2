using System.Text;
using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// A table, column, index or constraint name over PostgreSQL's 63 bytes (NAMEDATALEN - 1), as written or as Knex makes
/// it from the table and columns (&lt;table&gt;_&lt;columns&gt;_index, _unique, _foreign, _pkey). PostgreSQL truncates
/// it with only a NOTICE, which Knex does not show. Checked with knex 3.1.0 on PostgreSQL 15: Knex's own later
/// dropIndex/dropForeign/dropUnique by the same columns send the long name, which PostgreSQL truncates the same way, so
/// they work, and so do hasTable/hasColumn (information_schema compares as the name type, which truncates the string).
/// What breaks is what compares the name as text: a too long column comes back keyed by its 63-byte name, so row[name]
/// is undefined in the application (medium); a pg error's constraint field is the 63-byte name (low). Two names with
/// the same first 63 bytes are the same name (42P07): that is chain-error's finding, not repeated here.
/// </summary>
public sealed class IdentifierTooLongRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "identifier-too-long",
        Title: "Names PostgreSQL truncates to 63 bytes",
        Severity: Severity.Low,
        Blocking: false,
        Summary: "A name (written, or made by Knex from long table and column names) is over 63 bytes: PostgreSQL stores only its first 63 bytes.",
        Impact: "Rows come back keyed by the truncated column name (row[longName] is undefined), errors name the truncated constraint, and a second long name with the same first 63 bytes collides.")
    {
        Category = RuleCategory.Indexes,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 5,
    };

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        var migrations = input.Migrations.ToDictionary(m => m.Name, StringComparer.Ordinal);
        foreach (var replay in input.Schema.Migrations)
        {
            // A shipped migration's names are in production as they are: renaming is a new migration's job, not this one's.
            if (!migrations.TryGetValue(replay.Migration, out var migration) || migration.Git.ShippedInRelease is not null)
            {
                continue;
            }

            foreach (var name in replay.LongIdentifiers)
            {
                // Truncated to a name that already exists: chain-error reports the statement PostgreSQL refuses.
                if (replay.ChainProblems.Any(p => p.Line == name.Line && p.Message.Contains(name.Stored, StringComparison.Ordinal)))
                {
                    continue;
                }

                yield return Found(
                    $"{replay.Migration} {Gives(name)} ({HelperSite.Describe(name.Line, name.Helper)}), {Encoding.UTF8.GetByteCount(name.Written)} bytes: PostgreSQL keeps identifiers to 63 bytes and stores \"{name.Stored}\" (with only a NOTICE, which Knex does not show). {Consequence(name)}",
                    file: migration.Path,
                    line: name.Line,
                    helper: name.Helper,
                    key: $"{name.Kind}/{name.Stored}",
                    severity: name.Kind == "column" ? Severity.Medium : null,
                    action: Action(name));
            }
        }
    }

    private static string Gives(LongIdentifier name) => name.Kind switch
    {
        "table" => $"creates the table \"{name.Written}\"",
        "column" => $"adds the column \"{name.Written}\" to {name.Table}",
        _ when name.Generated => $"makes the {name.Kind} on {name.Table} that Knex names \"{name.Written}\" (<table>_<columns>_{Suffix(name)})",
        _ => $"names {(name.Kind == "index" ? "an" : "a")} {name.Kind} on {name.Table} \"{name.Written}\"",
    };

    private static string Suffix(LongIdentifier name) => name.Kind switch
    {
        "foreign key" => "foreign",
        "primary key" => "pkey",
        "index" => "index",
        _ => "unique",
    };

    private static string Consequence(LongIdentifier name) => name.Kind switch
    {
        "table" => "Statements that name the table send the long name, which PostgreSQL truncates the same way, so they work (knex.schema.hasTable() too: information_schema compares as name, truncating the string); but anything that compares the name as text (error.table of a pg error, a catalog query with ::text, names listed by a script) sees the 63-byte name.",
        "column" => "Writes by the long name work (PostgreSQL truncates it the same way), but rows come back keyed by the 63-byte name: node-postgres returns the column as it is stored, so row['" + name.Written + "'] is undefined after knex(...).select('*') and even after .select('" + name.Written + "').",
        _ => $"Knex's later drop of it by the same {(name.Generated ? "columns" : "name")} sends the long name, which PostgreSQL truncates the same way, so it works; but the name PostgreSQL reports (error.constraint of a unique or foreign key violation, pg_indexes read as text) is the 63-byte one, so code matching the long name misses, and another long name with the same first 63 bytes is the same name (\"already exists\").",
    };

    private static string Action(LongIdentifier name) => name.Kind switch
    {
        "column" => "Choose a column name of at most 63 bytes (a pending migration can still be changed; once shipped, rename it in a new migration with table.renameColumn)",
        "table" => "Choose a table name of at most 63 bytes",
        "index" when name.Generated => "Give the index a name of at most 63 bytes: table.index([...], 'short_name') or .index('short_name') on the column, and drop it by that name",
        "unique constraint" or "unique index" when name.Generated => $"Give the {name.Kind} a name of at most 63 bytes: table.unique([...], {{ indexName: 'short_name' }}) or .unique('short_name') on the column, and drop it by that name",
        "foreign key" when name.Generated => "Give the foreign key a name of at most 63 bytes: .foreign([...], 'short_name') or .references(...).withKeyName('short_name'), and drop it by that name",
        "primary key" => "Give the key a name of at most 63 bytes: table.primary([...], { constraintName: 'short_name' })",
        _ => $"Choose a {name.Kind} name of at most 63 bytes",
    };
}
