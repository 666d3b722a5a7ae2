using System.Text.RegularExpressions;
using MigAudit.Core.Applied;

namespace MigAudit.Core;

/// <summary>
/// The names production's knex_migrations table holds, as the user pasted them (<c>audit --applied FILE</c>). Knex
/// writes one row per migration it ran, with <c>name</c> = the migration source's name for it: for the default file
/// source that is the file name alone, never its folder (knex 3.1.0 FsMigrations.getMigrationName returns
/// <c>migration.file</c>). The format is recognised from the text: see docs/applied.md.
/// </summary>
public sealed partial record AppliedMigrations(IReadOnlyList<string> Names, string Format)
{
    /// <summary>One name per line (what <c>psql -At</c> prints).</summary>
    public const string LinesFormat = "lines";

    /// <summary>psql's default aligned table.</summary>
    public const string PsqlFormat = "psql";

    /// <summary><c>psql -A</c>: '|'-separated, with the header and the (N rows) footer.</summary>
    public const string PsqlUnalignedFormat = "psql-unaligned";

    /// <summary><c>psql --csv</c> (or any CSV with a name column).</summary>
    public const string CsvFormat = "csv";

    /// <summary>What <c>knex migrate:list</c> prints: only its completed section is applied.</summary>
    public const string KnexListFormat = "knex-list";

    /// <summary>A JSON array of names or of rows with a name, or an object with such rows.</summary>
    public const string JsonFormat = "json";

    /// <summary>The set the audit looks names up in, named by where the list came from (Knex compares names exactly, case included).</summary>
    public AppliedNames From(string source) => new(Names.ToHashSet(StringComparer.Ordinal), source);

    /// <param name="text">The pasted text.</param>
    /// <param name="source">The file path, or "stdin": every error names it with the line.</param>
    public static AppliedMigrations Parse(string text, string source)
    {
        var input = AppliedText.Of(AnsiEscape().Replace(text.TrimStart('\uFEFF'), string.Empty), source);
        if (input.NonBlank.Count == 0)
        {
            throw new ProjectException($"{source}: empty: no migration names. Paste the names production's knex_migrations holds (see docs/applied.md for the commands)");
        }

        var first = input.NonBlank[0].Text.TrimStart();
        if (first.StartsWith('[') || first.StartsWith('{'))
        {
            return AppliedJson.Read(input);
        }

        if (AppliedKnexList.Recognises(input))
        {
            return AppliedKnexList.Read(input);
        }

        return AppliedTables.Read(input);
    }

    /// <summary>Colours knex's CLI adds through colorette when stdout is a terminal or FORCE_COLOR is set.</summary>
    [GeneratedRegex(@"\u001b\[[0-9;?]*[A-Za-z]")]
    private static partial Regex AnsiEscape();
}
