namespace MigAudit.Core;

/// <summary>Where the migration settings came from.</summary>
public enum ConfigSource
{
    Knexfile,
    MigrateCall,
    CommandLine,
    Convention,
}

/// <summary>The effective Knex migration settings for the audited environment, after Knex's defaults.</summary>
public sealed record MigrationSettings
{
    public static readonly IReadOnlyList<string> DefaultLoadExtensions =
        [".co", ".coffee", ".eg", ".iced", ".js", ".cjs", ".litcoffee", ".ls", ".ts"];

    public const string DefaultTableName = "knex_migrations";

    /// <summary>Directories relative to the audited root, '/' separators, in configuration order.</summary>
    public required IReadOnlyList<string> Directories { get; init; }
    public IReadOnlyList<string> LoadExtensions { get; init; } = DefaultLoadExtensions;
    public string TableName { get; init; } = DefaultTableName;
    public string? SchemaName { get; init; }
    public bool SortDirsSeparately { get; init; }
    public bool DisableMigrationsListValidation { get; init; }
    public bool DisableTransactions { get; init; }

    /// <summary>A custom migrationSource, which replaces Knex's own file listing, as migaudit followed it.</summary>
    public CustomMigrationSource? CustomSource { get; init; }

    /// <summary>The custom migrationSource's configuration text, e.g. "new NaturalMigrationSource(...)".</summary>
    public string? CustomMigrationSource => CustomSource?.Expression;
    public required ConfigSource Source { get; init; }

    /// <summary>
    /// Set when the configured folder is build output and its TypeScript sources are audited instead: the extension
    /// the names Knex records end in (".js"), where the audited files end in .ts.
    /// </summary>
    public string? RecordedExtension { get; init; }

    /// <summary>
    /// Set when migrations.loadExtensions is not one list of strings migaudit could read: <see cref="LoadExtensions"/>
    /// is then Knex's default list, an assumption, and this says what the knexfile has instead.
    /// </summary>
    public UnreadLoadExtensions? UnreadLoadExtensions { get; init; }

    /// <summary>File and line the settings were read from, when known.</summary>
    public string? SourceFile { get; init; }
    public int? SourceLine { get; init; }
}

/// <param name="Expression">The value as the knexfile writes it.</param>
/// <param name="Line">Its line in <see cref="MigrationSettings.SourceFile"/>, when known.</param>
/// <param name="Alternatives">The lists it can be, each with the condition it holds under, when only conditions migaudit cannot decide tell them apart; empty otherwise.</param>
public sealed record UnreadLoadExtensions(string Expression, int? Line, IReadOnlyList<LoadExtensionsChoice> Alternatives);

/// <param name="Condition">When the knexfile's loadExtensions take this value, with file:line.</param>
/// <param name="Extensions">The list under it.</param>
public sealed record LoadExtensionsChoice(string Condition, IReadOnlyList<string> Extensions);

public sealed record KnexfileInfo
{
    public required string Path { get; init; }
    public IReadOnlyList<string> Environments { get; init; } = [];

    /// <summary>True when the file exports one configuration without environment keys.</summary>
    public bool SingleConfiguration { get; init; }

    /// <summary>
    /// Set when the knexfile exports only the environment a variable names when Node loads it
    /// (<c>module.exports = configs[process.env.NODE_ENV]</c>): that variable. Knex's own --env does not set it.
    /// </summary>
    public string? EnvironmentVariable { get; init; }

    /// <summary>True when the file is an example knexfile (knexfile.example.js), used because the repository has no other.</summary>
    public bool Example { get; init; }
}

/// <summary>Everything discovery learned about the Knex project, before history and rules.</summary>
public sealed record KnexProject
{
    public required string Root { get; init; }
    public KnexfileInfo? Knexfile { get; init; }
    public string? Environment { get; init; }
    public required MigrationSettings Settings { get; init; }

    /// <summary>The database the migrations are compiled for: every report states it, and PostgreSQL-only claims need it.</summary>
    public DialectInfo Dialect { get; init; } = DialectInfo.NotStated;

    /// <summary>The schema unqualified table names resolve to: the first entry of the knexfile's searchPath, else public.</summary>
    public string DefaultSchema { get; init; } = "public";

    /// <summary>What the knexfile's wrapIdentifier does to the names the migrations write (the replay keeps them as written).</summary>
    public IdentifierTransform IdentifierTransform { get; init; } = IdentifierTransform.None;
    public IReadOnlyList<string> OtherKnexfiles { get; init; } = [];
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Why the project may add methods to knex's builders (a knex plugin, an extend() call), or null: then a call to a name knex lacks is its TypeError.</summary>
    public string? KnexExtendedBy { get; init; }

    /// <summary>The knexfile's module syntax is the other module system than the one Knex's CLI loads it with.</summary>
    public ModuleLoadProblem? KnexfileLoadProblem { get; init; }

    /// <summary>Why the migrations Knex would run cannot be known or listed: each is a blocking finding.</summary>
    public IReadOnlyList<SourceProblem> SourceProblems { get; init; } = [];

    /// <summary>What discovery could not read and had to assume (a knexfile not evaluated, an assumed folder): the verdict cannot be "ready".</summary>
    public IReadOnlyList<ReadinessUnknown> Unknowns { get; init; } = [];

    /// <summary>Where the audited migrations folder came from, and why.</summary>
    public SettingChoice FolderChoice { get; init; } = new(ChoiceSource.Knexfile, "the knexfile");

    /// <summary>Where the audited knexfile environment came from, and why; null without environments.</summary>
    public SettingChoice? EnvironmentChoice { get; init; }
}

/// <summary>
/// Something that stops migaudit from knowing which migrations Knex runs: a folder Knex cannot read (Knex then
/// fails too), a folder outside the project migaudit does not read, a knexfile that cannot load, a custom source.
/// </summary>
/// <param name="KnexFails">Knex itself fails here (the message quotes its error); otherwise only migaudit cannot know.</param>
/// <param name="Key">What the problem is about (a directory, the knexfile's loading, the migration source), for fingerprints.</param>
/// <param name="Blocking">False when migaudit went on with Knex's own default and says so (medium, not blocking).</param>
public sealed record SourceProblem(string? File, int? Line, string Message, bool KnexFails, string Key, bool Blocking = true);
