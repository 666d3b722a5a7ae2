using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// Never "ready" on a guess: when the migrations Knex would run cannot be listed, the audit says so. It blocks when Knex
/// itself fails (a knexfile that throws, a folder readdir cannot list); when only migaudit cannot know (a custom
/// migrationSource it cannot follow, a folder outside the project), the finding is an unknown of the verdict, which
/// is UNKNOWN, never READY: blocking is for what is certain.
/// </summary>
public sealed class MigrationSourceUnknownRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "migration-source-unknown",
        Title: "Migrations Knex would run cannot be known",
        Severity: Severity.High,
        Blocking: true,
        Summary: "A migration folder Knex cannot read, a folder outside the project, a knexfile that throws or hangs when loaded, or a custom migrationSource: which migrations run is unknown.",
        Impact: "Either 'knex migrate:latest' itself fails (the message quotes Knex's error, and the finding blocks), or the audit cannot see what it would run (the verdict is UNKNOWN: a verdict without it would be a guess).")
    {
        EffortPerFindingMinutes = 15,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        foreach (var problem in input.Project.SourceProblems)
        {
            var finding = Found(
                problem.Message + (problem.KnexFails || !problem.Blocking ? "." : ". Until it can be read, this audit cannot say the project is ready: the verdict is UNKNOWN."),
                file: problem.File,
                line: problem.Line,
                key: problem.Key,
                severity: problem.Blocking ? null : Severity.Medium,
                blocking: problem.Blocking && problem.KnexFails,
                action: problem.KnexFails
                    ? "Make the knexfile load and every migration directory readable, as 'knex migrate:list' would need"
                    : "Point migaudit at the folders Knex really reads with --migrations DIR (inside the project)",
                predictsKnexFailure: problem.KnexFails);
            yield return problem.KnexFails ? finding : finding with { Evidence = Evidence.Possible };
        }
    }
}
