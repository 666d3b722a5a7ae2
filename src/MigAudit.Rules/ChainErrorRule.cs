using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class ChainErrorRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "chain-error",
        Title: "Migration chain errors",
        Severity: Severity.High,
        Blocking: true,
        Summary: "Run in Knex's order on an empty database, a migration works on a table or column that does not exist yet, creates one that exists, or references a table created later.",
        Impact: "knex migrate:latest fails on a fresh database (a new environment, CI, a disaster-recovery rebuild).")
    {
        EffortPerFindingMinutes = 30,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        foreach (var replay in input.Schema.Migrations)
        {
            // A JavaScript error before knex sends anything is knex-type-error's: it fails on every database, not only on an empty one.
            foreach (var (problem, ordinal) in replay.ChainProblems.Select((p, i) => (p, i)).Where(p => !p.p.RunTimeError))
            {
                yield return Found(
                    $"{replay.Migration} ({HelperSite.Describe(problem.Line, problem.Helper)}): {problem.Message}.{(problem.SaysWhereItFails ? string.Empty : " Replayed in Knex's order on an empty database, 'knex migrate:latest' fails here.")}",
                    file: SchemaLocation.PathOf(input, replay.Migration),
                    key: $"{replay.Migration}#{ordinal}",
                    line: problem.Line,
                    helper: problem.Helper,
                    headline: $"{problem.Helper?.File ?? replay.Migration}:{problem.Line} — {problem.Message}",
                    action: $"Fix the order or the statement in {replay.Migration} ({HelperSite.Describe(problem.Line, problem.Helper)}) so the chain runs on an empty database",
                    predictsKnexFailure: true);
            }
        }
    }
}
