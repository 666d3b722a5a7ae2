namespace MigAudit.Knex.Discovery;

public sealed record DiscoveryOptions
{
    /// <summary>The knexfile environment to audit; null means "production", falling back as Knex users expect.</summary>
    public string? Environment { get; init; }
    public string? Knexfile { get; init; }
    public IReadOnlyList<string> MigrationDirectories { get; init; } = [];
}
