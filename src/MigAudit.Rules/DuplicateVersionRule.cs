using System.Globalization;
using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class DuplicateVersionRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "duplicate-version",
        Title: "Duplicate migration versions",
        Severity: Severity.Medium,
        // Knex runs every file of a shared version, in plain string order of the whole name: nothing fails because of the
        // duplicate itself. When that order is wrong, the replay's chain-error is the blocking finding.
        Blocking: false,
        Summary: "Two or more migrations share the same version prefix; their order comes from the rest of the name, not from when they were written.",
        Impact: "Both run, in the order of the text after the version; the execution order is an accident of naming.")
    {
        EffortPerFindingMinutes = 20,
    };

    /// <summary>What follows the new name in the action of a committed file; 'migaudit fix' reads the new name up to it.</summary>
    public const string CommittedNote = "; it is committed, so on databases that already applied it also run ";

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        var total = input.Migrations.Count;
        var taken = input.Migrations.Select(m => m.Version).Concat(input.Deleted.Select(d => MigrationNames.VersionOf(d.Name)))
            .OfType<string>().ToHashSet(StringComparer.Ordinal);
        // Versions are compared within one naming scheme: 20220524_152512_x and 20220524_221800_y, or 2.5.1 and
        // 2.5.12, are different versions; same-day files with a sequence (20241022_01_x) are too.
        foreach (var group in input.Migrations.Where(m => m.Version is not null).GroupBy(m => m.VersionInfo).Where(g => g.Count() > 1))
        {
            var files = group.OrderBy(m => m.Order).ToList();
            var order = string.Join(", then ", files.Select(m => $"{m.Name} ({Text.Position(m, total)})"));

            // Rename the one that was never committed if there is exactly one, else the one Knex runs last.
            var uncommitted = files.Where(m => m.Git.State == TrackingState.Untracked).ToList();
            var toRename = uncommitted.Count == 1 ? uncommitted[0] : files[^1];
            var next = input.Migrations.FirstOrDefault(m => m.Order > files[^1].Order);
            var free = NextFreeVersion(group.Key.Token, taken, next?.Version);
            var newName = free is null ? null : free + toRename.Name[group.Key.Token.Length..];
            var renameNote = toRename.Git.State == TrackingState.Committed && newName is not null
                ? $"{CommittedNote}UPDATE {Quoting.SqlQualified(input.Project.Settings.SchemaName, input.Project.Settings.TableName)} SET name = {Quoting.SqlLiteral(newName)} WHERE name = {Quoting.SqlLiteral(toRename.Name)}"
                : string.Empty;
            var action = newName is null
                ? $"Give {toRename.Name} a version of its own that sorts where it must run"
                : $"Rename {toRename.Name} to {newName}{renameNote}";
            var dependents = files.Where(f => f != toRename).Select(f => f.Path).ToList();

            yield return Found(
                $"Version {group.Key.Token} is used by {files.Count} files. Knex runs all of them — it sorts whole file names as plain strings — in this order: {order}. The order comes from the text after the version, not from when they were written, so a migration that depends on the other can run first; tools and people that identify migrations by version see a conflict.",
                file: toRename.Path,
                line: 1,
                action: action,
                related: dependents,
                changes:
                [
                    new FileChange(toRename.Path, "RENAME"),
                    .. dependents.Select(d => new FileChange(d, "check order dependency (same version)")),
                ]);
        }
    }

    /// <summary>The next free second after <paramref name="version"/> that still sorts before <paramref name="nextVersion"/>.</summary>
    public static string? NextFreeVersion(string version, IReadOnlySet<string> taken, string? nextVersion)
    {
        if (version.Length == 14 && DateTime.TryParseExact(version, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            for (var i = 1; i < 3600; i++)
            {
                var candidate = time.AddSeconds(i).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
                if (nextVersion is not null && string.CompareOrdinal(candidate, nextVersion) >= 0)
                {
                    return null;
                }

                if (!taken.Contains(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }

        if (long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            for (var candidateNumber = number + 1; candidateNumber < number + 1000; candidateNumber++)
            {
                var candidate = candidateNumber.ToString(CultureInfo.InvariantCulture).PadLeft(version.Length, '0');
                if (candidate.Length != version.Length || (nextVersion is not null && string.CompareOrdinal(candidate, nextVersion) >= 0))
                {
                    return null;
                }

                if (!taken.Contains(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
