namespace MigAudit.Core;

/// <summary>
/// Something migaudit could not read that decides whether the project is ready: a migration its own reader could
/// not parse, a migrations folder it had to assume, a knexfile environment it could not evaluate. Nothing blocking
/// plus one of these is the verdict "unknown", never "ready".
/// </summary>
/// <param name="Reason">What could not be read and why, as one sentence.</param>
public sealed record ReadinessUnknown(string Reason, string? File, int? Line)
{
    /// <summary>Names production's migrations table may hold that decide it (a question --applied answers); empty for other unknowns.</summary>
    public IReadOnlyList<string> Names { get; init; } = [];

    /// <summary>file:line, file, or "" when the unknown is about no file.</summary>
    public string Location => File is null ? string.Empty : Line is { } line ? $"{File}:{line}" : File;

    /// <summary>A migration migaudit's own reader could not parse (Knex may well load it): the same words in the finding and the unknown.</summary>
    public static ReadinessUnknown UnreadMigration(string name, string path, ParseProblem problem) =>
        new($"migaudit could not read {name} (line {problem.Line}, column {problem.Column}): {problem.Message}; what it runs, and whether Knex loads it, is unknown", path, problem.Line);
}

/// <summary>Where a setting the audit depends on (the environment, the migrations folder) came from.</summary>
public enum ChoiceSource
{
    /// <summary>migaudit's own command line (--env, --migrations) or .migauditrc.json.</summary>
    Option,

    /// <summary>The knexfile, read statically.</summary>
    Knexfile,

    /// <summary>A package.json script that runs knex with --env or --migrations-directory.</summary>
    Script,

    /// <summary>A knex.migrate.latest({ directory }) call in the code (no knexfile).</summary>
    MigrateCall,

    /// <summary>Knex's own default: the folder ./migrations beside the knexfile.</summary>
    KnexDefault,

    /// <summary>Folders whose files look like migrations (a version in the name, up and down exported): a guess.</summary>
    MigrationShaped,

    /// <summary>No knexfile and no migrate call: a folder named migrations, by convention.</summary>
    Convention,

    /// <summary>migaudit's own default: the production environment (else the only one, else development).</summary>
    Default,
}

/// <summary>A choice the audit made and why, for the report header and JSON.</summary>
public sealed record SettingChoice(ChoiceSource Source, string Reason)
{
    /// <summary>Whether the folder or environment is migaudit's assumption rather than read from the project or told by the user.</summary>
    public bool Assumed => Source is ChoiceSource.KnexDefault or ChoiceSource.MigrationShaped or ChoiceSource.Convention;
}

public static class ChoiceSourceIds
{
    public static string ToId(this ChoiceSource source) => source switch
    {
        ChoiceSource.Option => "option",
        ChoiceSource.Knexfile => "knexfile",
        ChoiceSource.Script => "package-script",
        ChoiceSource.MigrateCall => "migrate-call",
        ChoiceSource.KnexDefault => "knex-default",
        ChoiceSource.MigrationShaped => "migration-shaped",
        ChoiceSource.Default => "default",
        _ => "convention",
    };
}
