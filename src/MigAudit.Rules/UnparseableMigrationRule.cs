using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class UnparseableMigrationRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "unparseable-migration",
        Title: "Unparseable migrations",
        Severity: Severity.High,
        Blocking: true,
        Summary: "A migration file cannot be parsed (syntax error, merge-conflict markers, binary content), so Knex fails to load it; or migaudit could not read it (larger than it reads, over its syntax budget, TypeScript syntax its own reader does not parse), so what it does is unknown.",
        Impact: "For a file Knex cannot parse either, knex migrate:latest fails while loading it and nothing in the batch runs. For a file only migaudit could not read, nothing is known of what it runs: the verdict is not ready (too large, over the budget) or unknown (its TypeScript reader), never ready.")
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
                    changes: [new FileChange(migration.Path, "REPLACE")],
                    predictsKnexFailure: true);
            }
            else if (problem.KnexFailsToo)
            {
                yield return Found(
                    $"{migration.Name} cannot be parsed at line {problem.Line}, column {problem.Column}: {problem.Message}. Knex loads every pending migration before running any, so 'knex migrate:latest' fails on it and applies nothing.",
                    file: migration.Path,
                    line: problem.Line,
                    action: $"Fix the syntax of {migration.Name} (line {problem.Line})",
                    changes: [new FileChange(migration.Path, "FIX SYNTAX")],
                    predictsKnexFailure: true);
            }
            else if (problem.Kind == ParseProblemKind.TooLarge)
            {
                // Node has no such limit: require() reads and compiles the whole file, so Knex loads and runs it (or
                // fails on it: a syntax error at its end is only found by reading it). Either way this audit does not
                // know what it does, and "ready" would be a guess: an unknown of the verdict, not a certain failure.
                yield return Found(
                    $"{migration.Name} could not be read: it {SizeReason(problem)}. Node would still load it ('knex migrate:latest' requires every pending migration), so what it does, and whether it even parses, is unknown: this audit cannot say the project is ready.",
                    file: migration.Path,
                    line: problem.Line,
                    action: $"Split {migration.Name} into smaller migrations (bulk data belongs in a seed or a COPY from a file), so it can be audited",
                    changes: [new FileChange(migration.Path, "SPLIT")],
                    blocking: false);
            }
            else if (problem.Kind == ParseProblemKind.NotAnalysed)
            {
                // Over the syntax budget (nesting depth, node count), which bounds migaudit's own walkers, not Node's
                // parser: Node may well load and run it (10,000 chained calls load fine), or fail on it (3,000 nested
                // arrow functions overflow V8's parser stack). Which, migaudit cannot tell.
                yield return Found(
                    $"{migration.Name} was not analysed (line {problem.Line}): {NotAnalysedReason(problem)}, over migaudit's syntax budget, so migaudit cannot tell what it does. Node may well load and run it: this audit cannot say the project is ready.",
                    file: migration.Path,
                    line: problem.Line,
                    action: $"Simplify {migration.Name} (build long SQL with a template literal or an array join, not '+' or long call chains), so it can be audited",
                    changes: [new FileChange(migration.Path, "SIMPLIFY")],
                    blocking: false);
            }
            else
            {
                // migaudit's own TypeScript reader gave up: tsc or ts-node may well compile it, so nothing is claimed
                // about Knex. The file is an unknown of the verdict, and no other rule sees anything of it.
                yield return Found(
                    ReadinessUnknown.UnreadMigration(migration.Name, migration.Path, problem).Reason + ". Its up/down and database use are not audited, and this audit cannot say the project is ready.",
                    file: migration.Path,
                    line: problem.Line,
                    action: $"Tell migaudit's maintainers which syntax of {migration.Name} (line {problem.Line}, column {problem.Column}) it could not read; meanwhile check the file by hand",
                    severity: Severity.Medium,
                    blocking: false);
            }
        }
    }

    /// <summary>"is larger than 16 MB, which migaudit does not read", from the reader's own reason.</summary>
    private static string SizeReason(ParseProblem problem) =>
        problem.Message.StartsWith("not parsed: the file ", StringComparison.Ordinal) ? problem.Message["not parsed: the file ".Length..] : problem.Message;

    /// <summary>"the syntax nests more than 1000 levels deep here (...)", without the "not analysed: " the parser's message starts with.</summary>
    private static string NotAnalysedReason(ParseProblem problem) =>
        problem.Message.StartsWith("not analysed: ", StringComparison.Ordinal) ? problem.Message["not analysed: ".Length..] : problem.Message;
}
