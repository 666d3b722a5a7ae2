using System.Text.Json;
using System.Text.Json.Nodes;
using static MigAudit.Reporting.JsonNodes;
using MigAudit.Reporting;

namespace MigAudit.Live;

public static class DriftReport
{
    public static void WriteText(DriftResult result, ReportConsole output)
    {
        output.Line($"migaudit drift: {(result.Clean ? "NO DRIFT" : "DRIFT FOUND")}", result.Clean ? "green bold" : "red bold");
        output.Line($"Database: {result.Database} on {result.Server} (read-only session: {(result.ReadOnly ? "yes" : "NO")})");
        output.Line($"Applied migrations: {result.Applied}; pending: {result.Pending}");
        output.Line();
        foreach (var group in result.Findings.GroupBy(f => f.Kind))
        {
            output.Line($"{group.Key} ({group.Count()}){(group.Any(f => f.Blocking) ? " — blocks knex migrate" : string.Empty)}", group.Any(f => f.Blocking) ? "red bold" : "bold");
            foreach (var finding in group)
            {
                output.Line($"- {finding.Message}");
            }

            output.Line();
        }
    }

    public static string Json(DriftResult result) => new JsonObject
    {
        ["schemaVersion"] = 1,
        ["clean"] = result.Clean,
        ["database"] = result.Database,
        ["server"] = result.Server,
        ["readOnly"] = result.ReadOnly,
        ["applied"] = result.Applied,
        ["pending"] = result.Pending,
        ["findings"] = Array(result.Findings, f => new JsonObject
        {
            ["kind"] = f.Kind,
            ["blocking"] = f.Blocking,
            ["migration"] = f.Migration,
            ["message"] = f.Message,
        }),
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
}
