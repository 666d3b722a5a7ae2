namespace MigAudit.Knex.Discovery;

public sealed record DiscoveryOptions
{
    /// <summary>The knexfile environment to audit; null means "production", falling back as Knex users expect.</summary>
    public string? Environment { get; init; }
    public string? Knexfile { get; init; }

    /// <summary>
    /// The Knex client production uses (--client or the "client" setting), for a knexfile that chooses it at run time:
    /// it picks the branch of a configuration chosen by a condition, and the dialect of a client read from the environment.
    /// </summary>
    public string? Client { get; init; }
    public IReadOnlyList<string> MigrationDirectories { get; init; } = [];

    /// <summary>
    /// Set when one migration set of several is discovered: the package.json knex command that runs it (null: none),
    /// instead of the command <see cref="KnexScript.Find"/> would weigh for the whole project.
    /// </summary>
    public ScriptChoice? Script { get; init; }

    /// <summary>The user chose what to audit (a knexfile, folders or an environment): one migration set, the one chosen.</summary>
    public bool ChoosesOneSet => Knexfile is not null || MigrationDirectories.Count > 0 || Environment is not null;
}

/// <summary>The knex command a migration set is run with, or none (<see cref="Command"/> null).</summary>
public sealed record ScriptChoice(KnexScript? Command);
