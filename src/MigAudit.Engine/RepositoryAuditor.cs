using System.Diagnostics;
using MigAudit.Core;
using MigAudit.Knex.Discovery;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Engine;

/// <summary>
/// The audit of every migration set of a repository (<see cref="MigrationSets"/>): each set with its own inventory,
/// history, schema and verdict; the repository's verdict is the worst of them. A knexfile, folder or environment the
/// user names chooses one set, as before.
/// </summary>
public static class RepositoryAuditor
{
    public static RepositoryAudit Run(string root, DiscoveryOptions options, AuditSettings settings, Func<Finding, bool>? baseline, IProgress<string>? progress = null)
    {
        if (options.ChoosesOneSet)
        {
            return new RepositoryAudit { Sets = [Auditor.Run(root, options, settings, baseline, progress)] };
        }

        var clock = Stopwatch.StartNew();
        progress?.Report("discovering the Knex configuration");
        var cache = new ParsedModuleCache();
        var candidates = new List<(KnexProject Project, string Reason)>();
        var notAudited = new List<string>();
        ProjectException? firstError = null;
        KnexProject? primary = null;
        try
        {
            primary = ProjectDiscovery.Discover(root, options, cache);
            candidates.Add((primary, MigrationSets.ReasonOf(primary)));
        }
        catch (ProjectException error)
        {
            firstError = error;
        }

        foreach (var setup in MigrationSets.OtherSetups(root, primary))
        {
            KnexProject other;
            try
            {
                other = ProjectDiscovery.Discover(root, setup.Options, cache);
            }
            catch (ProjectException error)
            {
                notAudited.Add($"{setup.Reason}: {error.Message}");
                continue;
            }

            // The same folders run again (the script names the knexfile already found): one set, not two.
            if (!candidates.Any(c => SameSource(c.Project, other)))
            {
                candidates.Add((other, setup.Reason));
            }
        }

        if (settings.Applied is { } applied && candidates.Count > 1 && candidates.Skip(1).Any(c => !MigrationSets.Overlap(candidates[0].Project, c.Project)))
        {
            // One database's table: applied to every set, it would call each other set's history "never recorded".
            throw new ProjectException($"--applied is one database's migrations table ({applied.Source}), and this repository has several migration sets ({string.Join(", ", candidates.Select(c => MigrationSets.NameOf(c.Project)))}): choose the set it belongs to with --knexfile, --migrations or --env, or the service's folder as PATH");
        }

        var audited = new List<(AuditResult Result, string Reason)>();
        var primaryDiscovered = firstError is null;
        for (var index = 0; index < candidates.Count; index++)
        {
            var (project, reason) = candidates[index];
            if (audited.Any(a => MigrationSets.Overlap(a.Result.Input.Project, project)))
            {
                // Folders a set already audited: the same migrations (another environment or knexfile naming them).
                continue;
            }

            if (candidates.Count > 1)
            {
                progress?.Report($"migration set {audited.Count + 1} of {candidates.Count}: {MigrationSets.NameOf(project)}");
            }

            try
            {
                var result = Auditor.Audit(project, cache, settings, baseline, progress, audited.Count == 0 ? clock : Stopwatch.StartNew());
                if (!(index == 0 && primaryDiscovered) && result.Input.Migrations.Count == 0)
                {
                    // Another knexfile whose folder holds no migrations (a shared base config, a submodule not checked
                    // out, a folder the migrations have since moved from): it runs nothing this repository holds.
                    notAudited.Add($"{reason}: no migrations in {string.Join(", ", project.Settings.Directories.Select(d => $"'{Quoting.Printable(d)}'"))}");
                    continue;
                }

                audited.Add((result, reason));
            }
            catch (ProjectException error) when (candidates.Count > 1)
            {
                // A knexfile whose folder holds no migrations runs nothing: said, not audited.
                firstError ??= error;
                notAudited.Add($"{reason}: {error.Message}");
            }
        }

        if (audited.Count == 0)
        {
            throw firstError ?? new ProjectException($"no Knex project found in '{root}'");
        }

        if (audited.Count == 1)
        {
            // One set audited: the setups that ran nothing are notes of its report, as the knexfiles not chosen were.
            var single = audited[0].Result;
            var project = single.Input.Project;
            single = single with { Input = single.Input with { Project = project with { Notes = [.. project.Notes, .. notAudited.Select(n => "not audited: " + n)] } } };
            return new RepositoryAudit { Sets = [single], NotAudited = notAudited };
        }

        return new RepositoryAudit { Sets = audited.Select(a => AsSet(a.Result, a.Reason)).ToList(), NotAudited = notAudited };
    }

    /// <summary>Two setups that list the same files alike (same folders, extensions and source): one set.</summary>
    private static bool SameSource(KnexProject one, KnexProject other) =>
        one.Settings.Directories.Count > 0 && one.Settings.Directories.SequenceEqual(other.Settings.Directories, StringComparer.Ordinal) &&
        one.Settings.LoadExtensions.SequenceEqual(other.Settings.LoadExtensions, StringComparer.Ordinal) &&
        one.Settings.CustomSource is null && other.Settings.CustomSource is null;

    /// <summary>One set of several: named, its findings tagged with its name, without the note that chose one knexfile of several.</summary>
    private static AuditResult AsSet(AuditResult result, string reason)
    {
        var project = result.Input.Project;
        var name = MigrationSets.NameOf(project);
        return result with
        {
            Set = new MigrationSet(name, reason),
            Findings = result.Findings.Select(f => f with { MigrationSet = name }).ToList(),
            Input = result.Input with
            {
                Project = project with { Notes = project.Notes.Where(n => !n.StartsWith(ProjectDiscovery.SeveralKnexfilesNote, StringComparison.Ordinal)).ToList() },
            },
        };
    }
}
