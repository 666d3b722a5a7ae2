namespace MigAudit.Rules;

public static class RuleCatalog
{
    /// <summary>Every rule, in the order the report presents problems: what breaks Knex first.</summary>
    public static IReadOnlyList<Rule> All { get; } =
    [
        new MigrationSourceUnknownRule(),
        new DeletedMigrationRule(),
        new RenamedMigrationRule(),
        new DuplicateVersionRule(),
        new UnparseableMigrationRule(),
        new NonKnexMigrationRule(),
        new MissingUpRule(),
        new MissingDownRule(),
        new ChainErrorRule(),
        new TableCreatedOutsideRule(),
        new UnexecutedBuilderRule(),
        new EditedMigrationRule(),
        new LateMigrationRule(),
        new UntrackedMigrationRule(),
        new EmptyDownRule(),
        new IrreversibleDownRule(),
        new MixedNamingRule(),
        new InvalidTimestampRule(),
        new IgnoredMigrationFileRule(),
        new IgnoredConfigRule(),
        new PoolMismatchRule(),
        new SslMismatchRule(),
        new ConnectionEnvMismatchRule(),
        new PoolExhaustionRiskRule(),
        new FkMissingOnDeleteRule(),
        new FkMissingIndexRule(),
        new MissingCreatedAtIndexRule(),
        new MissingTenantTimeIndexRule(),
        new RedundantIndexRule(),
        new IndexNamingRule(),
        new ConcurrentlyInTransactionRule(),
        new CreateIndexNotConcurrentlyRule(),
        new DropIndexNotConcurrentlyRule(),
        new AddUniqueConstraintRule(),
        new AddNotNullColumnWithoutDefaultRule(),
        new AddColumnVolatileDefaultRule(),
        new AddSerialColumnRule(),
        new ChangeColumnTypeRule(),
        new SetNotNullRule(),
        new AddForeignKeyWithoutNotValidRule(),
        new AddCheckWithoutNotValidRule(),
        new RenameColumnRule(),
        new RenameTableRule(),
        new DropColumnRule(),
        new DropTableRule(),
        new StatementsAfterAccessExclusiveRule(),
        new LockHeldAcrossBatchRule(),
        new MissingLockTimeoutRule(),
    ];

    public static Rule? Find(string id) => All.FirstOrDefault(r => r.Id == id);
}
