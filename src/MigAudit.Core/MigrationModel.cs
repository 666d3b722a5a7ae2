namespace MigAudit.Core;

public enum ModuleSystem
{
    CommonJs,
    EsModule,
    Unknown,
}

public enum MigrationFormat
{
    /// <summary>Exports up/down functions that work through the knex object Knex passes in.</summary>
    Knex,

    /// <summary>Does its work without the knex object (db.query, a required pg pool or app db module).</summary>
    NonKnex,

    /// <summary>Cannot be parsed: Knex fails to load it.</summary>
    Unparseable,
}

public enum NonKnexKind
{
    /// <summary>Calls a method the knex object does not have on the parameter Knex passes, e.g. <c>db.query</c>: a TypeError at run time.</summary>
    MissingMethodOnKnexParameter,

    /// <summary>Runs SQL through a client the file builds or requires itself: outside Knex's migration transaction and connection.</summary>
    ExternalClient,
}

public sealed record NonKnexUse(int Line, string Expression, NonKnexKind Kind, string? ClientSource);

public sealed record ExportedFunction
{
    public required int Line { get; init; }
    public string? ParameterName { get; init; }

    /// <summary>The body does nothing: no statements, or only returns a resolved promise.</summary>
    public bool IsEmpty { get; init; }

    /// <summary>The export exists but is not (statically) a function, e.g. <c>exports.down = null</c>.</summary>
    public bool IsFunction { get; init; } = true;
    public IReadOnlyList<NonKnexUse> NonKnexUses { get; init; } = [];
}

/// <param name="Kind">What went wrong, so callers need not read it from the message.</param>
public sealed record ParseProblem(int Line, int Column, string Message, bool KnexFailsToo, ParseProblemKind Kind = ParseProblemKind.Syntax);

public enum ParseProblemKind
{
    /// <summary>The text is not JavaScript Node accepts (a syntax error, conflict markers, binary content, a broken link).</summary>
    Syntax,

    /// <summary>The file could not be read at all (permission, a FIFO or a device): Node cannot load it either.</summary>
    Unreadable,

    /// <summary>The file is larger than migaudit reads; Knex may well load it.</summary>
    TooLarge,

    /// <summary>The syntax is beyond migaudit's budget (nesting depth, node count); Knex may well load it.</summary>
    NotAnalysed,
}

/// <summary>Whether Node's rejection of a module holds on every Node version, or only on some.</summary>
public enum ModuleLoadCertainty
{
    /// <summary>Every Node version rejects it (or every version the project declares).</summary>
    Certain,

    /// <summary>Node 20.19+ and 22.12+ load it (require(esm)); older versions reject it, and the project does not say which it runs.</summary>
    DependsOnNodeVersion,

    /// <summary>
    /// Plain Node rejects it, but the project shows a require hook that compiles ES module syntax (babel-node,
    /// @babel/register, esm, ts-node, tsx, sucrase), under which knex may well be run: whether Knex loads it is unknown.
    /// </summary>
    DependsOnLoader,
}

/// <summary>
/// A module Knex loads (a migration, the knexfile) whose syntax belongs to the other module system: Knex import()s
/// .mjs files and, in a "type": "module" package, everything but .cjs; it require()s the rest (knex
/// lib/migrations/util/import-file.js), and Node decides how it reads the file from its extension and the nearest
/// package.json.
/// </summary>
/// <param name="Line">The line of the construct Node rejects first.</param>
/// <param name="Construct">What is rejected, as written: "exports", "require", "export", "import".</param>
/// <param name="NodeError">The first line of the error Node throws (with the versions, when it depends on them).</param>
/// <param name="LoadedAs">"an ES module (import())" or "CommonJS (require())".</param>
/// <param name="Why">Why Node reads it so: the extension, or the package.json and its "type".</param>
/// <param name="NodeVersions">What the project says about its Node version, when that decides (empty otherwise).</param>
public sealed record ModuleLoadProblem(int Line, string Construct, string NodeError, string LoadedAs, string Why, ModuleLoadCertainty Certainty, string NodeVersions = "")
{
    /// <summary>Where the project shows a compiling require hook (a package.json script, a Babel configuration), for <see cref="ModuleLoadCertainty.DependsOnLoader"/>.</summary>
    public string Loader { get; init; } = "";
}

/// <summary>What static analysis learned about one migration file's module.</summary>
public sealed record MigrationModule
{
    public required string Language { get; init; }
    public required ModuleSystem ModuleSystem { get; init; }
    public ExportedFunction? Up { get; init; }
    public ExportedFunction? Down { get; init; }

    /// <summary>An <c>export default { up, down }</c> that Knex does not look into.</summary>
    public int? DefaultExportLine { get; init; }

    /// <summary>The module builds its exports in a way static reading cannot follow (a call, a spread, a re-export).</summary>
    public bool ExportsUnknown { get; init; }
    public bool DisablesTransaction { get; init; }
    public ParseProblem? ParseProblem { get; init; }

    /// <summary>Node rejects the file's module syntax in the module system Knex loads it with (null: it loads, or migaudit cannot tell).</summary>
    public ModuleLoadProblem? LoadProblem { get; init; }

    public MigrationFormat Format =>
        ParseProblem is not null ? MigrationFormat.Unparseable
        : (Up?.NonKnexUses.Count ?? 0) + (Down?.NonKnexUses.Count ?? 0) > 0 ? MigrationFormat.NonKnex
        : MigrationFormat.Knex;

    public bool HasUp => Up is { IsFunction: true };
    public bool HasDown => Down is { IsFunction: true };
}

/// <summary>A migration file Knex will load, with its place in Knex's execution order (1-based).</summary>
public sealed record Migration
{
    private readonly string name = string.Empty;

    /// <summary>Read once with the name: rules ask for it per migration and per pair, and it is a regular expression match.</summary>
    private readonly MigrationVersion versionInfo = new(NamingScheme.None, string.Empty);

    public required string Name
    {
        get => name;
        init
        {
            name = value;
            versionInfo = MigrationNames.ParseVersion(value);
        }
    }

    public required string Path { get; init; }
    public required string Directory { get; init; }
    public required int Order { get; init; }
    public required MigrationModule Module { get; init; }
    public MigrationGitInfo Git { get; init; } = MigrationGitInfo.Unknown;
    public long SizeBytes { get; init; }
    public bool IsSymlink { get; init; }

    /// <summary>Leading digits of the name (the version Knex users compare), or null when the name has none.</summary>
    public string? Version => versionInfo.Scheme == NamingScheme.None ? null : versionInfo.Token;

    /// <summary>The naming scheme and the scheme's whole version token.</summary>
    public MigrationVersion VersionInfo => versionInfo;
}

/// <summary>A file in a migration directory that Knex skips (extension not in loadExtensions).</summary>
public sealed record IgnoredFile(string Name, string Path, string Reason);
