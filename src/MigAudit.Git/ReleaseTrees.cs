namespace MigAudit.Git;

/// <summary>
/// What each release's tree holds in the migration folders of the set (the current ones and those the migrations
/// moved from), by file name: Knex records only the name, so a release "shipped" a migration when its tree holds a
/// file of that name in one of them, whatever the tag's ancestry. One <c>git for-each-ref</c> names the tags and their
/// trees; one <c>git diff-tree --stdin</c> lists every distinct tree against the empty tree, streamed.
/// </summary>
internal sealed class ReleaseTrees
{
    private readonly Dictionary<string, List<(int Tree, string Blob)>> held = new(StringComparer.Ordinal);
    private readonly int[] treeOfTag;

    private ReleaseTrees(IReadOnlyList<string> tags, int[] treeOfTag)
    {
        Tags = tags;
        this.treeOfTag = treeOfTag;
    }

    /// <summary>The release tags, oldest first (by creation date, as git sorts them).</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>The tags whose tree holds a file of one of <paramref name="names"/>, oldest first.</summary>
    public List<string> Holding(IEnumerable<string> names)
    {
        var trees = names.SelectMany(n => held.TryGetValue(n, out var entries) ? entries.Select(e => e.Tree) : []).ToHashSet();
        return Tags.Where((_, i) => trees.Contains(treeOfTag[i])).ToList();
    }

    /// <summary>The tags whose tree holds <paramref name="name"/> with content other than <paramref name="blob"/>: an earlier (or other) version.</summary>
    public List<string> HoldingOtherThan(string name, string blob)
    {
        var trees = held.TryGetValue(name, out var entries) ? entries.Where(e => e.Blob != blob).Select(e => e.Tree).ToHashSet() : [];
        return Tags.Where((_, i) => trees.Contains(treeOfTag[i])).ToList();
    }

    /// <summary>Reads the trees of the tags matching <paramref name="pattern"/>; null when there are none.</summary>
    /// <param name="pathspecs">The set's migration folders, relative to <paramref name="root"/>.</param>
    /// <param name="isMigration">Whether a git path (from the top level) is a migration file of the set.</param>
    /// <param name="names">The file names asked about: only those are kept.</param>
    public static ReleaseTrees? Read(string root, string pattern, IReadOnlyList<string> pathspecs, Func<string, bool> isMigration, ISet<string> names)
    {
        var refs = GitRunner.Run(root, "for-each-ref", "--sort=creatordate", "--format=%(refname:short)%00%(tree)%00%(*tree)", pattern);
        if (!refs.Ok)
        {
            return null;
        }

        var tags = new List<string>();
        var trees = new List<string>();
        var treeIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var treeOfTag = new List<int>();
        foreach (var line in refs.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // A lightweight tag names a commit (its tree), an annotated one a tag object (the tree of what it points at).
            var fields = line.Split('\0');
            var tree = fields.Length == 3 ? fields[1].Length > 0 ? fields[1] : fields[2] : string.Empty;
            if (!treeIndex.TryGetValue(tree, out var index) && tree.Length > 0)
            {
                index = trees.Count;
                treeIndex[tree] = index;
                trees.Add(tree);
            }

            // A tag of no commit (a blob, a tree of its own) holds no release: it keeps its place with no tree.
            tags.Add(fields[0]);
            treeOfTag.Add(tree.Length > 0 ? index : -1);
        }

        if (tags.Count == 0)
        {
            return null;
        }

        var result = new ReleaseTrees(tags, [.. treeOfTag]);
        if (trees.Count == 0)
        {
            return result;
        }

        var empty = trees[0].Length == 64 ? "6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321" : "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
        var input = string.Join(string.Empty, trees.Select(t => $"{empty} {t}\n"));
        GitRunner.Stream(root, input, reader =>
        {
            // Each tree's listing starts with the question's line ("<empty> <tree>\n"), then "-z" records
            // ":000000 <mode> <zero> <blob> A\0<path>\0".
            var current = -1;
            string? meta = null;
            foreach (var field in StreamedFields.Split(reader, '\0', skipEmpty: false))
            {
                if (meta is null)
                {
                    // A tree with nothing in the folders may print its question line with no record after it: the
                    // last question line before the record is the record's tree.
                    var newline = field.LastIndexOf('\n');
                    if (newline >= 0)
                    {
                        var question = field[..newline];
                        var pair = question[(question.LastIndexOf('\n') + 1)..].Split(' ');
                        current = pair.Length == 2 && treeIndex.TryGetValue(pair[1], out var t) ? t : -1;
                        meta = field[(newline + 1)..];
                    }
                    else
                    {
                        meta = field;
                    }

                    continue;
                }

                var path = field;
                var blob = meta.Split(' ') is { Length: >= 4 } parts ? parts[3] : string.Empty;
                meta = null;
                var name = path[(path.LastIndexOf('/') + 1)..];
                if (current >= 0 && names.Contains(name) && isMigration(path))
                {
                    if (!result.held.TryGetValue(name, out var entries))
                    {
                        result.held[name] = entries = [];
                    }

                    entries.Add((current, blob));
                }
            }

            return 0;
        }, ["--literal-pathspecs", "diff-tree", "--stdin", "-r", "-z", "--no-renames", "--", .. pathspecs]);
        return result;
    }
}
