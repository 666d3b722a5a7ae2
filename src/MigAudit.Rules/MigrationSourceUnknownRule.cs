using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>Never "ready" on a guess: when the migrations Knex would run cannot be listed or known, the audit says so and blocks.</summary>
public sealed class MigrationSourceUnknownRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "migration-source-unknown",
        Title: "Migrations Knex would run cannot be known",
        Severity: Severity.High,
        Blocking: true,
        Summary: "A migration folder Knex cannot read, a folder outside the project, a knexfile that throws or hangs when loaded, or a custom migrationSource: which migrations run is unknown.",
        Impact: "Either 'knex migrate:latest' itself fails (the message quotes Knex's error), or the audit cannot see what it would run; a verdict without it would be a guess.")
    {
        EffortPerFindingMinutes = 15,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        foreach (var problem in input.Project.SourceProblems)
        {
            yield return Found(
                problem.Message + (problem.KnexFails || !problem.Blocking ? "." : ". Until it can be read, this audit cannot say the project is ready."),
                file: problem.File,
                line: problem.Line,
                key: problem.Key,
                severity: problem.Blocking ? null : Severity.Medium,
                blocking: problem.Blocking ? null : false,
                action: problem.KnexFails
                    ? "Make the knexfile load and every migration directory readable, as 'knex migrate:list' would need"
                    : "Point migaudit at the folders Knex really reads with --migrations DIR (inside the project)",
                predictsKnexFailure: problem.KnexFails);
        }
    }
}
