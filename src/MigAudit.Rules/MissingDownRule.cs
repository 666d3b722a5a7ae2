using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class MissingDownRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "missing-down",
        Title: "Migrations without down",
        Severity: Severity.High,
        Blocking: true,
        Summary: "A migration does not export a down function.",
        Impact: "Knex refuses the whole batch: \"Invalid migration: ... must have both an up and down function\"; rollback is impossible.")
    {
        EffortPerFindingMinutes = 15,
    };


    public override IEnumerable<Finding> Check(AuditInput input) =>
        MissingExport.Check(this, input, "down", m => m.Down, (message, migration, line, action) => Found(message, migration.Path, line, action, changes: [new FileChange(migration.Path, "ADD down")]));
}
