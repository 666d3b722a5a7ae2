using System.Text.Json;
using System.Text.Json.Nodes;
using MigAudit.Core;

namespace MigAudit.Reporting;

/// <summary>
/// SARIF 2.1.0, as GitHub code scanning accepts it: one rule entry per rule id, results with file, line and level.
/// Each artifactLocation is a uri relative to %SRCROOT%: the audited folder, or with <see cref="ReportPaths.RepositoryRoot"/>
/// the repository's top level, which is where code scanning resolves it.
/// </summary>
public static class SarifReport
{
    public static string Render(AuditResult result, string toolVersion, string? docsBaseUrl = null, ReportPaths paths = ReportPaths.Project)
    {
        JsonObject? Location(string? path, int line, int? id = null) => SarifReport.Location(path is null ? null : paths.Shown(path, result), line, id);

        var rules = result.Rules.ToList();
        var index = rules.Select((r, i) => (r.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        var driverRules = new JsonArray();
        foreach (var rule in rules)
        {
            var entry = new JsonObject
            {
                ["id"] = rule.Id,
                ["name"] = PascalCase(rule.Id),
                ["shortDescription"] = new JsonObject { ["text"] = rule.Title },
                ["fullDescription"] = new JsonObject { ["text"] = rule.Summary },
                ["helpUri"] = RuleDocs.Url(rule.Id, docsBaseUrl),
                ["help"] = new JsonObject
                {
                    ["text"] = $"{rule.Summary} Impact: {rule.Impact}",
                    ["markdown"] = RuleDocs.Markdown(rule.Id) ?? rule.Summary,
                },
                ["defaultConfiguration"] = new JsonObject { ["level"] = Level(rule.Severity) },
                ["properties"] = new JsonObject
                {
                    ["tags"] = new JsonArray(new[] { "knex", "migrations", rule.Category.ToString().ToLowerInvariant() }.Distinct().Select(t => (JsonNode?)t).ToArray()),
                    ["blocking"] = rule.Blocking,
                    ["problem.severity"] = rule.Severity switch { Severity.High => "error", Severity.Medium => "warning", _ => "recommendation" },
                },
            };
            // As JsonNode: the generic Add<T> would wrap the object in a JsonValue by reflection, which Native AOT lacks.
            driverRules.Add((JsonNode)entry);
        }

        var results = new JsonArray();
        foreach (var finding in result.Findings)
        {
            var item = new JsonObject
            {
                ["ruleId"] = finding.Rule,
                ["ruleIndex"] = index.TryGetValue(finding.Rule, out var i) ? i : -1,
                ["level"] = Level(finding.Severity),
                ["message"] = new JsonObject { ["text"] = finding.Action is null ? finding.Message : $"{finding.Message} Fix: {finding.Action}" },
                ["partialFingerprints"] = new JsonObject { [Finding.FingerprintVersion] = finding.Fingerprint() },
                ["properties"] = new JsonObject { ["blocking"] = finding.Blocking },
            };
            var location = Location(finding.File, finding.Line ?? 1);
            if (location is not null)
            {
                item["locations"] = new JsonArray(location);
            }

            if (finding.Related.Count > 0)
            {
                item["relatedLocations"] = new JsonArray(finding.Related.Select((related, n) => (JsonNode?)Location(related, 1, n + 1)).Where(l => l is not null).ToArray());
            }

            results.Add((JsonNode)item);
        }

        var log = new JsonObject
        {
            ["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json",
            ["version"] = "2.1.0",
            ["runs"] = new JsonArray(new JsonObject
            {
                ["tool"] = new JsonObject
                {
                    ["driver"] = new JsonObject
                    {
                        ["name"] = "migaudit",
                        ["semanticVersion"] = toolVersion,
                        ["informationUri"] = RuleDocs.DefaultBaseUrl.Replace("/blob/main/docs/rules/", string.Empty, StringComparison.Ordinal),
                        ["rules"] = driverRules,
                    },
                },
                ["automationDetails"] = new JsonObject { ["id"] = "migaudit/" + (result.Input.Project.Environment ?? "default") },
                ["results"] = results,

                // What could not be read that decides readiness: a notification each (file:line), and the verdict.
                ["invocations"] = new JsonArray(new JsonObject
                {
                    ["executionSuccessful"] = true,
                    ["toolExecutionNotifications"] = new JsonArray(result.Unknowns.Select(u => (JsonNode?)Notification(u, Location(u.File, u.Line ?? 1))).ToArray()),
                }),
                ["properties"] = new JsonObject { ["verdict"] = result.Verdict },
            }),
        };
        return log.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonObject Notification(ReadinessUnknown unknown, JsonObject? location)
    {
        var notification = new JsonObject { ["level"] = "warning", ["message"] = new JsonObject { ["text"] = unknown.Reason } };
        if (location is not null)
        {
            notification["locations"] = new JsonArray(location);
        }

        return notification;
    }

    private static JsonObject? Location(string? path, int line, int? id = null)
    {
        if (path is null)
        {
            return null;
        }

        var location = new JsonObject
        {
            ["physicalLocation"] = new JsonObject
            {
                ["artifactLocation"] = new JsonObject { ["uri"] = Uri.EscapeDataString(path).Replace("%2F", "/", StringComparison.Ordinal), ["uriBaseId"] = "%SRCROOT%" },
                ["region"] = new JsonObject { ["startLine"] = Math.Max(1, line) },
            },
        };
        if (id is not null)
        {
            location["id"] = id.Value;
        }

        return location;
    }

    public static string Level(Severity severity) => severity switch
    {
        Severity.High => "error",
        Severity.Medium => "warning",
        _ => "note",
    };

    private static string PascalCase(string id) => string.Concat(id.Split('-').Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
}
