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
                yield return Found(
                    $"{client.Label}: {problem.Message}.",
                    file: client.File,
                    key: $"{Clients.KeyOf(input, client)}/{problem.Key}",
                    line: problem.Line > 0 ? problem.Line : client.Line,
                    action: $"Fix '{problem.Key}' in {client.File}",
                    changes: [new FileChange(client.File, $"fix '{problem.Key}'", FileChangeGroup.Configuration)],
                    severity: problem.Fatal ? Severity.High : null,
                    blocking: problem.Fatal ? true : null);
            }
        }
    }
}
