namespace MigAudit.Core;

/// <summary>
/// The order a migration source returns its list in. Knex runs a custom source's list in the order getMigrations()
/// returns it (migration-list-resolver.js does not sort), so this order is the order migrations run in.
/// </summary>
public enum MigrationOrder
{
    /// <summary>Knex's own FsMigrations: lodash sortBy on the file name, UTF-16 code unit order.</summary>
    KnexFileName,

    /// <summary>Array.prototype.sort() without a comparator: UTF-16 code unit order.</summary>
    StringSort,

    /// <summary>No sort: fs.readdir's order, which libuv sorts by strcmp (byte order) on Linux and macOS.</summary>
    ReaddirOrder,

    /// <summary>a.localeCompare(b): ICU collation, where punctuation sorts before digits and case is a tie-breaker.</summary>
    LocaleCompare,

    /// <summary>a.localeCompare(b, undefined, { numeric: true }): ICU collation with digit runs compared as numbers.</summary>
    NaturalLocaleCompare,

    /// <summary>A semver comparison of the leading x.y.z of each name.</summary>
    Semver,

    /// <summary>parseInt(a) - parseInt(b): the leading integer of each name; ties keep readdir order (sort is stable).</summary>
    Numeric,

    /// <summary>A comparator migaudit does not model: the order is unknown.</summary>
    Unknown,
}

/// <summary>What getMigrationName returns for a listed file: the name Knex records in its migrations table.</summary>
public enum RecordedNameForm
{
    FileName,
    WithoutExtension,
    Unknown,
}

public enum NameTestKind
{
    EndsWith,
    StartsWith,
    Includes,

    /// <summary>path.extname(name) is one of the values.</summary>
    ExtensionIn,

    /// <summary>The entry is a regular file (dirent.isFile(), fs.statSync(...).isFile()).</summary>
    IsFile,
}

/// <summary>One test of a custom source's filter, true when the name passes any of <see cref="AnyOf"/>.</summary>
public sealed record NameTest(NameTestKind Kind, IReadOnlyList<string> AnyOf, bool Negated = false)
{
    public bool Matches(string name, bool isFile)
    {
        var result = Kind switch
        {
            NameTestKind.EndsWith => AnyOf.Any(v => name.EndsWith(v, StringComparison.Ordinal)),
            NameTestKind.StartsWith => AnyOf.Any(v => name.StartsWith(v, StringComparison.Ordinal)),
            NameTestKind.Includes => AnyOf.Any(v => name.Contains(v, StringComparison.Ordinal)),
            NameTestKind.ExtensionIn => AnyOf.Contains(MigrationNames.Extension(name), StringComparer.Ordinal),
            _ => isFile,
        };
        return result != Negated;
    }
}

/// <summary>
/// A custom <c>migrationSource</c> as migaudit followed it, without running it: the folders its getMigrations()
/// reads, the filter and sort it applies, and what getMigrationName() records. Anything it could not follow is in
/// <see cref="Unknowns"/>, each with its file:line, and makes the list Knex runs unknown.
/// </summary>
public sealed record CustomMigrationSource
{
    /// <summary>The configuration's text, e.g. "new NaturalMigrationSource(...)".</summary>
    public required string Expression { get; init; }

    /// <summary>"class" (an instance of a class of the project) or "object" (an object literal with the three methods).</summary>
    public required string Kind { get; init; }

    /// <summary>Where getMigrations() is written (relative path and line), when found.</summary>
    public string? File { get; init; }
    public int? Line { get; init; }

    /// <summary>The folders getMigrations() lists, relative to the audited root, in the order it reads them.</summary>
    public IReadOnlyList<string> Folders { get; init; } = [];

    /// <summary>All tests must pass; empty with <see cref="FilterText"/> null: no filter, every file is a migration.</summary>
    public IReadOnlyList<NameTest> Filter { get; init; } = [];
    public string? FilterText { get; init; }

    public MigrationOrder Order { get; init; } = MigrationOrder.Unknown;

    /// <summary>The sort call (or "no sort"), with its file:line.</summary>
    public string OrderText { get; init; } = string.Empty;

    public RecordedNameForm NameForm { get; init; } = RecordedNameForm.Unknown;

    /// <summary>What could not be followed, each with file:line; empty when the list Knex runs is known.</summary>
    public IReadOnlyList<string> Unknowns => [.. FolderUnknowns, .. OtherUnknowns];

    /// <summary>Why the folders getMigrations() reads are unknown (a path built at run time, a glob, a list in code).</summary>
    public IReadOnlyList<string> FolderUnknowns { get; init; } = [];

    /// <summary>Why its filter, sort or recorded names are unknown.</summary>
    public IReadOnlyList<string> OtherUnknowns { get; init; } = [];

    public bool Known => FolderUnknowns.Count == 0 && OtherUnknowns.Count == 0;

    /// <summary>The source reading folders the user named (--migrations): its filter, sort and names still apply.</summary>
    public CustomMigrationSource WithFolders(IReadOnlyList<string> folders) => this with { Folders = folders, FolderUnknowns = [] };

    public bool Accepts(string name, bool isFile) => Filter.All(test => test.Matches(name, isFile));

    public string RecordedName(string fileName) => NameForm == RecordedNameForm.WithoutExtension
        ? fileName[..^MigrationNames.Extension(fileName).Length]
        : fileName;
}
