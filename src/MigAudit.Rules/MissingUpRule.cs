using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class MissingUpRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "missing-up",
        Title: "Migrations without up",
        Severity: Severity.High,
        Blocking: true,
        Summary: "A migration does not export an up function.",
        Impact: "Knex refuses the whole batch: \"Invalid migration: ... must have both an up and down function\".")
    {
        EffortPerFindingMinutes = 20,
    };


    public override IEnumerable<Finding> Check(AuditInput input) =>
        MissingExport.Check(this, input, "up", m => m.Up, (message, migration, line, action) => Found(message, migration.Path, line, action, changes: [new FileChange(migration.Path, "ADD up")]));
}
