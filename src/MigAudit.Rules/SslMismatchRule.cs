using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class SslMismatchRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "ssl-mismatch",
        Title: "SSL configuration inconsistency",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "In some scenario one client uses TLS and another does not, or one verifies certificates and the other does not.",
        Impact: "Migrations and the application connect differently: one can fail against a database that requires TLS, or skip certificate checks the other makes.")
    {
        Category = RuleCategory.Configuration,
        // Reads node-postgres's ssl settings (and pg.defaults): other drivers take other options.
        Dialects = [SqlDialect.PostgreSQL],
        EffortBaseMinutes = 20,
        EffortPerFindingMinutes = 15,
    };

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        var scenarios = Clients.Comparable(input);
        foreach (var (app, migrations) in Clients.AppVersusMigrations(input))
        {
            // An unknown state is not a difference: no finding from a guess.
            var differing = scenarios.Where(s => app.Settings[s.Id].Ssl.State is var mine && migrations.Settings[s.Id].Ssl.State is var theirs &&
                                                 mine != SslState.Unknown && theirs != SslState.Unknown && mine != theirs).ToList();
            if (differing.Count == 0)
            {
                continue;
            }

            var detail = string.Join("; ", differing.Select(s => $"{s.Description}: application {app.Settings[s.Id].Ssl.Text} vs knexfile {migrations.Settings[s.Id].Ssl.Text}"));
            yield return Found(
                $"{app.Label} and {migrations.Label} disagree on TLS in {differing.Count} of {scenarios.Count} scenarios. Knexfile: {Behaviour(migrations, scenarios)}. Application: {Behaviour(app, scenarios)}. {detail}.",
                file: app.File,
                key: Clients.KeyOf(input, app),
                line: app.Line,
                headline: $"{app.Label}: {Behaviour(app, scenarios)}; knexfile: {Behaviour(migrations, scenarios)}",
                action: $"Take SSL from the knexfile environment in {app.File} (same change as for the pool), so both connect the same way",
                related: [migrations.File],
                changes: [new FileChange(app.File, $"must align with {Path.GetFileName(migrations.File)}", FileChangeGroup.Configuration)]);
        }
    }

    /// <summary>"always on, NOT verified in production" or the state per production scenario.</summary>
    private static string Behaviour(DatabaseClient client, IReadOnlyList<Scenario> scenarios)
    {
        var production = scenarios.Where(s => s.IsProduction && s.Id != ScenarioIds.ProductionNoVariables).ToList();
        var states = production.Select(s => client.Settings[s.Id].Ssl).ToList();
        if (states.Select(s => s.State).Distinct().Count() == 1)
        {
            return $"{StateText(states[0].State)} for an external database in production ({states[0].Source})";
        }

        return "depends on the environment: " + string.Join(", ", production.Select(s => $"{StateText(client.Settings[s.Id].Ssl.State)} when {s.Description[(s.Description.LastIndexOf(", ", StringComparison.Ordinal) + 2)..]}"));
    }

    private static string StateText(SslState state) => state switch
    {
        SslState.Off => "TLS off",
        SslState.Verified => "TLS on, certificate verified",
        SslState.NotVerified => "TLS on, certificate not verified",
        _ => "TLS unknown",
    };
}
