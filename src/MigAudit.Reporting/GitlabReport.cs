using System.Text.Json;
using System.Text.Json.Nodes;
using MigAudit.Core;

namespace MigAudit.Reporting;

/// <summary>
/// --format gitlab: GitLab's code quality report (a JSON array of Code Climate issues: description, check_name,
/// fingerprint, severity, location.path and location.lines.begin), for artifacts:reports:codequality. GitLab resolves
/// location.path from the repository root, so paths here are relative to git's top level, unlike the other formats
/// (relative to the audited folder): a project in server/ reports "server/db/migrations/...".
/// </summary>
public static class GitlabReport
{
    public static string Render(AuditResult result)
    {
        var issues = new JsonArray();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var finding in result.Findings)
        {
            var description = finding.Action is null ? finding.Message : $"{finding.Message} Fix: {finding.Action}";
            issues.Add((JsonNode)Issue(result, seen, finding.Fingerprint(), $"migaudit/{finding.Rule}", Severity(finding), description, finding.File, finding.Line));
        }

        foreach (var unknown in result.Unknowns)
        {
            var fingerprint = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"unknown\n{unknown.File}\n{unknown.Reason}")))[..32];
            issues.Add((JsonNode)Issue(result, seen, fingerprint, "migaudit/unknown", "major", unknown.Reason, unknown.File, unknown.Line));
        }

        return issues.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>GitLab's scale: a finding that blocks the release is a blocker; otherwise high, medium and low are critical, major and minor.</summary>
    public static string Severity(Finding finding) => finding.Blocking ? "blocker" : finding.Severity switch
    {
        Core.Severity.High => "critical",
        Core.Severity.Medium => "major",
        _ => "minor",
    };

    private static JsonObject Issue(AuditResult result, Dictionary<string, int> seen, string fingerprint, string check, string severity, string description, string? file, int? line)
    {
        // GitLab keys issues by fingerprint: two alike (the same rule on the same thing) get the first's, then a suffix.
        var count = seen[fingerprint] = seen.GetValueOrDefault(fingerprint) + 1;
        var path = FindingLocations.FileOrKnexfile(file, result) is { } relative ? FindingLocations.FromRepositoryRoot(relative, result) : FindingLocations.FromRepositoryRoot(".", result);
        return new JsonObject
        {
            ["description"] = description,
            ["check_name"] = check,
            ["fingerprint"] = count == 1 ? fingerprint : $"{fingerprint}-{count}",
            ["severity"] = severity,
            ["location"] = new JsonObject
            {
                ["path"] = path,
                ["lines"] = new JsonObject { ["begin"] = Math.Max(1, line ?? 1) },
            },
        };
    }
}
