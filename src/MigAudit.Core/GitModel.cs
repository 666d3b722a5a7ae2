namespace MigAudit.Core;

public sealed record CommitRef(string Id, string Author, DateTimeOffset Date, string Subject)
{
    public string ShortId => Id.Length > 10 ? Id[..10] : Id;
}

public enum TrackingState
{
    /// <summary>Tracked in HEAD and present on disk.</summary>
    Committed,

    /// <summary>Present on disk but not in HEAD (possibly staged).</summary>
    Untracked,

    /// <summary>No git history could be read.</summary>
    Unknown,
}

/// <summary>What git says about one active migration file.</summary>
public sealed record MigrationGitInfo
{
    public static readonly MigrationGitInfo Unknown = new() { State = TrackingState.Unknown };

    public required TrackingState State { get; init; }
    public bool Staged { get; init; }
    public CommitRef? Added { get; init; }
    public IReadOnlyList<CommitRef> EditedIn { get; init; } = [];
    public bool ModifiedInWorkingTree { get; init; }

    /// <summary>Set when the file was added (committed or on disk) after a migration that sorts later had already been committed.</summary>
    public LateArrival? Late { get; init; }

    /// <summary>
    /// For an edited migration: the release tags that shipped an earlier version (they hold its first commit, not its
    /// last edit), oldest first; null when the repository has no release tags.
    /// </summary>
    public IReadOnlyList<string>? EarlierVersionReleases { get; init; }

    /// <summary>
    /// The newest release tag whose tree holds the file: wherever that release is deployed, the migration has already
    /// run. Null when no release holds it, or the repository has no release tags.
    /// </summary>
    public string? ShippedInRelease { get; init; }

    /// <summary>
    /// The path in another migrations folder of the set it was moved or copied from, the first one history shows (same
    /// file name: Knex records only the name, so databases keep its row). Null when it never moved.
    /// </summary>
    public string? MovedFrom { get; init; }

    /// <summary>
    /// The root-relative path the migration had in its <see cref="Added"/> commit, when that differs from its path now
    /// (a move between folders of the set, an extension conversion, a restore elsewhere): its first version is read there.
    /// </summary>
    public string? FirstPath { get; init; }
}

/// <param name="ArrivedAs">The name the migration arrived late under, when a rename gave it its current name later.</param>
public sealed record LateArrival(string LaterMigration, CommitRef? LaterCommit, string? ArrivedAs = null)
{
    /// <summary>The release tags that shipped the later migration before this one arrived; null when the repository has no release tags.</summary>
    public IReadOnlyList<string>? Releases { get; init; }
}

public sealed record DeletedMigration
{
    public required string Name { get; init; }
    public required string Path { get; init; }

    /// <summary>"working-tree", or the id of the commit that deleted it.</summary>
    public required string DeletedIn { get; init; }
    public CommitRef? DeletionCommit { get; init; }
    public CommitRef? LastCommitWithFile { get; init; }

    /// <summary>The commit that brought the file to the mainline, when history has it.</summary>
    public CommitRef? AddedIn { get; init; }

    /// <summary>The release tags whose tree held the file, oldest first; null when the repository has no release tags (then whether production has it is a question for --applied).</summary>
    public IReadOnlyList<string>? Releases { get; init; }

    /// <summary>
    /// The release tags that contain the deleting commit, oldest first: production ran them after the deletion and lived
    /// with it. Empty when no release has the deletion yet (the next deploy carries it); null without release tags.
    /// </summary>
    public IReadOnlyList<string>? ReleasesSince { get; init; }

    /// <summary>Names the file had before it was renamed to <see cref="Name"/>, oldest first: databases may record any of them.</summary>
    public IReadOnlyList<string> FormerNames { get; init; } = [];

    /// <summary>Every name a database that applied this migration may have recorded.</summary>
    public IEnumerable<string> AllNames => FormerNames.Append(Name);

    /// <summary>Where the deleting commit moved the file, out of the migration folders (repository-wide rename detection), if it did.</summary>
    public string? MovedTo { get; init; }
}

public sealed record RenamedMigration
{
    public required string OldName { get; init; }
    public required string NewName { get; init; }
    public required string OldPath { get; init; }
    public required string NewPath { get; init; }

    /// <summary>"working-tree", or the id of the commit that renamed it.</summary>
    public required string RenamedIn { get; init; }
    public CommitRef? Commit { get; init; }

    /// <summary>The commit that brought the old name to the mainline, when history has it.</summary>
    public CommitRef? OldAddedIn { get; init; }

    /// <summary>The release tags whose tree held the old name, oldest first; null when the repository has no release tags.</summary>
    public IReadOnlyList<string>? Releases { get; init; }

    /// <summary>The release tags that contain the renaming commit, oldest first (see <see cref="DeletedMigration.ReleasesSince"/>).</summary>
    public IReadOnlyList<string>? ReleasesSince { get; init; }

    /// <summary>Names between the old and the new one when it was renamed more than once (A → B → C: [B]).</summary>
    public IReadOnlyList<string> IntermediateNames { get; init; } = [];

    /// <summary>Every name a database may have recorded for it before the current one.</summary>
    public IEnumerable<string> EarlierNames => IntermediateNames.Prepend(OldName);

    /// <summary>
    /// For each earlier name, the release tags whose tree held it (a chain's names shipped in different releases),
    /// oldest first; null when the repository has no release tags.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? ReleasesByName { get; init; }

    /// <summary>
    /// The names each kind of database recorded before the current one, as the knexfile of <see cref="RecordedAt"/>
    /// loaded the files (an extension chosen by a condition, TypeScript run from tsc's build); null when migaudit did
    /// not read it (no TypeScript earlier name) or could not: then any earlier name may have been recorded.
    /// </summary>
    public IReadOnlyList<RecordedNames>? RecordedBy { get; init; }

    /// <summary>The commit whose knexfile <see cref="RecordedBy"/> was read from: the newest release that held the old name, else the rename's parent.</summary>
    public string? RecordedAt { get; init; }

    /// <summary>The earlier names some kind of database recorded that differ from the current name: all of them when <see cref="RecordedBy"/> is not known.</summary>
    public IReadOnlyList<string> StaleNames => RecordedBy is { } kinds
        ? kinds.SelectMany(k => k.Names).Where(n => n != NewName).Distinct(StringComparer.Ordinal).ToList()
        : EarlierNames.ToList();
    public bool ExtensionOnly => System.IO.Path.GetFileNameWithoutExtension(OldName) == System.IO.Path.GetFileNameWithoutExtension(NewName);
}

/// <summary>
/// What one kind of database recorded for a migration before its current name: Knex records the name of the file it
/// loaded, and which files it loads is the knexfile's loadExtensions, which a knexfile may choose by a condition
/// (<c>isDev ? 'ts' : 'js'</c>); a database migrated from tsc's build (outDir) loaded the compiled .js files.
/// </summary>
/// <param name="Condition">When the knexfile's loadExtensions take this value ("always" when they have one).</param>
/// <param name="Where">The knexfile and line the value was read from (knexfile.ts:4).</param>
/// <param name="LoadExtensions">The extensions Knex loaded under it.</param>
/// <param name="Recorded">The names such databases may have recorded, each with the earlier (source) name it stands for.</param>
/// <param name="OutDir">The tsc build's output folder (root-relative) when they ran the build: the names are the compiled files'.</param>
public sealed record RecordedNames(string Condition, string Where, IReadOnlyList<string> LoadExtensions, IReadOnlyList<RecordedName> Recorded, string? OutDir)
{
    public bool Compiled => OutDir is not null;
    public IEnumerable<string> Names => Recorded.Select(r => r.Name);
}

/// <param name="Name">The name Knex recorded.</param>
/// <param name="Source">The earlier file name in the repository it was recorded from (x.ts for a compiled x.js).</param>
public sealed record RecordedName(string Name, string Source);

/// <summary>What could be learned about the repository itself, and what could not.</summary>
public sealed record GitFacts
{
    public static readonly GitFacts NotARepository = new()
    {
        IsRepository = false,
        Limitations = ["not a git repository: committed, untracked, deleted, renamed, edited and late migrations cannot be known"],
    };

    public required bool IsRepository { get; init; }
    public string? TopLevel { get; init; }
    public bool IsShallow { get; init; }
    public bool IsDetached { get; init; }
    public bool HasCommits { get; init; }
    public string? Head { get; init; }
    public string? Branch { get; init; }
    public int CommitsRead { get; init; }

    /// <summary>The newest release tag (by creation date), or null when the repository has none: then whether production has a commit cannot be told from history.</summary>
    public string? NewestRelease { get; init; }

    /// <summary>Folders (root-relative) that held the migrations before they moved to the current ones; their history is read too.</summary>
    public IReadOnlyList<string> FormerDirectories { get; init; } = [];
    public IReadOnlyList<string> Limitations { get; init; } = [];
}
