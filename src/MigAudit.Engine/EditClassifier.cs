using MigAudit.Core;
using MigAudit.Git;
using MigAudit.IO;
using MigAudit.Knex.JavaScript;
using MigAudit.Knex.Migrations;
using MigAudit.Knex.Schema;

namespace MigAudit.Engine;

/// <summary>
/// What each edit after a migration's first commit did, comparing that first version (read from git in one
/// cat-file process) with the file now: the same tokens (reformatting), the same replayed schema (function to arrow
/// function, CommonJS to ESM, another builder spelling), a different schema (which lines differ), or unknown (a
/// version the replay cannot follow in full). Each version is replayed on its own, from an empty schema, so tables
/// made before it are the same stand-ins for both.
/// </summary>
public static class EditClassifier
{
    private const int ShownDifferences = 6;

    public static Dictionary<string, EditClass> Classify(KnexProject project, GitHistory history, MigrationListing listing, ParsedModuleCache cache)
    {
        var classes = new Dictionary<string, EditClass>(StringComparer.Ordinal);
        if (history.Facts.TopLevel is not { } top)
        {
            return classes;
        }

        // A migration renamed or moved since its first commit had its first path then (git history names it; a move
        // between folders of the set, a restore, a .ts -> .js conversion before a move). Two chains can end at the same name (one
        // file renamed to it and deleted, another renamed to it later): the file there now is the latest chain's.
        var firstPaths = history.Renamed
            .GroupBy(r => r.NewPath, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(r => r.RenamedIn == "working-tree").ThenBy(r => r.Commit?.Date).Last().OldPath, StringComparer.Ordinal);
        var root = project.Root;
        var edited = listing.Migrations
            .Where(m => history.Files.TryGetValue(m.Path, out var git) && git.EditedIn.Count > 0 && git.Added is not null)
            .Select(m => (Migration: m, FirstPath: history.Files[m.Path].FirstPath ?? firstPaths.GetValueOrDefault(m.Path, m.Path)))
            .Select(e => (e.Migration, e.FirstPath, Commit: history.Files[e.Migration.Path].Added!.Id, InRepository: PathText.WithSlashes(Path.GetRelativePath(top, Path.Combine(root, e.FirstPath)))))
            .Select(e => (e.Migration, e.FirstPath, e.Commit, e.InRepository, Object: $"{e.Commit}:{e.InRepository}"))
            .ToList();
        if (edited.Count == 0)
        {
            return classes;
        }

        var first = GitRunner.CatFiles(top, edited.Select(e => e.Object).ToList());

        // Each edited migration is compared on its own: spread over every core (the replays share only the parse cache).
        var results = new EditClass[edited.Count];
        Parallel.For(0, edited.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var migration = edited[i].Migration;
            string now;
            try
            {
                now = SafeRead.Text(migration.FullPath);
            }
            catch (UnreadableFileException error)
            {
                results[i] = new EditClass(EditKind.Unknown, $"the file cannot be read ({error.Message})");
                return;
            }

            if (first[i] is not { } bytes)
            {
                results[i] = new EditClass(EditKind.Unknown, "its first version cannot be read from git");
                return;
            }

            var before = System.Text.Encoding.UTF8.GetString(bytes);
            var modules = ModuleIdentities.Of(top, edited[i].Commit, edited[i].InRepository, migration.FullPath, before, now);
            results[i] = Classify(project, cache, migration, MigrationNames.Extension(edited[i].FirstPath), before, now, modules);
        });
        for (var i = 0; i < edited.Count; i++)
        {
            classes[edited[i].Migration.Path] = results[i];
        }

        return classes;
    }

    /// <param name="firstExtension">The first version's extension (".ts" before a conversion to JavaScript), which decides how it is parsed.</param>
    /// <param name="modules">The module each require/import path names in each version (by content), for paths that differ.</param>
    private static EditClass Classify(KnexProject project, ParsedModuleCache cache, ListedMigration migration, string firstExtension, string before, string now, Func<bool, string, string?>? modules)
    {
        if (CodeEquivalence.SameTokens(before, now))
        {
            return new EditClass(EditKind.Cosmetic, "the same code once comments, whitespace, punctuation style, unused function expression names and the layout of raw SQL are set aside");
        }

        if (modules is not null && CodeEquivalence.SameTokens(before, now, modules))
        {
            return new EditClass(EditKind.Cosmetic, "the same code once formatting is set aside, and its changed require paths name modules with the same content");
        }

        var classified = ClassifyByReplay(project, cache, migration, firstExtension, before, now);
        if (!GuardEdits.OnlyAddsGuards(before, now, migration.Name, modules))
        {
            return classified;
        }

        // Replayed alone from an empty database a guard passes, so the statements match; on a database where the table
        // already exists they would not: the same schema, not the same statements.
        return classified.ChangesNothing
            ? new EditClass(EditKind.SameSchema, "the edit only adds guards; replayed from an empty database both versions send the same statements") { GuardsOnly = true }
            : classified with { GuardsOnly = true };
    }

    private static EditClass ClassifyByReplay(KnexProject project, ParsedModuleCache cache, ListedMigration migration, string firstExtension, string before, string now)
    {
        // The first version is parsed under a name beside the file, so its relative requires resolve as the file's do.
        var directory = Path.GetDirectoryName(migration.FullPath)!;
        var firstPath = Path.Combine(directory, $".{MigrationNames.Stem(migration.Name)}.migaudit-first-version{firstExtension}");
        cache.Put(firstPath, before);
        try
        {
            var old = Replay(project, cache, migration.Name, firstPath, "the first version");
            var current = Replay(project, cache, migration.Name, migration.FullPath, "the current version");
            if ((old.Unknown ?? current.Unknown) is { } why)
            {
                return new EditClass(EditKind.Unknown, why);
            }

            var up = SchemaFingerprint.Difference(old.Up, current.Up).Select(d => "after the up " + d).ToList();
            List<string> down = (old.Down, current.Down) switch
            {
                (null, null) => [],
                (null, _) => ["the first version had no down; the current one has"],
                (_, null) => ["the first version had a down; the current one has none"],
                var (firstDown, currentDown) => SchemaFingerprint.Difference(firstDown, currentDown).Select(d => "after the down " + d).ToList(),
            };
            List<string> differences = [.. up, .. down];
            if (differences.Count == 0 && SameStatements(old.UpStatements, current.UpStatements) && SameStatements(old.DownStatements, current.DownStatements) &&
                CodeEquivalence.CalledMethods(before).SequenceEqual(CodeEquivalence.CalledMethods(now), StringComparer.Ordinal))
            {
                return new EditClass(EditKind.Cosmetic, "other code, but the same statements once replayed, in the up and in the down (Knex's aliases such as default/defaultTo compile to the same SQL)");
            }

            return differences.Count == 0
                ? new EditClass(EditKind.SameSchema, "other code, but the same schema once replayed, after the up and after the down")
                : new EditClass(EditKind.SchemaChanging, string.Join("; ", differences.Take(ShownDifferences)) + (differences.Count > ShownDifferences ? $"; and {differences.Count - ShownDifferences} more" : string.Empty))
                {
                    OnlyDown = up.Count == 0,
                };
        }
        finally
        {
            cache.Evict(firstPath);
            cache.Evict(migration.FullPath);
        }
    }

    private sealed record Version(SchemaModel Up, SchemaModel? Down, string? Unknown)
    {
        public IReadOnlyList<LockOperation> UpStatements { get; init; } = [];

        public IReadOnlyList<LockOperation> DownStatements { get; init; } = [];
    }

    /// <summary>
    /// The same statements in the same order, wherever they are written (line numbers set aside). A record compares a
    /// list member by reference, so the primary key's column list is compared by its items.
    /// </summary>
    private static bool SameStatements(IReadOnlyList<LockOperation> first, IReadOnlyList<LockOperation> current) =>
        first.Count == current.Count && first.Zip(current).All(pair =>
            pair.First with { Line = 0, NullableColumns = [] } == pair.Second with { Line = 0, NullableColumns = [] } &&
            pair.First.NullableColumns.SequenceEqual(pair.Second.NullableColumns, StringComparer.Ordinal));

    private static Version Replay(KnexProject project, ParsedModuleCache cache, string name, string path, string version)
    {
        var replayer = SchemaReplayer.For(project, cache);
        var step = replayer.Step(new SchemaReplayer.Input(name, path));
        string? unknown = step switch
        {
            { Skipped: { } skipped } => $"{version} cannot be replayed ({skipped})",
            { Up.Gaps: [var gap, ..] } => $"{version}'s up is not fully understood (line {gap.Line}: {gap.Reason})",
            // An up that throws (a method knex does not have) ran nowhere as written: databases hold some other version.
            _ when step.ChainProblems.FirstOrDefault(p => p.RunTimeError) is { } thrown => $"{version}'s up throws when knex runs it (line {thrown.Line}: {thrown.Message}), so no database applied it as written",
            { Down.Gaps: [var gap, ..] } => $"{version}'s down is not fully understood (line {gap.Line}: {gap.Reason})",
            // Replayed alone, every table made earlier is a stand-in "created outside": the same for both versions.
            _ when step.Unknowns.FirstOrDefault(u => u.Because.Reason != Uncertainty.CreatedOutside) is { } undecided =>
                $"{version} has a statement whose outcome is unknown (line {undecided.Line}: {undecided.Message})",
            _ when replayer.Current.Unknown is { } whole => $"{version} leaves the schema unknown (line {whole.Line}: {whole.Reason})",
            _ when replayer.Current.UnknownTables.Count > 0 => $"{version} leaves table {replayer.Current.UnknownTables.Keys.Order(StringComparer.Ordinal).First()} unknown",
            _ => null,
        };
        return new Version(replayer.Current, replayer.LastDownSchema, unknown) { UpStatements = step.Operations, DownStatements = replayer.LastDownOperations };
    }
}
