using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class IgnoredConfigRule : Rule
{
    public override string Id => "ignored-config";
    public override RuleCategory Category => RuleCategory.Configuration;
    public override string Title => "Ignored or invalid configuration";
    public override Severity Severity => Severity.Medium;
    public override bool Blocking => false;
    public override string Summary => "Settings Knex or pg silently ignore (pool inside connection, top-level ssl, misspelled keys), or pool options tarn rejects.";
    public override string Impact => "The setting the author relied on has no effect; an unknown pool option makes pool creation throw.";
    public override int EffortPerFindingMinutes => 10;

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
