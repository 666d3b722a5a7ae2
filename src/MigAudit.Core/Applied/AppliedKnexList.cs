using System.Globalization;
using System.Text.RegularExpressions;

namespace MigAudit.Core.Applied;

/// <summary>
/// What <c>knex migrate:list</c> prints (knex 3.1.0 bin/utils/migrationsLister.js): "Found N Completed Migration
/// file/files." and the names knex_migrations holds (in id order), or "No Completed Migration files Found."; then
/// "Found N Pending Migration file/files." and the files not run yet, or "No Pending Migration files Found.". Lines
/// before the first heading ("Using environment: ...", "Working directory changed to ...", npm's script echo) are not
/// names. Only the completed names are applied.
/// </summary>
internal static partial class AppliedKnexList
{
    /// <summary>A heading, knex's "Using environment:" line, or migrate:list's refusal: never taken for names.</summary>
    public static bool Recognises(AppliedText input) =>
        input.Text.Contains("migration directory is corrupt", StringComparison.Ordinal)
        || input.NonBlank.Any(l => l.Text.Trim() is var text
            && (Completed().IsMatch(text) || NoneCompleted().IsMatch(text) || Pending().IsMatch(text) || text.StartsWith("Using environment: ", StringComparison.Ordinal)));

    public static AppliedMigrations Read(AppliedText input)
    {
        var lines = input.NonBlank;
        var heading = lines.Select((line, index) => (line, index)).FirstOrDefault(l => Completed().IsMatch(l.line.Text.Trim()) || NoneCompleted().IsMatch(l.line.Text.Trim()));
        var pending = lines.Select((line, index) => (line, index)).FirstOrDefault(l => Pending().IsMatch(l.line.Text.Trim()));
        if (heading.line.Text is null || (pending.line.Text is not null && pending.index < heading.index))
        {
            var at = pending.line.Text is null ? lines[0].Number : pending.line.Number;
            throw input.Error(at, "knex migrate:list output without its completed section ('Found N Completed Migration file/files.' or 'No Completed Migration files Found.' before the pending one): paste the whole output" + CorruptHint(input));
        }

        var names = new AppliedNameList(input);
        var end = pending.line.Text is null ? lines.Count : pending.index;
        var count = 0;
        for (var index = heading.index + 1; index < end; index++)
        {
            names.Add(lines[index].Text.Trim(), lines[index].Number);
            count++;
        }

        var announced = Completed().Match(heading.line.Text.Trim()) is { Success: true } found
            ? int.Parse(found.Groups["count"].Value, CultureInfo.InvariantCulture)
            : 0;
        if (announced != count)
        {
            throw input.Error(heading.line.Number, $"knex migrate:list announces {announced} completed migration(s) but {count} name(s) follow: the paste is incomplete or mixed with other text");
        }

        return names.Build(AppliedMigrations.KnexListFormat);
    }

    /// <summary>
    /// migrate:list checks that every completed migration still has its file (Migrator.list → validateMigrationList) and
    /// fails otherwise: exactly the deleted migrations --applied is meant to settle.
    /// </summary>
    private static string CorruptHint(AppliedText input) =>
        input.Text.Contains("migration directory is corrupt", StringComparison.Ordinal)
            ? ". knex migrate:list refuses to list when applied migrations are missing from the directory ('The migration directory is corrupt'): read the table with psql instead (see docs/applied.md)"
            : string.Empty;

    [GeneratedRegex(@"^Found (?<count>\d+) Completed Migration (?:file/files|files?)\.$")]
    private static partial Regex Completed();

    [GeneratedRegex(@"^No Completed Migration files Found\.$")]
    private static partial Regex NoneCompleted();

    [GeneratedRegex(@"^(?:Found \d+ Pending Migration (?:file/files|files?)|No Pending Migration files Found)\.$")]
    private static partial Regex Pending();
}
