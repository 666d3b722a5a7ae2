using MigAudit.IO;
using System.Diagnostics;
using MigAudit.Config;
using MigAudit.Core;
using MigAudit.Git;
using MigAudit.Knex.Discovery;
using MigAudit.Knex.JavaScript;
using MigAudit.Knex.Schema;
using MigAudit.Knex.Migrations;
using MigAudit.Rules;

namespace MigAudit.Engine;

/// <summary>The static audit: discover, list, parse, read history, run the rules. Never executes project code.</summary>
public static class Auditor
{
    /// <summary>How many migrations may be parsed ahead of the replay: enough to keep every core busy, few enough to bound memory.</summary>
    private const int LookAhead = 64;

    public static AuditResult Run(string root, DiscoveryOptions options, IProgress<string>? progress = null) =>
        Run(root, options, new AuditSettings(), baseline: null, progress);

    /// <summary>The audit with the project's settings (rule levels, ignored paths, tenant column) and an optional baseline applied.</summary>
    /// <param name="baseline">Whether a finding is accepted by the user's baseline (null: no baseline).</param>
    public static AuditResult Run(string root, DiscoveryOptions options, AuditSettings settings, Func<Finding, bool>? baseline, IProgress<string>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        progress?.Report("discovering the Knex configuration");
        var cache = new ParsedModuleCache();
        return Audit(ProjectDiscovery.Discover(root, options, cache), cache, settings, baseline, progress, clock);
    }

    /// <summary>The audit of a project already discovered, sharing the parsed files of its discovery.</summary>
    /// <param name="clock">Started when the audit began, discovery included.</param>
    internal static AuditResult Audit(KnexProject project, ParsedModuleCache cache, AuditSettings settings, Func<Finding, bool>? baseline, IProgress<string>? progress, Stopwatch clock)
    {
        progress?.Report("listing migrations");
        var listing = MigrationLister.List(project.Root, project.Settings);
        // A custom migrationSource's folders are the ones its getMigrations() reads: a folder it cannot read fails it too.
        if (listing.Problems.Count > 0)
        {
            project = project with { SourceProblems = [.. project.SourceProblems, .. listing.Problems] };
        }

        if (settings.AsStaged)
        {
            SubstituteStaged(project.Root, listing, cache);
        }

        // History comes from git processes: read it while this process parses on its own cores.
        progress?.Report("reading git history");
        var directoryIndex = project.Settings.Directories.Select((d, i) => (d, i)).ToDictionary(x => x.d, x => x.i, StringComparer.Ordinal);
        var historyTask = OwnThread.Run(() => GitHistoryReader.Read(new HistoryRequest
        {
            Root = project.Root,
            Directories = project.Settings.Directories,
            LoadExtensions = project.Settings.LoadExtensions,
            ActivePaths = listing.Migrations.Select(m => m.Path).ToList(),
            KnexOrder = KnexOrder(project.Settings, directoryIndex),
            Mainline = settings.Mainline,
            ReleaseTags = settings.Releases,
        }));

        progress?.Report("evaluating database clients");
        var configuration = ConfigurationAuditor.Audit(project, cache);

        // Parse and analyse ahead on every core, replay in Knex's order on this thread, and drop each syntax tree
        // after its step: memory stays bounded by the look-ahead, not by the number of migrations.
        progress?.Report($"parsing and replaying {listing.Migrations.Count} migrations");
        var count = listing.Migrations.Count;
        var modules = new MigrationModule[count];
        var sizes = new (long Size, bool Symlink)[count];
        var suppressions = new IReadOnlyList<SuppressionDirective>[count];
        var replayer = SchemaReplayer.For(project, cache);
        var ready = new TaskCompletionSource[count];
        for (var i = 0; i < count; i++)
        {
            ready[i] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        // Knex import()s or require()s each migration by its extension and nearest package.json, and so does the CLI the knexfile.
        var loading = new NodeModuleLoading(project.Root);
        if (project.Knexfile is { } loadedKnexfile && !loadedKnexfile.Path.EndsWith(".json", StringComparison.Ordinal))
        {
            var knexfilePath = Path.GetFullPath(Path.Combine(project.Root, loadedKnexfile.Path));
            project = project with { KnexfileLoadProblem = loading.Check(cache.File(knexfilePath), knexfilePath) };
        }

        var window = new SemaphoreSlim(LookAhead);
        var next = -1;
        // One core is left to this thread, which replays, and to git's processes, which read the history meanwhile:
        // with a producer per core the three competed, and the history, the critical path on small projects, came last.
        var producers = Enumerable.Range(0, Math.Max(1, Environment.ProcessorCount - 1)).Select(_ => Task.Run(() =>
        {
            // The permit comes first, then the index: whoever holds an index can always finish it, so the
            // replay's next migration is never stuck behind a full window.
            while (true)
            {
                window.Wait();
                var i = Interlocked.Increment(ref next);
                if (i >= count)
                {
                    window.Release();
                    return;
                }

                try
                {
                    var listed = listing.Migrations[i];
                    modules[i] = MigrationModuleAnalyzer.Analyze(listed.FullPath, cache, loading);

                    // Read while the text is cached: the replay evicts each file after its step, and cache.File on an
                    // evicted file parses it again (on a 5,000-migration project, a second of one core).
                    suppressions[i] = InlineSuppressions.Of([(listed.Path, cache.File(listed.FullPath).Text)]);
                    ready[i].SetResult();
                }
                catch (Exception error)
                {
                    ready[i].SetException(error);
                }
            }
        })).ToArray();

        for (var i = 0; i < count; i++)
        {
            ready[i].Task.GetAwaiter().GetResult();
            var listed = listing.Migrations[i];
            replayer.Step(new SchemaReplayer.Input(listed.Name, listed.FullPath));
            var file = cache.File(listed.FullPath);
            sizes[i] = (file.SizeBytes, file.IsSymlink);
            cache.Evict(listed.FullPath);
            window.Release();
        }

        Task.WaitAll(producers);
        var schema = replayer.Result;
        var history = historyTask.GetAwaiter().GetResult();
        if (listing.Migrations.Count == 0 && history.Deleted.Count == 0 && history.Renamed.Count == 0 && project.SourceProblems.Count == 0)
        {
            // Nothing to audit, now or in history, is not "ready": say what was looked for and how to point migaudit elsewhere.
            var where = string.Join(", ", project.Settings.Directories.Select(d => $"'{Quoting.Printable(d)}'"));
            var from = project.Knexfile is { } knexfile ? $" (from {Quoting.Printable(knexfile.Path)})" : string.Empty;
            throw new ProjectException($"no migrations found: looked in {where}{from} for {string.Join(", ", project.Settings.LoadExtensions)} files; point migaudit at them with --migrations DIR or --knexfile FILE");
        }

        // The deleted files' last versions and the edited migrations' first versions each come from a git process of
        // their own, and both are then parsed: read at once, they overlap instead of adding up.
        var helpersTask = OwnThread.Run(() => DeletedHelpers(project.Root, history));
        var reruns = Reruns(project, history, listing, schema, cache);
        var edits = EditClassifier.Classify(project, history, listing, cache);
        var renamed = RecordedNamesReader.Read(project, history);
        var helpers = helpersTask.GetAwaiter().GetResult();

        var migrations = listing.Migrations.Select((listed, i) => new Migration
        {
            Name = listed.Name,
            Path = listed.Path,
            Directory = listed.Directory,
            Order = listed.Order,
            Module = modules[i],
            Git = history.Files.TryGetValue(listed.Path, out var git) ? git : MigrationGitInfo.Unknown,
            SizeBytes = sizes[i].Size,
            IsSymlink = sizes[i].Symlink,
        }).ToList();

        var input = new AuditInput
        {
            Project = project,
            Migrations = migrations,
            IgnoredFiles = listing.Ignored,
            Deleted = history.Deleted.Where(d => !helpers.Contains(d.Path)).ToList(),
            DeletedHelpers = helpers.Order(StringComparer.Ordinal).ToList(),
            Renamed = renamed,
            ConvertedExtensions = history.ConvertedExtensions,

            // Read only when some row may need repairing: it scans the project's code.
            Repairs = history.Deleted.Count > 0 || history.Renamed.Count > 0 ? TableRepairFinder.Find(project.Root, project.Settings, cache) : [],
            BranchOnly = history.BranchOnly,
            Reruns = reruns,
            CosmeticEdits = edits.Where(e => e.Value.ChangesNothing).Select(e => e.Key).ToHashSet(StringComparer.Ordinal),
            Edits = edits,
            Git = history.Facts,
            Configuration = configuration,
            Schema = schema,
            TenantColumn = settings.TenantColumn,
            Documented = Documented(project.Root),
            StagedCommitted = settings.AsStaged,
            Applied = settings.Applied,

            // Read before the rules run, so suppression-problem can check them and the filter can report unused ones;
            // the migrations' during the parse, the knexfile's from the text the parser cache already holds.
            Suppressions = [
                .. suppressions.SelectMany(s => s),
                .. InlineSuppressions.Of(project.Knexfile?.Path is { } configFile ? [(configFile, cache.File(Path.GetFullPath(Path.Combine(project.Root, configFile))).Text)] : [])],
        };

        progress?.Report("checking rules");
        var outcome = FindingFilter.Apply(Check(RuleCatalog.All.Where(rule => rule.AppliesTo(project.Dialect)).ToList(), input), project.Root, settings, baseline, input.Suppressions);
        var findings = FindingScopes.Assign(input, AssumedSet.Soften(project, outcome.Findings));
        return new AuditResult
        {
            Input = input,
            Findings = findings,
            Unknowns = [.. Unknowns.Of(project, migrations), .. FindingScopes.Question(input, findings) is { } question ? [question] : Array.Empty<ReadinessUnknown>()],
            Suppressed = outcome.Suppressed,
            Ignored = outcome.Ignored,
            Baselined = outcome.Baselined,
            Rules = RuleCatalog.All.Select(r => r.ToSummary()).ToList(),
            Statistics = Count(input) with
            {
                Indexes = schema.IndexesDeclared,
                ForeignKeys = schema.ForeignKeys,
                AverageIndexesPerMigration = migrations.Count == 0 ? 0 : Math.Round(schema.IndexesDeclared / (double)migrations.Count, 2),
                Tables = schema.Schema.Tables.Count,
            },
            Elapsed = clock.Elapsed,
        };
    }

    /// <summary>
    /// audit --staged reads each migration as the commit will hold it: where the working tree has moved on since the file
    /// was staged, the index's text is substituted for the file's for the whole audit.
    /// </summary>
    private static void SubstituteStaged(string root, MigrationListing listing, ParsedModuleCache cache)
    {
        var byPath = listing.Migrations.DistinctBy(m => m.Path).ToDictionary(m => m.Path.Replace('\\', '/'), m => m.FullPath, StringComparer.Ordinal);
        var folders = listing.Migrations.Select(m => Path.GetDirectoryName(m.Path) is { Length: > 0 } folder ? folder : ".").Distinct(StringComparer.Ordinal).ToList();
        foreach (var (path, text) in StagedContents.Read(root, folders))
        {
            if (byPath.TryGetValue(path, out var full))
            {
                cache.Substitute(full, text);
            }
        }
    }

    /// <summary>
    /// Every rule's findings, in the catalog's order. The rules only read the audit's input, which no longer changes,
    /// and share nothing else (the lookup tables some build once per input are thread-safe), so they run on every
    /// core: by now the parsers and git are done, and on a large project the rules took half a second on one.
    /// </summary>
    private static List<Finding> Check(List<Rule> rules, AuditInput input)
    {
        var found = new List<Finding>[rules.Count];
        try
        {
            Parallel.For(0, rules.Count, i => found[i] = rules[i].Check(input).ToList());
        }
        catch (AggregateException error) when (error.InnerExceptions.Count > 0)
        {
            // What a rule throws surfaces as it would have on one thread, not wrapped.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error.InnerExceptions[0]).Throw();
        }

        return found.SelectMany(f => f).ToList();
    }

    /// <summary>
    /// With disableMigrationsListValidation Knex does not stop on a renamed migration: databases that ran the old name
    /// run the new one as a pending migration, after everything they applied. Replaying its up once more against the
    /// schema the chain leaves says whether that second run fails (a project may guard every statement on purpose).
    /// </summary>
    private static Dictionary<string, RerunReplay> Reruns(KnexProject project, GitHistory history, MigrationListing listing, SchemaReplay schema, ParsedModuleCache cache)
    {
        var reruns = new Dictionary<string, RerunReplay>(StringComparer.Ordinal);
        if (!project.Settings.DisableMigrationsListValidation || history.Renamed.Count == 0)
        {
            return reruns;
        }

        var byPath = listing.Migrations.ToDictionary(m => m.Path, StringComparer.Ordinal);
        foreach (var rename in history.Renamed)
        {
            if (byPath.TryGetValue(rename.NewPath, out var listed))
            {
                var again = SchemaReplayer.For(project, cache, schema.Schema).Step(new SchemaReplayer.Input(listed.Name, listed.FullPath));
                reruns[rename.NewName] = new RerunReplay(again.Up.Complete && again.Up.Total > 0, again.ChainProblems) { Unknowns = again.Unknowns };
            }
        }

        return reruns;
    }

    /// <summary>
    /// Deleted files whose last version exports neither up nor down: helper modules kept in the migration folder, which
    /// Knex never applied. Read in one git cat-file process; a version that cannot be read or parsed stays a deletion.
    /// </summary>
    private static HashSet<string> DeletedHelpers(string root, GitHistory history)
    {
        var helpers = new HashSet<string>(StringComparer.Ordinal);
        if (history.Facts.TopLevel is not { } top || history.Deleted.Count == 0)
        {
            return helpers;
        }

        var versions = GitRunner.CatFiles(top, history.Deleted.Select(d => GitObjects.LastVersion(d, root, top)).ToList());
        for (var i = 0; i < history.Deleted.Count; i++)
        {
            if (versions[i] is not { } bytes)
            {
                continue;
            }

            var module = MigrationModuleAnalyzer.AnalyzeText(System.Text.Encoding.UTF8.GetString(bytes), history.Deleted[i].Name);
            if (module is { ParseProblem: null, Up: null, Down: null, ExportsUnknown: false, DefaultExportLine: null })
            {
                helpers.Add(history.Deleted[i].Path);
            }
        }

        return helpers;
    }

    /// <summary>Names in backquotes in docs/deleted-migrations.md: the deletions and renames a team has documented, as <see cref="Quoting.Printable"/> shows them.</summary>
    private static HashSet<string> Documented(string root)
    {
        var path = Path.Combine(root, "docs", "deleted-migrations.md");
        if (!File.Exists(path))
        {
            return [];
        }

        return System.Text.RegularExpressions.Regex.Matches(SafeRead.TextOrFail(path, "the deletion record"), "`([^`]+)`").Select(m => m.Groups[1].Value.Replace("\\|", "|", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Knex's order over root-relative paths: by file name, or by directory first when sortDirsSeparately is set.</summary>
    private static Comparison<string> KnexOrder(MigrationSettings settings, Dictionary<string, int> directoryIndex)
    {
        if (settings.CustomSource is { } custom)
        {
            return (a, b) => MigrationOrdering.Compare(custom.Order, Path.GetFileName(a), Path.GetFileName(b));
        }

        if (!settings.SortDirsSeparately)
        {
            return (a, b) => string.CompareOrdinal(Path.GetFileName(a), Path.GetFileName(b));
        }

        int IndexOf(string path) => directoryIndex.TryGetValue((Path.GetDirectoryName(path) is { } parent ? PathText.WithSlashes(parent) : null) is { Length: > 0 } d ? d : ".", out var i) ? i : int.MaxValue;
        return (a, b) =>
        {
            var byDirectory = IndexOf(a).CompareTo(IndexOf(b));
            return byDirectory != 0 ? byDirectory : string.CompareOrdinal(Path.GetFileName(a), Path.GetFileName(b));
        };
    }

    public static Statistics Count(AuditInput input)
    {
        var migrations = input.Migrations;
        var unparseable = migrations.Count(m => m.Module.Format == MigrationFormat.Unparseable);
        var withDown = migrations.Count(m => m.Module.Format != MigrationFormat.Unparseable && (m.Module.HasDown || m.Module.ExportsUnknown));
        // audit --staged audits the project as the commit will leave it: what it stages counts as committed.
        var committed = migrations.Count(m => m.Git.State == TrackingState.Committed || (input.StagedCommitted && m.Git.Staged));
        return new Statistics
        {
            Active = migrations.Count,
            Committed = committed,
            Untracked = migrations.Count - committed,
            CosmeticEdits = input.CosmeticEdits.Count,
            Deleted = input.Deleted.Count,
            Renamed = input.Renamed.Count,
            WithDown = withDown,
            WithoutDown = migrations.Count - unparseable - withDown,
            Unparseable = unparseable,
        };
    }
}
