using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class ConnectionEnvMismatchRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "connection-env-mismatch",
        Title: "Connection source mismatch",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "Clients read different environment variables for the same database, or fall back to a hard-coded localhost URL in production.",
        Impact: "Migrations and the application can run against different databases, or production silently connects to localhost.")
    {
        Category = RuleCategory.Configuration,
        EffortPerFindingMinutes = 15,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        foreach (var (app, migrations) in Clients.AppVersusMigrations(input))
        {
            var mine = app.Production().ConnectionVariables;
            var theirs = migrations.Production().ConnectionVariables;
            if (mine.Count > 0 && theirs.Count > 0 && !mine.ToHashSet().SetEquals(theirs))
            {
                yield return Found(
                    $"{app.Label} connects with {string.Join(", ", mine)} while migrations ({migrations.Label}) use {string.Join(", ", theirs)}: set differently, they point at different databases.",
                    file: app.File,
                    key: Clients.KeyOf(input, app),
                    line: app.Line,
                    action: $"Read the same variable in {app.File} and {migrations.File}",
                    related: [migrations.File]);
            }
        }

        foreach (var client in Clients.AppClients(input))
        {
            if (client.Settings.TryGetValue(ScenarioIds.ProductionNoVariables, out var unset) && unset.HardCodedLocalhost)
            {
                yield return Found(
                    $"{client.Label} falls back to a hard-coded local database in production when its variables are unset: {unset.ConnectionSource}.",
                    file: client.File,
                    key: $"{Clients.KeyOf(input, client)}/localhost",
                    line: client.Line,
                    action: $"Fail fast in {client.File} when the connection variable is missing in production instead of falling back to localhost");
            }
        }
    }
}
