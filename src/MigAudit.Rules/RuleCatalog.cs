namespace MigAudit.Rules;

public static class RuleCatalog
{
    /// <summary>Every rule, in the order the report presents problems: what breaks Knex first.</summary>
    public static IReadOnlyList<Rule> All { get; } =
    [
        new DeletedMigrationRule(),
        new RenamedMigrationRule(),
        new DuplicateVersionRule(),
        new UnparseableMigrationRule(),
        new NonKnexMigrationRule(),
        new MissingUpRule(),
        new MissingDownRule(),
        new EditedMigrationRule(),
        new LateMigrationRule(),
        new UntrackedMigrationRule(),
        new EmptyDownRule(),
        new MixedNamingRule(),
        new InvalidTimestampRule(),
        new IgnoredMigrationFileRule(),
        new IgnoredConfigRule(),
        new PoolMismatchRule(),
        new SslMismatchRule(),
        new ConnectionEnvMismatchRule(),
        new PoolExhaustionRiskRule(),
    ];

    public static Rule? Find(string id) => All.FirstOrDefault(r => r.Id == id);
}
