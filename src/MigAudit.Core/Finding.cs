namespace MigAudit.Core;

/// <summary>One problem found by one rule. File paths are relative to the audited root, with '/' separators.</summary>
public sealed record Finding
{
    public required string Rule { get; init; }
    public required Severity Severity { get; init; }
    public required bool Blocking { get; init; }
    public string? File { get; init; }
    public int? Line { get; init; }
    public required string Message { get; init; }

    /// <summary>
    /// "path:line" of the migration or configuration line that requires or calls the module <see cref="File"/> names, when
    /// the finding's statement or setting is written in such a module (a helper, a config module); null otherwise.
    /// <see cref="Line"/> is always a line of <see cref="File"/>.
    /// </summary>
    public string? CalledFrom { get; init; }

    /// <summary>The file of <see cref="CalledFrom"/> (the migration or knexfile that uses the module), or null.</summary>
    public string? CalledFromFile => CalledFrom is { } site && site.LastIndexOf(':') is > 0 and var colon ? site[..colon] : null;

    /// <summary>A one-line form for long lists, e.g. the file name and the commit that deleted it.</summary>
    public string? Headline { get; init; }
    public IReadOnlyList<string> Related { get; init; } = [];

    /// <summary>The concrete step that resolves this finding, e.g. a rename with both names.</summary>
    public string? Action { get; init; }

    /// <summary>Files the action touches and how (e.g. "RENAME"), for the "files requiring changes" section.</summary>
    public IReadOnlyList<FileChange> Changes { get; init; } = [];

    /// <summary>
    /// What the finding is about, supplied by its rule: the migration, table, index, foreign key or client, never
    /// the message text. With rule and file it identifies the finding across runs.
    /// </summary>
    public string Key { get; init; } = string.Empty;

    /// <summary>
    /// The finding says Knex itself fails (migrate:latest stops with an error quoted in the message), as opposed to a
    /// risk or something migaudit cannot know. Such a finding never stands beside a "ready" verdict.
    /// </summary>
    public bool PredictsKnexFailure { get; init; }

    /// <summary>The migration set (<see cref="Core.MigrationSet.Name"/>) the finding is about, when the repository has several.</summary>
    public string? MigrationSet { get; init; }

    /// <summary>How sure the claim is: certain unless the rule or the audit says otherwise.</summary>
    public Evidence Evidence { get; init; } = Evidence.Certain;

    /// <summary>
    /// Where the finding's migration, or the change to it, stands with production; null for findings about no migration
    /// (a database client's settings), which the next deploy runs with as they are.
    /// </summary>
    public FindingScope? Scope { get; init; }

    /// <summary>The releases the scope names: those that shipped it, or for long-shipped, those that ran after it.</summary>
    public IReadOnlyList<string> ScopeReleases { get; init; } = [];

    /// <summary>
    /// Names production's migrations table may hold that decide this finding: it would block if production recorded
    /// any of them. Non-empty only on a finding that does not block because nobody told migaudit (see --applied).
    /// </summary>
    public IReadOnlyList<string> DecidingNames { get; init; } = [];

    public const string FingerprintVersion = "migaudit/v2";

    /// <summary>
    /// Identifies the finding across runs by rule, file and <see cref="Key"/>; not by line (lines move when files are
    /// edited) nor by message (adding one migration changes "#1 of 2" to "#1 of 3"). A finding in a required module is
    /// identified by the file that uses it (<see cref="CalledFrom"/>): it is that migration's or client's finding, and
    /// baselines written before findings named the module keep matching.
    /// </summary>
    public string Fingerprint() => Hash($"v2\n{Rule}\n{CalledFromFile ?? File}\n{Key}");

    /// <summary>The version 1 fingerprint (rule, file and message), to keep reading baselines written before v2.</summary>
    public string LegacyFingerprint() => Hash($"{Rule}\n{File}\n{Message}");

    private static string Hash(string key) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)))[..32];
}

public sealed record FileChange(string Path, string Change, FileChangeGroup Group = FileChangeGroup.Immediate);

public enum FileChangeGroup
{
    Immediate,
    Configuration,
    Documentation,
}
