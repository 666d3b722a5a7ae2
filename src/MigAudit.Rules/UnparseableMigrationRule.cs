using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class UnparseableMigrationRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "unparseable-migration",
        Title: "Unparseable migrations",
        Severity: Severity.High,
        Blocking: true,
        Summary: "A migration file cannot be parsed (syntax error, merge-conflict markers, binary content): Knex fails to load it.",
        Impact: "knex migrate:latest fails while loading the file; nothing in the batch runs.")
    {
        EffortPerFindingMinutes = 20,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        foreach (var migration in input.Migrations)
        {
            if (migration.Module.ParseProblem is not { } problem)
            {
                continue;
            }

            if (problem.Kind == ParseProblemKind.Unreadable)
            {
                // Node's require() fails on an unreadable file and blocks forever on a FIFO or a device.
                yield return Found(
                    $"{migration.Name} {problem.Message}. Knex loads every pending migration before running any, so 'knex migrate:latest' cannot load it: it fails or waits forever, and applies nothing.",
                    file: migration.Path,
                    line: problem.Line,
                    action: $"Replace {migration.Name} with a regular, readable file (or remove it)",
                    changes: [new FileChange(migration.Path, "REPLACE")]);
            }
            else if (problem.KnexFailsToo)
            {
                yield return Found(
                    $"{migration.Name} cannot be parsed at line {problem.Line}, column {problem.Column}: {problem.Message}. Knex loads every pending migration before running any, so 'knex migrate:latest' fails on it and applies nothing.",
                    file: migration.Path,
                    line: problem.Line,
                    action: $"Fix the syntax of {migration.Name} (line {problem.Line})",
                    changes: [new FileChange(migration.Path, "FIX SYNTAX")]);
            }
            else
            {
                yield return Found(
                    $"migaudit could not read {migration.Name} (line {problem.Line}): {problem.Message}. Its up/down and database use are not audited.",
                    file: migration.Path,
                    line: problem.Line,
                    severity: Severity.Medium,
                    blocking: false);
            }
        }
    }
}
