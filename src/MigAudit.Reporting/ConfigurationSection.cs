using MigAudit.Core;

namespace MigAudit.Reporting;

/// <summary>The report's configuration section: every database client's effective settings, marked where they differ from the migrations' knexfile environment.</summary>
internal static class ConfigurationSection
{
    public static void Write(ReportConsole output, AuditResult result, List<IGrouping<string, Finding>> groups)
    {
        var configuration = result.Input.Configuration;
        var reference = configuration.MigrationClient;
        var shown = configuration.Clients.Where(c => c.Kind != ClientKind.KnexfileEnvironment || c == reference).ToList();
        if (shown.Count == 0)
        {
            output.Line("No database client found in the project's code.");
        }
        else
        {
            var others = configuration.Clients.Count(c => c.Kind == ClientKind.KnexfileEnvironment && c != reference);
            output.Line($"Database clients found: {shown.Count}{(others > 0 ? $" (plus {others} other knexfile environment{(others == 1 ? string.Empty : "s")})" : string.Empty)}. Values are effective settings in production with an external database URL; defaults are filled in.");
            output.Line();
        }

        foreach (var client in shown)
        {
            var settings = client.Settings[ScenarioIds.Production];
            var role = client == reference ? "migrations run with this"
                : client.Role == ClientRole.Test ? $"test or fixture {client.Kind.Text()}: listed, not compared"
                : client.Role == ClientRole.Script ? $"script or CLI {client.Kind.Text()}: listed, not compared"
                : client.Role == ClientRole.OtherDatabase ? $"{client.Kind.Text()} of another database: listed, not compared"
                : client.ConfigFrom is null ? $"application {client.Kind.Text()}" : $"application {client.Kind.Text()} built from {client.ConfigFrom}";
            output.Line($"File: {client.Label} ({role})", "bold");
            if (client.RoleReason is not null)
            {
                output.Line($"  {"why:",-22}{client.RoleReason}");
            }

            output.Line($"  {"library:",-22}{client.Kind.Library()}{(settings.Dialect is { } dialect ? $", {dialect}" : string.Empty)}");
            var referenceSettings = reference?.Settings[ScenarioIds.Production];
            var pairs = referenceSettings is null || client == reference || client.Role != ClientRole.App
                ? settings.PoolSettings().Select(s => (s.Name, s.Value, Other: (SettingValue?)null))
                : settings.PoolSettings().Zip(referenceSettings.PoolSettings(), (mine, theirs) => (mine.Name, mine.Value, Other: (SettingValue?)theirs.Value));
            foreach (var (name, value, other) in pairs)
            {
                if (value == SettingValue.NotApplicable)
                {
                    continue;
                }

                // An unknown value on either side is no difference: nothing says the two differ.
                var different = other is not null && other != SettingValue.NotApplicable && value.Known && other.Known && !value.SameValueAs(other);
                var line = $"  {name + ":",-22}{value.Text}";
                output.Line(different ? $"{line,-40}  <-- DIFFERENT (knexfile: {other!.Text})" : line, different ? "yellow" : null);
            }

            output.Line($"  {"ssl:",-22}{settings.Ssl.Text}");
            output.Line($"  {"connection:",-22}{settings.ConnectionSource}");
            if (settings.SearchPath is not null)
            {
                output.Line($"  {"searchPath:",-22}{settings.SearchPath}");
            }

            output.Line();
        }

        if (shown.Count > 1)
        {
            output.Line("SSL by scenario:", "bold");
            foreach (var scenario in configuration.Scenarios)
            {
                output.Line($"  {scenario.Description}:");
                foreach (var client in shown)
                {
                    output.Line($"    {client.Label,-40} {client.Settings[scenario.Id].Ssl.Text}");
                }
            }

            output.Line();
        }

        foreach (var note in configuration.Notes)
        {
            output.Line($"Note: {note}");
        }

        if (groups.Count == 0 && shown.Count > 0)
        {
            output.Line("No configuration problems found.", "green");
        }

        foreach (var group in groups)
        {
            var rule = result.Rules.First(r => r.Id == group.Key);
            var findings = group.ToList();
            var worst = findings.Max(f => f.Severity);
            output.Line($"{rule.Title.ToUpperInvariant()} ({GroupCounts.Label(findings)}) [{rule.Id}]", ReportConsole.StyleOf(worst) + " bold");
            TextReport.WriteGroup(output, rule, findings);
            var recommendation = findings.Select(f => f.Action).FirstOrDefault(a => a is not null);
            if (recommendation is not null)
            {
                output.Line($"Recommendation: {recommendation}");
            }

            output.Line();
        }
    }
}
