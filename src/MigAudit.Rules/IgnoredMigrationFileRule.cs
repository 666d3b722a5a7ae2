using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class IgnoredMigrationFileRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "ignored-migration-file",
        Title: "Files Knex ignores",
        Severity: Severity.Low,
        Blocking: false,
        Summary: "A file in a migration directory looks like a migration but Knex skips it (its extension is not in loadExtensions).",
        Impact: "The file never runs.")
    {
        EffortPerFindingMinutes = 5,
    };


    public override IEnumerable<Finding> Check(AuditInput input) =>
        input.IgnoredFiles.Select(file => Found(
            $"{file.Name} is never run: {file.Reason}.",
            file: file.Path,
            action: $"Rename {file.Name} to an extension Knex loads, add its extension to loadExtensions, or move it out of the migration directory"));
}
