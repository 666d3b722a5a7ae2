using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class IgnoredConfigRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "ignored-config",
        Title: "Ignored or invalid configuration",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "Settings Knex or pg silently ignore (pool inside connection, top-level ssl, misspelled keys), or pool options tarn rejects.",
        Impact: "The setting the author relied on has no effect; an unknown pool option makes pool creation throw.")
    {
        Category = RuleCategory.Configuration,
        EffortPerFindingMinutes = 10,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        foreach (var client in input.Configuration.Clients)
        {
            foreach (var problem in client.Problems)
            {
                // A setting written in a module the client's file requires (knexfile.js: development: require('./db')) is
                // a line of that module: the finding names it, and the client's line as where it is used.
                var elsewhere = problem.File is not null && problem.Line > 0;
                var file = elsewhere ? problem.File! : client.File;
                yield return Found(
                    elsewhere ? $"{client.Label}: {problem.Message} (set at {problem.File}:{problem.Line})." : $"{client.Label}: {problem.Message}.",
                    file: file,
                    key: $"{Clients.KeyOf(input, client)}/{problem.Key}",
                    line: problem.Line > 0 ? problem.Line : client.Line,
                    action: $"Fix '{problem.Key}' in {file}",
                    changes: [new FileChange(file, $"fix '{problem.Key}'", FileChangeGroup.Configuration)],
                    severity: problem.Fatal ? Severity.High : null,
                    blocking: problem.Fatal ? true : null) with
                {
                    CalledFrom = elsewhere ? $"{client.File}:{client.Line}" : null,
                };
            }
        }
    }
}
