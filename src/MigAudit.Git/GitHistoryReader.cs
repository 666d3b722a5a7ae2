using MigAudit.IO;
using System.Security.Cryptography;
using System.Text;
using MigAudit.Core;

namespace MigAudit.Git;

/// <summary>What the history reader needs to know about the Knex project.</summary>
public sealed record HistoryRequest
{
    /// <summary>The audited root; git may start above it.</summary>
    public required string Root { get; init; }

    /// <summary>Migration directories relative to <see cref="Root"/>.</summary>
    public required IReadOnlyList<string> Directories { get; init; }
    public required IReadOnlyList<string> LoadExtensions { get; init; }

    /// <summary>Root-relative paths of the migration files Knex will load now.</summary>
    public required IReadOnlyList<string> ActivePaths { get; init; }

    /// <summary>Knex's execution order over root-relative paths (file name order, or per directory).</summary>
    public required Comparison<string> KnexOrder { get; init; }

    /// <summary>The branch whose first-parent line is the mainline (default: HEAD).</summary>
    public string? Mainline { get; init; }

    /// <summary>Which tags are releases, as a glob on the tag name (default: every tag).</summary>
    public string? ReleaseTags { get; init; }
}

public sealed record GitHistory
{
    public required GitFacts Facts { get; init; }
    public IReadOnlyDictionary<string, MigrationGitInfo> Files { get; init; } = new Dictionary<string, MigrationGitInfo>();
    public IReadOnlyList<DeletedMigration> Deleted { get; init; } = [];
    public IReadOnlyList<RenamedMigration> Renamed { get; init; } = [];

    /// <summary>Migration files that existed only on branches merged later (added and removed before the merge): never on the mainline, so no database built from it ran them.</summary>
    public IReadOnlyList<string> BranchOnly { get; init; } = [];

    /// <summary>Extensions Knex no longer loads that history converted into loaded ones (".ts" in a .ts -> .js conversion).</summary>
    public IReadOnlyList<string> ConvertedExtensions { get; init; } = [];
}

/// <summary>
/// Reads the history of the migration folders along the mainline, the first-parent line of the audited branch:
/// a merged branch counts through its merge commit only, diffed against the mainline before it, so a file added
/// and removed inside a branch never existed for any database built from the mainline. One <c>git log</c> pass
/// (renames followed with -M), plus <c>ls-tree</c> for the branch and <c>status</c> for the working tree, derive
/// for every migration name whether it is committed, untracked, deleted, renamed, edited after its first commit,
/// or arrived late (by the time it reached the mainline). When the history has merges, a second pass lists the
/// migration files that only ever lived on branches.
/// </summary>
public static class GitHistoryReader
{
    public static GitHistory Read(HistoryRequest request)
    {
        // The questions that depend on nothing else, asked at once. The log waits only for the first: where the
        // repository is and which commit the mainline is (one rev-parse: each git process is a few milliseconds).
        // The first of them also starts GitRunner's read of the repository's filter and diff driver names, which
        // status and log wait for; it runs beside the rev-parse.
        var root = request.Root;
        var mainline = request.Mainline ?? "HEAD";
        var tagPattern = request.ReleaseTags is null ? "refs/tags" : "refs/tags/" + request.ReleaseTags;
        var whereTask = GitRunner.Start(root, "rev-parse", "--show-toplevel", "--show-prefix", "--is-shallow-repository", "--verify", "-q", "--end-of-options", mainline + "^{commit}");
        var branchTask = GitRunner.Start(root, "symbolic-ref", "-q", "--short", "HEAD");
        var newestTagTask = GitRunner.Start(root, "for-each-ref", "--sort=-creatordate", "--count=1", "--format=%(refname:short)", tagPattern);
        GitOutput where;
        try
        {
            where = whereTask.GetAwaiter().GetResult();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return new GitHistory { Facts = GitFacts.NotARepository with { Limitations = ["git is not installed: history cannot be read"] } };
        }

        // "<top level>\n<prefix>\n<shallow>\n<commit>\n". A mainline that is no commit (an unborn branch, a bad name) makes
        // --verify -q exit 1 after the first three lines; outside a repository git exits 128.
        var lines = where.Stdout.Split('\n');
        if (!(where.Ok || where.ExitCode == 1 && lines.Length >= 3))
        {
            return new GitHistory { Facts = GitFacts.NotARepository };
        }

        var topLevel = lines[0];
        var prefix = lines[1];
        var shallow = lines[2] == "true";
        var tip = where.Ok && lines.Length > 3 && lines[3].Length > 0 ? lines[3] : null;
        if (tip is null && request.Mainline is not null)
        {
            throw new ProjectException($"mainline '{Quoting.Printable(request.Mainline)}' is not a branch or commit of this repository");
        }

        var hasCommits = tip is not null;
        var context = new PathContext(prefix, request);
        var pathspecs = request.Directories.Select(d => d == "." ? "." : d).ToArray();

        // The working tree, the tip's tree and the newest release's tree are read while the log is.
        var statusTask = GitRunner.Start(root, ["--literal-pathspecs", "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--", .. pathspecs]);
        var treeTask = tip is null ? null : GitRunner.Start(root, ["--literal-pathspecs", "ls-tree", "-r", "-z", "--full-name", tip, "--", .. pathspecs]);
        var logTask = tip is null ? null : OwnThread.Run(() => ReadLog(root, tip, pathspecs));
        var newestTag = newestTagTask.GetAwaiter().GetResult();
        var latestTag = newestTag.Ok && newestTag.Stdout.Trim() is { Length: > 0 } tag ? tag : null;
        var branch = branchTask.GetAwaiter().GetResult();

        var limitations = new List<string>();
        if (!hasCommits)
        {
            limitations.Add("the repository has no commits: every migration is untracked and there is no history");
        }

        if (shallow)
        {
            limitations.Add("shallow clone: history before the oldest fetched commit is missing, so deleted, renamed, edited and late migrations may be incomplete (run 'git fetch --unshallow')");
        }

        if (hasCommits && !branch.Ok && request.Mainline is null)
        {
            limitations.Add($"detached HEAD at {tip![..10]}: the history audited is that commit's, not a branch's");
        }

        var headFiles = new Dictionary<string, string>(StringComparer.Ordinal);
        var commits = new List<CommitChanges>();
        HashSet<string>? branchOnly = null;
        if (tip is not null)
        {
            var tree = treeTask!.GetAwaiter().GetResult();
            foreach (var entry in tree.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries))
            {
                // "<mode> blob <oid>\t<path>"
                var tab = entry.IndexOf('\t');
                var meta = entry[..tab].Split(' ');
                var path = context.ToRootRelative(entry[(tab + 1)..]);
                if (path is not null && context.IsCandidate(path))
                {
                    headFiles[path] = meta[2];
                }
            }

            var log = logTask!.GetAwaiter().GetResult();
            commits.AddRange(log.Result);
            if (log.ExitCode != 0)
            {
                // git log stops at the first object it cannot read. In a partial clone that is one never fetched:
                // git would fetch it from the promisor remote the repository's configuration names, which migaudit
                // does not let it do (GitRunner), so the history read ends there.
                var reason = log.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? $"exit code {log.ExitCode}";
                limitations.Add($"git log stopped after {commits.Count} commit{(commits.Count == 1 ? string.Empty : "s")} ({Quoting.Printable(reason)}): the history after them is missing, so deleted, renamed, edited and late migrations may be incomplete" +
                                (reason.Contains("promisor remote", StringComparison.Ordinal) ? " (a partial clone: migaudit fetches no missing object; audit a clone made without --filter)" : string.Empty));
            }

            // Only a merge on the mainline (one that touched the migrations: the log is path-limited) can bring a
            // branch that hid migrations; then one more pass lists every migration ever added, anywhere.
            if (commits.Any(c => c.IsMerge) &&
                GitRunner.Run(root, ["--literal-pathspecs", "log", "--full-history", "--diff-filter=A", "--no-renames", "-z", "--name-only", "--format=", tip, "--", .. pathspecs]) is { Ok: true } added)
            {
                branchOnly = added.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries).Select(context.ToRootRelative).OfType<string>().Where(context.IsCandidate).ToHashSet(StringComparer.Ordinal);
            }
        }

        var worktree = ParseStatus(statusTask.GetAwaiter().GetResult().Stdout, context);

        var facts = new GitFacts
        {
            IsRepository = true,
            TopLevel = topLevel,
            IsShallow = shallow,
            IsDetached = hasCommits && !branch.Ok,
            HasCommits = hasCommits,
            Head = tip,
            Branch = request.Mainline ?? (branch.Ok ? branch.Stdout.Trim() : null),
            CommitsRead = commits.Count,
            NewestRelease = latestTag,
            Limitations = limitations,
        };
        // A .ts -> .js conversion that also changed loadExtensions: the old names were migrations Knex loaded and
        // databases recorded, so history follows them too.
        var converted = ConvertedExtensions(commits, request.LoadExtensions);
        if (converted.Count > 0)
        {
            context = new PathContext(prefix, request, converted);
        }

        // Folders the migrations lived in before the current ones: their history is the migrations' history too, read
        // in another pass over all of the set's folders (only when there are such folders). A chain of moves (a → b → c)
        // shows its next folder back only in the history that includes the folder after it: a few rounds, each only
        // when the last one found a folder.
        var former = new List<string>();
        for (var round = 0; round < MaxFormerFolderRounds && tip is not null; round++)
        {
            var known = CurrentGitFolders(prefix, request.Directories);
            known.UnionWith(former.Select(f => prefix + f));
            var found = FormerFolders.Find(root, SuspectArrivals(commits, context, request.KnexOrder), known)
                .Where(f => f.StartsWith(prefix, StringComparison.Ordinal) || prefix.Length == 0)
                .Select(f => prefix.Length == 0 ? f : f[prefix.Length..].TrimEnd('/'))
                .Where(f => f.Length > 0 && !former.Contains(f, StringComparer.Ordinal))
                .ToList();
            if (found.Count == 0)
            {
                break;
            }

            former.AddRange(found);
            former.Sort(StringComparer.Ordinal);
            context = new PathContext(prefix, request, converted, former);
            var allPathspecs = pathspecs.Concat(former).ToArray();
            var full = GitRunner.Stream(root, reader => GitLogParser.Parse(reader).ToList(),
                ["--literal-pathspecs", "log", "--first-parent", "--diff-merges=first-parent", "--reverse", "-z", "--name-status", "-M", GitLogParser.Format, tip!, "--", .. allPathspecs]);
            if (full.ExitCode != 0)
            {
                break;
            }

            commits = full.Result;
            facts = facts with { CommitsRead = commits.Count, FormerDirectories = [.. former] };
        }

        var history = WithMoves(root, prefix, request.Directories, WithReleases(root, tagPattern, latestTag, context, [.. pathspecs, .. former], headFiles, Derive(request, context, facts, headFiles, commits, worktree))) with { ConvertedExtensions = converted };
        if (branchOnly is null)
        {
            return history;
        }

        // Every path the mainline ever had (added, renamed to or from, deleted) is not branch-only.
        foreach (var change in commits.SelectMany(c => c.Changes))
        {
            foreach (var path in new[] { change.Path, change.OldPath })
            {
                if (path is not null && context.ToRootRelative(path) is { } relative)
                {
                    branchOnly.Remove(relative);
                }
            }
        }

        branchOnly.ExceptWith(headFiles.Keys);
        branchOnly.ExceptWith(request.ActivePaths);
        return history with { BranchOnly = branchOnly.Order(StringComparer.Ordinal).ToList() };
    }

    /// <summary>Where a path's file is after the same-name moves that followed it (a cycle stops where it closes).</summary>
    private static string Followed(string path, Dictionary<string, string> movedTo)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { path };
        while (movedTo.TryGetValue(path, out var next) && seen.Add(next))
        {
            path = next;
        }

        return path;
    }

    /// <summary>At most this many rounds look for former folders (each one more log pass, only when the last found one).</summary>
    private const int MaxFormerFolderRounds = 3;

    /// <summary>The current migration folders as git paths (from the repository's top level, "" for it).</summary>
    private static HashSet<string> CurrentGitFolders(string prefix, IReadOnlyList<string> directories) =>
        directories.Select(d => (prefix + (d == "." ? string.Empty : d.TrimEnd('/'))).TrimEnd('/')).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The commits where a move into the current folders would be mistaken for new migrations: those that add
    /// several at once, or one that sorts before a migration already committed. Those with a late one first.
    /// </summary>
    private static List<(string Commit, IReadOnlyList<string> Paths)> SuspectArrivals(List<CommitChanges> commits, PathContext context, Comparison<string> knexOrder)
    {
        var suspects = new List<(string Commit, IReadOnlyList<string> Paths, bool Late)>();
        string? latest = null;
        foreach (var (commit, changes, _) in commits)
        {
            var added = changes.Where(c => c.Kind is ChangeKind.Added or ChangeKind.Copied || c.Kind == ChangeKind.Renamed && !(c.OldPath is { } old && context.ToRootRelative(old) is { } o && context.IsCandidate(o)))
                .Select(c => (Git: c.Path, Relative: context.ToRootRelative(c.Path)))
                .Where(a => a.Relative is not null && context.IsCandidate(a.Relative))
                .ToList();
            if (added.Count == 0)
            {
                continue;
            }

            // A move shows here as additions: either migrations that sort before ones the folders already had (late),
            // or the folders' first migrations arriving together. Several migrations added after the newest one
            // are what a project adds every day; looking for a former folder there would cost git processes for nothing.
            var late = latest is not null && added.Any(a => knexOrder(a.Relative!, latest) < 0);
            if (late || added.Count > 1 && latest is null)
            {
                suspects.Add((commit.Id, added.Select(a => a.Git).ToList(), late));
            }

            foreach (var (_, relative) in added)
            {
                if (latest is null || knexOrder(relative!, latest) > 0)
                {
                    latest = relative;
                }
            }
        }

        return suspects.OrderByDescending(s => s.Late).ThenByDescending(s => s.Paths.Count).Select(s => (s.Commit, s.Paths)).ToList();
    }

    private static readonly string[] ScriptExtensions = [".js", ".cjs", ".mjs", ".ts", ".cts", ".mts", ".coffee", ".litcoffee"];

    /// <summary>
    /// Extensions the project no longer loads that a commit converted, file by file, into one it loads now: the same
    /// folder and name, another extension (git's rename, or a deletion and an addition in one commit).
    /// </summary>
    private static IReadOnlyList<string> ConvertedExtensions(List<CommitChanges> commits, IReadOnlyList<string> loadExtensions)
    {
        var converted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var commit in commits)
        {
            var deleted = commit.Changes.Where(c => c.Kind == ChangeKind.Deleted).Select(c => c.Path)
                .Concat(commit.Changes.Where(c => c.Kind == ChangeKind.Renamed && c.OldPath is not null).Select(c => c.OldPath!))
                .Where(p => !loadExtensions.Contains(MigrationNames.Extension(p), StringComparer.Ordinal) && ScriptExtensions.Contains(MigrationNames.Extension(p)))
                .ToList();
            if (deleted.Count == 0)
            {
                continue;
            }

            var added = commit.Changes.Where(c => c.Kind is ChangeKind.Added or ChangeKind.Renamed && loadExtensions.Contains(MigrationNames.Extension(c.Path), StringComparer.Ordinal))
                .Select(c => MigrationNames.Stem(c.Path)).ToHashSet(StringComparer.Ordinal);
            converted.UnionWith(deleted.Where(p => added.Contains(MigrationNames.Stem(p))).Select(MigrationNames.Extension));
        }

        return converted.Order(StringComparer.Ordinal).ToList();
    }

    private sealed class PathContext(string prefix, HistoryRequest request, IReadOnlyList<string>? converted = null, IReadOnlyList<string>? former = null)
    {
        private readonly HashSet<string> directories = request.Directories.Concat(former ?? []).Select(d => d.TrimEnd('/')).ToHashSet(StringComparer.Ordinal);
        private readonly HashSet<string> extensions = [.. request.LoadExtensions, .. converted ?? []];

        public string? ToRootRelative(string gitPath) =>
            prefix.Length == 0 ? gitPath : gitPath.StartsWith(prefix, StringComparison.Ordinal) ? gitPath[prefix.Length..] : null;

        public string ToGit(string rootRelative) => prefix + rootRelative;

        /// <summary>A direct child of a migration directory with an extension Knex loads.</summary>
        public bool IsCandidate(string path)
        {
            var slash = path.LastIndexOf('/');
            var directory = slash < 0 ? "." : path[..slash];
            return directories.Contains(directory) && extensions.Contains(MigrationNames.Extension(path[(slash + 1)..]));
        }
    }

    private sealed record WorktreeEntry(char Index, char Worktree);

    private static Dictionary<string, WorktreeEntry> ParseStatus(string output, PathContext context)
    {
        var entries = new Dictionary<string, WorktreeEntry>(StringComparer.Ordinal);
        foreach (var item in output.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            if (item.Length < 4)
            {
                continue;
            }

            var path = context.ToRootRelative(item[3..]);
            if (path is not null)
            {
                entries[path] = new WorktreeEntry(item[0], item[1]);
            }
        }

        return entries;
    }

    /// <summary>Everything history says about one path, following it through renames.</summary>
    private sealed class Trail
    {
        public CommitRef? Added { get; set; }
        public List<CommitRef> Edits { get; } = [];
        public CommitRef? LastTouched { get; set; }
        public CommitRef? DeletedBy { get; set; }
        public string? RenamedTo { get; set; }
        public LateArrival? Late { get; set; }

        /// <summary>The path in another folder of the set that this one was copied or moved from.</summary>
        public string? MovedFrom { get; set; }

        /// <summary>The path it had in <see cref="Added"/>'s commit (its first version is there).</summary>
        public string? AddedAs { get; set; }
    }

    /// <summary>
    /// A file that took over a name the set had before (a move, a copy, a restore) and whose content may differ from the
    /// version it continues: <paramref name="Before"/> and <paramref name="After"/> name both blobs as git accepts them.
    /// </summary>
    private sealed record Continuation(string Name, CommitRef Commit, string Before, string After);

    private static GitHistory Derive(HistoryRequest request, PathContext context, GitFacts facts, Dictionary<string, string> headFiles,
        List<CommitChanges> commits, Dictionary<string, WorktreeEntry> worktree)
    {
        var trails = new Dictionary<string, Trail>(StringComparer.Ordinal);
        var renames = new List<RenamedMigration>();
        string? latestCommitted = null;
        CommitRef? latestCommittedIn = null;

        // Knex records a migration's file name, never its folder: the path that holds a name now, in any folder of the
        // set's history, is that migration (a move between folders keeps its record).
        var holders = new Dictionary<string, string>(StringComparer.Ordinal);
        string Current(string path) => holders.TryGetValue(Path.GetFileName(path), out var holder) ? holder : path;

        // Names whose file left the set in an earlier commit, with that file's path and the commit that removed it: a file
        // of the name added later (a revert re-landed, a folder brought back from a submodule, a move in two commits) is
        // that migration restored. Databases that recorded the name keep its row; they never run the file again.
        var departed = new Dictionary<string, (string Path, CommitRef By)>(StringComparer.Ordinal);
        var continuations = new List<Continuation>();

        // Same-name moves between folders of the set (path → the path it moved to): a rename's new path follows them,
        // so a .ts → .js conversion in a former folder names the file where it is now, and chains on through it.
        var movedTo = new Dictionary<string, string>(StringComparer.Ordinal);

        foreach (var (commit, rawChanges, _) in commits)
        {
            var changes = OrderDeletionsFirst(PairExtensionRenames(SplitDifferentMigrations(rawChanges)));
            var arrivals = new List<string>();
            // Names whose file this commit deleted: an addition of the same name in it is the same migration moved.
            var leaving = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var change in changes)
            {
                var path = context.ToRootRelative(change.Path);
                var oldPath = change.OldPath is null ? null : context.ToRootRelative(change.OldPath);
                var isCandidate = path is not null && context.IsCandidate(path);
                var wasCandidate = oldPath is not null && context.IsCandidate(oldPath);

                switch (change.Kind)
                {
                    case ChangeKind.Added or ChangeKind.Copied when isCandidate:
                    case ChangeKind.Renamed when isCandidate && !wasCandidate:
                        if (MovedHere(path!) is { } earlier)
                        {
                            // Copied, moved or restored from the set's history: its record, first commit, first path and
                            // edits carry over. Whether the file's content changed on the way is checked below, in one
                            // git process for all of them (an R100 pair cannot have changed).
                            var carried = new Trail
                            {
                                Added = earlier.Trail.Added,
                                AddedAs = earlier.Trail.AddedAs ?? earlier.Path,
                                LastTouched = commit,
                                Late = earlier.Trail.Late,
                                MovedFrom = earlier.Path == path ? earlier.Trail.MovedFrom : earlier.Trail.MovedFrom ?? earlier.Path,
                            };
                            carried.Edits.AddRange(earlier.Trail.Edits);
                            trails[path!] = carried;
                            holders[Path.GetFileName(path!)] = path!;
                            if (change is not { Kind: ChangeKind.Renamed or ChangeKind.Copied, Similarity: 100 })
                            {
                                carried.Edits.Add(commit);
                                continuations.Add(new Continuation(Path.GetFileName(path!), commit, earlier.Before, $"{commit.Id}:{context.ToGit(path!)}"));
                            }

                            break;
                        }

                        trails[path!] = new Trail { Added = commit, AddedAs = path, LastTouched = commit };
                        holders[Path.GetFileName(path!)] = path!;
                        arrivals.Add(path!);
                        break;
                    case ChangeKind.Modified or ChangeKind.TypeChanged when isCandidate:
                        var trail = Get(trails, path!);
                        trail.Edits.Add(commit);
                        trail.LastTouched = commit;
                        break;
                    case ChangeKind.Deleted when isCandidate:
                        Leave(path!);
                        break;
                    case ChangeKind.Renamed when wasCandidate && isCandidate:
                        var moved = trails.Remove(oldPath!, out var existing) ? existing : new Trail();
                        var sameName = Path.GetFileName(oldPath!) == Path.GetFileName(path!);
                        if (!sameName)
                        {
                            trails[oldPath!] = new Trail { Added = moved.Added, AddedAs = moved.AddedAs, LastTouched = moved.LastTouched, RenamedTo = path, DeletedBy = commit };
                            renames.Add(new RenamedMigration
                            {
                                OldName = Path.GetFileName(oldPath!),
                                NewName = Path.GetFileName(path!),
                                OldPath = oldPath!,
                                NewPath = path!,
                                RenamedIn = commit.Id,
                                Commit = commit,
                                OldAddedIn = moved.Added,
                            });
                        }

                        if (change.Similarity < 100)
                        {
                            moved.Edits.Add(commit);
                        }

                        moved.LastTouched = commit;
                        moved.DeletedBy = null;
                        holders.Remove(Path.GetFileName(oldPath!));
                        holders[Path.GetFileName(path!)] = path!;
                        if (sameName)
                        {
                            moved.MovedFrom ??= oldPath;
                            movedTo[oldPath!] = path!;
                        }

                        if (!sameName && moved.Late is { ArrivedAs: null } late)
                        {
                            // It ran late under its old name; the rename itself is reported as a rename.
                            moved.Late = late with { ArrivedAs = Path.GetFileName(oldPath!) };
                        }

                        trails[path!] = moved;
                        break;
                    case ChangeKind.Renamed when wasCandidate:
                        // Moved out of the migration folders (an "archive" folder, say): Knex no longer lists it.
                        Leave(oldPath!);
                        break;
                }
            }

            // A file of a name another folder of the set still holds (a copy made earlier, not yet deleted) is no
            // deletion: Knex still lists the name.
            void Leave(string gone)
            {
                var trail = Get(trails, gone);
                trail.DeletedBy = commit;
                var name = Path.GetFileName(gone);
                if (holders.TryGetValue(name, out var holder) && holder != gone && trails.TryGetValue(holder, out var live) && live.DeletedBy is null)
                {
                    trail.RenamedTo = holder;
                    return;
                }

                holders.Remove(name);
                leaving[name] = gone;
            }

            // The same name earlier in the set: held now in another folder (a copy), deleted by this very commit (a move
            // git did not pair, or one across folders outside the log's rename detection), or by an earlier one (a restore).
            (string Path, Trail Trail, string Before)? MovedHere(string arrived)
            {
                var name = Path.GetFileName(arrived);
                if (leaving.Remove(name, out var left) && trails.TryGetValue(left, out var gone))
                {
                    gone.RenamedTo = arrived;
                    movedTo[left] = arrived;
                    return (left, gone, $"{commit.Id}^:{context.ToGit(left)}");
                }

                if (holders.TryGetValue(name, out var holder) && holder != arrived && trails.TryGetValue(holder, out var live) && live.DeletedBy is null)
                {
                    return (holder, live, $"{commit.Id}:{context.ToGit(holder)}");
                }

                if (departed.Remove(name, out var earlier) && trails.TryGetValue(earlier.Path, out var restored))
                {
                    if (earlier.Path != arrived)
                    {
                        restored.RenamedTo = arrived;
                        movedTo[earlier.Path] = arrived;
                    }

                    return (earlier.Path, restored, $"{earlier.By.Id}^:{context.ToGit(earlier.Path)}");
                }

                return null;
            }

            // A name this commit removed and no file of it came back in: it may come back later.
            foreach (var (name, gone) in leaving)
            {
                departed[name] = (gone, commit);
            }

            // Late arrivals: a migration added after one that sorts later was already committed runs out of order
            // on every database that applied the later one. Comparing with the running maximum keeps this linear.
            // The later migration is compared where it lives now: a move does not change where Knex sorts it.
            latestCommitted = latestCommitted is null ? null : Current(latestCommitted);
            if (arrivals.Count > 0 && latestCommitted is not null && !holders.ContainsKey(Path.GetFileName(latestCommitted)))
            {
                // The later migration left the set before these arrived: a database that applied it fails Knex's list
                // validation ("The migration directory is corrupt") before running anything, which the deletion's
                // finding reports; the arrivals are late only by a migration the set still holds. Recomputed only
                // when the newest has left, and then from the names held.
                latestCommitted = null;
                latestCommittedIn = null;
                var arrived = arrivals.ToHashSet(StringComparer.Ordinal);
                foreach (var held in holders.Values)
                {
                    if (!arrived.Contains(held) && trails.TryGetValue(held, out var live) && (latestCommitted is null || request.KnexOrder(held, latestCommitted) > 0))
                    {
                        latestCommitted = held;
                        latestCommittedIn = live.Added;
                    }
                }
            }

            foreach (var arrival in arrivals)
            {
                if (latestCommitted is not null && request.KnexOrder(arrival, latestCommitted) < 0)
                {
                    trails[arrival].Late = new LateArrival(Path.GetFileName(latestCommitted), latestCommittedIn);
                }
            }

            foreach (var arrival in arrivals)
            {
                if (latestCommitted is null || request.KnexOrder(arrival, latestCommitted) > 0)
                {
                    latestCommitted = arrival;
                    latestCommittedIn = commit;
                }
            }
        }

        DropUnchangedContinuations(facts.TopLevel, continuations, trails);
        var active = request.ActivePaths.ToHashSet(StringComparer.Ordinal);
        var files = new Dictionary<string, MigrationGitInfo>(StringComparer.Ordinal);
        foreach (var path in request.ActivePaths)
        {
            var inHead = headFiles.ContainsKey(path);
            trails.TryGetValue(path, out var trail);
            worktree.TryGetValue(path, out var entry);
            var late = inHead ? trail?.Late : null;
            if (!inHead && latestCommitted is not null && request.KnexOrder(path, latestCommitted) < 0)
            {
                late = new LateArrival(Path.GetFileName(latestCommitted), latestCommittedIn);
            }

            files[path] = new MigrationGitInfo
            {
                State = inHead ? TrackingState.Committed : TrackingState.Untracked,
                Staged = !inHead && entry is { Index: 'A' },
                Added = inHead ? trail?.Added : null,
                EditedIn = inHead && trail is not null ? trail.Edits : [],
                ModifiedInWorkingTree = inHead && entry is not null && (entry.Index == 'M' || entry.Worktree == 'M'),
                Late = late,
                MovedFrom = inHead ? trail?.MovedFrom : null,
                FirstPath = inHead && trail?.AddedAs is { } first && first != path ? first : null,
            };
        }

        var deleted = new List<DeletedMigration>();

        // Deleted in the working tree only: in HEAD, not on disk. An untracked file with the same content or the
        // same name but another extension is the same migration renamed, not a deletion.
        var untracked = request.ActivePaths.Where(p => !headFiles.ContainsKey(p)).ToList();
        var untrackedHashes = untracked.ToDictionary(p => p, p => BlobId(Path.Combine(request.Root, p)), StringComparer.Ordinal);
        foreach (var (path, blob) in headFiles.Where(h => !active.Contains(h.Key)).OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            var stem = MigrationNames.Stem(Path.GetFileName(path));
            var successor = untracked.FirstOrDefault(u => untrackedHashes[u] == blob) ??
                            untracked.FirstOrDefault(u => MigrationNames.Stem(Path.GetFileName(u)) == stem);
            trails.TryGetValue(path, out var trail);
            if (successor is not null && Path.GetFileName(successor) != Path.GetFileName(path))
            {
                renames.Add(new RenamedMigration
                {
                    OldName = Path.GetFileName(path),
                    NewName = Path.GetFileName(successor),
                    OldPath = path,
                    NewPath = successor,
                    RenamedIn = "working-tree",
                    OldAddedIn = trail?.Added,
                });
                continue;
            }

            deleted.Add(new DeletedMigration
            {
                Name = Path.GetFileName(path),
                Path = path,
                DeletedIn = "working-tree",
                LastCommitWithFile = trail?.LastTouched,
                AddedIn = trail?.Added,
            });
        }

        foreach (var (path, trail) in trails.Where(t => t.Value.DeletedBy is not null && t.Value.RenamedTo is null).OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            if (active.Contains(path) || headFiles.ContainsKey(path))
            {
                continue;
            }

            deleted.Add(new DeletedMigration
            {
                Name = Path.GetFileName(path),
                Path = path,
                DeletedIn = trail.DeletedBy!.Id,
                DeletionCommit = trail.DeletedBy,
                LastCommitWithFile = trail.LastTouched,
                AddedIn = trail.Added,
            });
        }

        // A rename is only a problem while the old name is gone: renamed back, or restored, it is harmless.
        var liveRenames = renames.Where(r => !active.Contains(r.OldPath)).Select(r => r with { NewPath = Followed(r.NewPath, movedTo) }).ToList();
        var (chained, resolved) = RenameChains.Resolve(liveRenames, deleted, active);

        // Knex's list validation compares names only: a deleted file whose name a listed migration still has is missing
        // from no database's list (a folder moved with its knexfile, or a copy kept where the knexfile now points).
        var activeNames = request.ActivePaths.Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        var deletions = resolved.Where(d => !activeNames.Contains(d.Name)).ToList();
        return new GitHistory { Facts = facts, Files = files, Deleted = deletions.OrderBy(d => d.Name, StringComparer.Ordinal).ToList(), Renamed = chained };
    }

    /// <summary>At most this many deleting commits get repository-wide rename detection (all in one git process).</summary>
    private const int MaxMoveChecks = 10_000;

    /// <summary>
    /// The log is limited to the migration folders, so a migration moved elsewhere shows as deleted there. For the
    /// commits that delete a migration (only those), a diff of the whole tree against the first parent, with git's
    /// rename detection, says where it went.
    /// </summary>
    /// <summary>
    /// The mainline's commits that touched the migration folders, oldest first. git log --reverse walks the whole
    /// history before it prints the first commit and then reads every tree it diffs a second time (about a tenth more
    /// CPU than the same log newest first, on 25,000 commits), so the log is read newest first and turned around here:
    /// --reverse prints exactly the same commits in the opposite order. Only when git stops early (an object a partial
    /// clone never fetched) is the log read again with --reverse, so that the commits read are the oldest ones and
    /// what is missing is the history after them.
    /// </summary>
    private static (int ExitCode, List<CommitChanges> Result, string Stderr) ReadLog(string root, string tip, string[] pathspecs)
    {
        (int ExitCode, List<CommitChanges> Result, string Stderr) Log(params string[] order) => GitRunner.Stream(root, reader => GitLogParser.Parse(reader).ToList(),
            ["--literal-pathspecs", "log", "--first-parent", "--diff-merges=first-parent", .. order, "-z", "--name-status", "-M", GitLogParser.Format, tip, "--", .. pathspecs]);

        var newestFirst = Log();
        if (newestFirst.ExitCode != 0)
        {
            return Log("--reverse");
        }

        newestFirst.Result.Reverse();
        return newestFirst;
    }

    private static GitHistory WithMoves(string root, string prefix, IReadOnlyList<string> directories, GitHistory history)
    {
        var migrationFolders = directories.Select(d => prefix + (d == "." ? string.Empty : d.TrimEnd('/'))).Select(d => d.TrimEnd('/')).ToHashSet(StringComparer.Ordinal);
        var commits = history.Deleted.Where(d => d.DeletionCommit is not null).Select(d => d.DeletionCommit!.Id).Distinct().Take(MaxMoveChecks).ToList();
        if (commits.Count == 0)
        {
            return history;
        }

        // One git process for all of them: diff-tree reads the commits on stdin and prints each one's id before its changes.
        var moves = new Dictionary<string, string>(StringComparer.Ordinal);
        var requested = commits.ToHashSet(StringComparer.Ordinal);
        var diff = GitRunner.RunWithInput(root, string.Join('\n', commits) + "\n", "diff-tree", "--stdin", "-r", "-z", "-M", "--name-status", "--diff-merges=first-parent");
        var fields = diff.Ok ? diff.Stdout.Split('\0') : [];
        string? commit = null;
        for (var i = 0; i < fields.Length; i++)
        {
            var field = fields[i];
            if (requested.Contains(field))
            {
                commit = field;
                continue;
            }

            if (commit is null || field.Length == 0)
            {
                continue;
            }

            var paired = field[0] is 'R' or 'C';
            if (field[0] == 'R' && i + 2 < fields.Length)
            {
                // A move keeps the file (its name, or all of its content), and lands outside the migration
                // folders: a similar file added beside it is another migration, as the folder's own log says.
                var (from, to) = (fields[i + 1], fields[i + 2]);
                var kept = Path.GetFileName(from) == Path.GetFileName(to) || field == "R100";
                if (kept && !migrationFolders.Contains(Path.GetDirectoryName(to) ?? string.Empty))
                {
                    moves[commit + "\0" + from] = to;
                }
            }

            i += paired ? 2 : 1;
        }

        return history with
        {
            Deleted = history.Deleted.Select(d => d.DeletionCommit is { } by && moves.TryGetValue(by.Id + "\0" + prefix + d.Path, out var to)
                ? d with { MovedTo = to.StartsWith(prefix, StringComparison.Ordinal) ? to[prefix.Length..] : "/" + to }
                : d).ToList(),
        };
    }

    /// <summary>
    /// Release labels, by tree: a release shipped a migration when its tree holds a file of a name databases recorded
    /// for it, in a migration folder of the set (<see cref="ReleaseTrees"/>). A deleted migration: the releases holding
    /// any of its names; a renamed one: those holding an earlier name; an edited one: those holding its name with other
    /// content than HEAD's; a late one: those holding the later migration and not it. Each migration is also labelled
    /// with the newest release when that release's tree holds it.
    /// </summary>
    private static GitHistory WithReleases(string root, string pattern, string? newestTag, PathContext context, IReadOnlyList<string> pathspecs,
        IReadOnlyDictionary<string, string> headFiles, GitHistory history)
    {
        if (newestTag is null)
        {
            return history;
        }

        var edited = history.Files.Where(f => f.Value.EditedIn.Count > 0 && f.Value.Added is not null && headFiles.ContainsKey(f.Key)).Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
        var names = history.Files.Keys.Select(Path.GetFileName).OfType<string>()
            .Concat(history.Deleted.SelectMany(d => d.AllNames))
            .Concat(history.Renamed.SelectMany(r => r.EarlierNames))
            .Concat(history.Files.Values.Select(f => f.Late?.LaterMigration).OfType<string>())
            .ToHashSet(StringComparer.Ordinal);
        var trees = ReleaseTrees.Read(root, pattern, pathspecs, path => context.ToRootRelative(path) is { } relative && context.IsCandidate(relative), names);
        if (trees is null)
        {
            return history;
        }

        var newest = trees.Tags.Contains(newestTag, StringComparer.Ordinal) ? newestTag : trees.Tags[^1];

        // The releases that have run since a deletion or rename: tags that contain the changing commit and whose tree no
        // longer holds any of the names (a later tag that brought the name back did not run without it). Containment is
        // ancestry, one "git for-each-ref --contains" per distinct changing commit; there are few of those.
        var containing = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        List<string> Since(string? commit, IEnumerable<string> gone)
        {
            if (commit is null)
            {
                return [];
            }

            if (!containing.TryGetValue(commit, out var tags))
            {
                var result = GitRunner.Run(root, "for-each-ref", "--sort=creatordate", "--format=%(refname:short)", "--contains", commit, pattern);
                tags = result.Ok ? result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList() : [];
                containing[commit] = tags;
            }

            return tags.Except(trees.Holding(gone), StringComparer.Ordinal).ToList();
        }
        return history with
        {
            Deleted = history.Deleted.Select(d => d with { Releases = trees.Holding(d.AllNames), ReleasesSince = Since(d.DeletionCommit?.Id, d.AllNames) }).ToList(),
            Renamed = history.Renamed.Select(r => r with
            {
                Releases = trees.Holding(r.EarlierNames),
                ReleasesByName = r.EarlierNames.Distinct(StringComparer.Ordinal).ToDictionary(n => n, n => (IReadOnlyList<string>)trees.Holding([n]), StringComparer.Ordinal),
                ReleasesSince = Since(r.Commit?.Id, r.EarlierNames),
            }).ToList(),
            Files = history.Files.ToDictionary(f => f.Key, f =>
            {
                var name = Path.GetFileName(f.Key);
                var own = f.Value.Late?.ArrivedAs is { } arrivedAs ? new[] { name, arrivedAs } : [name];
                return f.Value with
                {
                    EarlierVersionReleases = edited.Contains(f.Key) ? trees.HoldingOtherThan(name, headFiles[f.Key]) : f.Value.EarlierVersionReleases,
                    Late = f.Value.Late is { LaterCommit: not null } late ? late with { Releases = trees.Holding([late.LaterMigration]).Except(trees.Holding(own), StringComparer.Ordinal).ToList() } : f.Value.Late,
                    ShippedInRelease = trees.Holding([name]).Contains(newest, StringComparer.Ordinal) ? newest : null,
                };
            }, StringComparer.Ordinal),
        };
    }

    /// <summary>
    /// Git pairs a deleted and an added file as a rename when their contents are merely similar (50% by default), and
    /// two migrations written from one template often are. A pair whose content changed and whose version differs is
    /// two migrations, one deleted and one added: calling it a rename would lead to an UPDATE of the migrations table
    /// that marks the new, never-run migration as applied. Identical content (a pure renumbering) stays a rename.
    /// </summary>
    private static IReadOnlyList<FileChange> SplitDifferentMigrations(IReadOnlyList<FileChange> changes)
    {
        if (!changes.Any(IsDifferentMigration))
        {
            return changes;
        }

        return changes.SelectMany(c => IsDifferentMigration(c)
            ? new[] { new FileChange(ChangeKind.Deleted, c.OldPath!, null, 0), new FileChange(ChangeKind.Added, c.Path, null, 0) }
            : [c]).ToList();
    }

    /// <summary>
    /// A move, copy or restore counted as an edit until its content is compared with the version it continues: those with
    /// the same blob are no edit, and are taken back out of every trail of the name (a later move copies the edits). One
    /// <c>git cat-file --batch-check</c> for all of them; a blob git cannot name keeps the edit (its version is unknown).
    /// </summary>
    private static void DropUnchangedContinuations(string? root, List<Continuation> continuations, Dictionary<string, Trail> trails)
    {
        if (continuations.Count == 0 || root is null)
        {
            return;
        }

        var asked = continuations.Where(c => !c.Before.Contains('\n') && !c.After.Contains('\n')).ToList();
        var answer = GitRunner.RunWithInput(root, string.Concat(asked.Select(c => $"{c.Before}\n{c.After}\n")), "cat-file", "--batch-check=%(objectname)");
        if (!answer.Ok)
        {
            return;
        }

        var lines = answer.Stdout.Split('\n');
        var unchanged = new HashSet<(string Name, string Commit)>();
        for (var i = 0; i < asked.Count && 2 * i + 1 < lines.Length; i++)
        {
            var (before, after) = (lines[2 * i], lines[2 * i + 1]);
            if (before == after && !before.EndsWith(" missing", StringComparison.Ordinal))
            {
                unchanged.Add((asked[i].Name, asked[i].Commit.Id));
            }
        }

        if (unchanged.Count == 0)
        {
            return;
        }

        foreach (var (path, trail) in trails)
        {
            var name = Path.GetFileName(path);
            trail.Edits.RemoveAll(e => unchanged.Contains((name, e.Id)));
        }
    }

    /// <summary>A commit's deletions before its additions, so an addition can see the same name leaving another folder.</summary>
    private static IReadOnlyList<FileChange> OrderDeletionsFirst(IReadOnlyList<FileChange> changes) =>
        changes.Any(c => c.Kind == ChangeKind.Deleted) ? [.. changes.Where(c => c.Kind == ChangeKind.Deleted), .. changes.Where(c => c.Kind != ChangeKind.Deleted)] : changes;

    private static bool IsDifferentMigration(FileChange change) =>
        change is { Kind: ChangeKind.Renamed, Similarity: < 100, OldPath: { } oldPath } &&
        MigrationNames.VersionOf(Path.GetFileName(oldPath)) != MigrationNames.VersionOf(Path.GetFileName(change.Path));

    /// <summary>
    /// Git pairs a deletion and an addition as a rename only when the contents are similar; converting a
    /// migration from TypeScript to JavaScript often rewrites it. The same folder and name stem in one commit
    /// is the same migration for Knex's purposes, so treat it as a rename.
    /// </summary>
    private static IReadOnlyList<FileChange> PairExtensionRenames(IReadOnlyList<FileChange> changes)
    {
        var deletions = changes.Where(c => c.Kind == ChangeKind.Deleted).ToList();
        var additions = changes.Where(c => c.Kind == ChangeKind.Added).ToList();
        if (deletions.Count == 0 || additions.Count == 0)
        {
            return changes;
        }

        static string Key(string path) => MigrationNames.Stem(path);
        var pairs = new Dictionary<FileChange, FileChange>();
        foreach (var deletion in deletions)
        {
            var addition = additions.FirstOrDefault(a => !pairs.ContainsValue(a) && Key(a.Path) == Key(deletion.Path) && a.Path != deletion.Path);
            if (addition is not null)
            {
                pairs[deletion] = addition;
            }
        }

        if (pairs.Count == 0)
        {
            return changes;
        }

        var paired = pairs.Values.ToHashSet();
        return changes
            .Where(c => !paired.Contains(c))
            .Select(c => pairs.TryGetValue(c, out var addition) ? new FileChange(ChangeKind.Renamed, addition.Path, c.Path, 0) : c)
            .ToList();
    }

    private static Trail Get(Dictionary<string, Trail> trails, string path)
    {
        if (!trails.TryGetValue(path, out var trail))
        {
            // First seen as modified or deleted: its addition is before the history we have (shallow clone).
            trail = new Trail();
            trails[path] = trail;
        }

        return trail;
    }

    /// <summary>The object id git gives a file's content ("blob &lt;size&gt;\0" + bytes, SHA-1).</summary>
    public static string BlobId(string path)
    {
        try
        {
            var content = SafeRead.Bytes(path);
            var header = Encoding.ASCII.GetBytes($"blob {content.Length}\0");
            return Convert.ToHexStringLower(SHA1.HashData([.. header, .. content]));
        }
        catch (UnreadableFileException)
        {
            return string.Empty;
        }
    }
}
