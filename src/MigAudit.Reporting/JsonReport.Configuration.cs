using System.Text.Json.Nodes;
using MigAudit.Core;
using static MigAudit.Reporting.JsonNodes;

namespace MigAudit.Reporting;

/// <summary>Every database client found, with its settings under each scenario.</summary>
public static partial class JsonReport
{
    private static JsonObject ConfigurationJson(ConfigurationModel configuration) => new()
    {
        ["scenarios"] = Array(configuration.Scenarios, sc => new JsonObject { ["id"] = sc.Id, ["description"] = sc.Description }),
        ["migrationClient"] = configuration.MigrationClient?.Label,
        ["clients"] = Array(configuration.Clients, c => new JsonObject
        {
            ["label"] = c.Label,

            // What the client is for (app, other-database, test, script): only app clients are compared and summed.
            ["role"] = c.Role switch
            {
                ClientRole.OtherDatabase => "other-database",
                _ => c.Role.ToString().ToLowerInvariant(),
            },
            ["roleReason"] = c.RoleReason,
            ["kind"] = c.Kind.Id(),
            ["library"] = c.Kind.Library(),
            ["file"] = c.File,
            ["line"] = c.Line,
            ["environment"] = c.Environment,
            ["configFrom"] = c.ConfigFrom,
            ["settings"] = SettingsJson(c.Settings),
            ["problems"] = Array(c.Problems, p => new JsonObject { ["key"] = p.Key, ["line"] = p.Line, ["message"] = p.Message, ["fatal"] = p.Fatal }),
        }),
        ["notes"] = Strings(configuration.Notes),
    };

    private static JsonObject SettingsJson(IReadOnlyDictionary<string, ClientSettings> settings)
    {
        var byScenario = new JsonObject();
        foreach (var (scenario, s) in settings)
        {
            byScenario[scenario] = new JsonObject
            {
                ["min"] = Setting(s.Min),
                ["max"] = Setting(s.Max),
                ["acquireTimeoutMillis"] = Setting(s.AcquireTimeoutMillis),
                ["idleTimeoutMillis"] = Setting(s.IdleTimeoutMillis),
                ["createTimeoutMillis"] = Setting(s.CreateTimeoutMillis),
                ["ssl"] = new JsonObject { ["state"] = s.Ssl.Id, ["source"] = s.Ssl.Source },
                ["connection"] = s.ConnectionSource,
                ["dialect"] = s.Dialect?.ToString().ToLowerInvariant(),
                ["connectionVariables"] = Strings(s.ConnectionVariables),
                ["searchPath"] = s.SearchPath,
                ["lockTimeout"] = new JsonObject { ["set"] = s.LockTimeout.Set, ["source"] = s.LockTimeout.Source },
                ["statementTimeout"] = new JsonObject { ["set"] = s.StatementTimeout.Set, ["source"] = s.StatementTimeout.Source },
            };
        }

        return byScenario;
    }

    private static JsonObject Setting(SettingValue value) => new()
    {
        ["value"] = value.Number,
        ["text"] = value.Text,
        ["isDefault"] = value.FromDefault,
        ["known"] = value.Known,
    };
}
