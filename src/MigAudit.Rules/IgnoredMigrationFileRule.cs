using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class IgnoredMigrationFileRule : Rule
{
    public override string Id => "ignored-migration-file";
    public override string Title => "Files Knex ignores";
    public override Severity Severity => Severity.Low;
    public override bool Blocking => false;
    public override string Summary => "A file in a migration directory looks like a migration but Knex skips it (its extension is not in loadExtensions).";
    public override string Impact => "The file never runs.";
    public override int EffortPerFindingMinutes => 5;

    public override IEnumerable<Finding> Check(AuditInput input) =>
        input.IgnoredFiles.Select(file => Found(
            $"{file.Name} is never run: {file.Reason}.",
            file: file.Path,
            action: $"Rename {file.Name} to an extension Knex loads, add its extension to loadExtensions, or move it out of the migration directory"));
}
