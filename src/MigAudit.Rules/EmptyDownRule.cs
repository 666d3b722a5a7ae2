using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class EmptyDownRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "empty-down",
        Title: "Empty down functions",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "A down function does nothing: rollback reports success and leaves the schema as it was.",
        Impact: "Rollback reports success and changes nothing.")
    {
        EffortPerFindingMinutes = 15,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        foreach (var migration in input.Migrations)
        {
            if (migration.Module.Down is not { IsFunction: true, IsEmpty: true } down || migration.Module.Up is { IsEmpty: true })
            {
                continue;
            }

            yield return Found(
                $"{migration.Name} has a down that does nothing (line {down.Line}): 'knex migrate:rollback' removes its row from {input.Project.Settings.TableName} and reports success while everything its up created stays, so running up again fails or duplicates.",
                file: migration.Path,
                line: down.Line,
                action: $"Write the down of {migration.Name} so it undoes the up, or make it throw an explicit 'irreversible migration' error");
        }
    }
}
