using MigAudit.Core;

namespace MigAudit.Engine;

/// <summary>
/// Where each finding's migration stands with production, for the findings whose rule did not say (history rules
/// say it for the change they report), and the question a finding leaves open when only production's migrations
/// table can decide it.
/// </summary>
public static class FindingScopes
{
    public static IReadOnlyList<Finding> Assign(AuditInput input, IReadOnlyList<Finding> findings)
    {
        var byPath = new Dictionary<string, Migration>(StringComparer.Ordinal);
        foreach (var migration in input.Migrations)
        {
            byPath.TryAdd(migration.Path, migration);
        }

        // A statement written in a helper the migration calls is that migration's: its file is the helper's, the
        // migration is the one it is called from.
        return findings.Select(f => f.Scope is not null || MigrationFile(f, byPath) is not { } file || !byPath.TryGetValue(file, out var migration)
            ? f
            : f with { Scope = MigrationScopes.Of(migration, input), ScopeReleases = migration.Git.ShippedInRelease is { } release && input.Applied is null ? [release] : [] }).ToList();
    }

    private static string? MigrationFile(Finding finding, Dictionary<string, Migration> byPath) =>
        finding.File is { } file && byPath.ContainsKey(file) ? file : finding.CalledFromFile;

    /// <summary>The most names one question lists; the JSON lists them all.</summary>
    private const int NamesShown = 8;

    /// <summary>
    /// One question for every finding that would block if production recorded one of its names: "which of these names
    /// does production's migrations table hold?". Answered by --applied (or a baseline of the findings), it goes away.
    /// </summary>
    public static ReadinessUnknown? Question(AuditInput input, IReadOnlyList<Finding> findings)
    {
        var open = findings.Where(f => f.DecidingNames.Count > 0).ToList();
        if (open.Count == 0)
        {
            return null;
        }

        var names = open.SelectMany(f => f.DecidingNames).Distinct(StringComparer.Ordinal).ToList();
        var shown = string.Join(", ", names.Take(NamesShown).Select(Quoting.Printable)) + (names.Count > NamesShown ? $" and {names.Count - NamesShown} more" : string.Empty);
        var table = Quoting.Printable(input.Project.Settings.TableName);
        return new ReadinessUnknown(
            $"{open.Count} finding{(open.Count == 1 ? string.Empty : "s")} block{(open.Count == 1 ? "s" : string.Empty)} only if production's {table} holds {(names.Count == 1 ? "the name" : "any of the names")} {shown}, and the repository has no release tags to tell: " +
            $"answer with 'migaudit audit --applied FILE', FILE holding the output of SELECT name FROM {table} ORDER BY id on production (or '-' to read it from stdin)",
            null, null)
        {
            Names = names,
        };
    }
}
