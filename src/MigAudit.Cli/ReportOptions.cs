using System.CommandLine;
using MigAudit.Core;
using MigAudit.Reporting;

namespace MigAudit.Cli;

/// <summary>audit's --report FORMAT=FILE (more reports of the same audit) and --paths (where the located formats' paths start).</summary>
public static partial class CliApp
{
    private static Option<string[]> ReportOption()
    {
        var option = new Option<string[]>("--report")
        {
            Description = "Also write the report in FORMAT to FILE, from the same audit: repeat for several (--report sarif=migaudit.sarif --report markdown=migaudit.md). --format (and --output) still say what the standard output gets; the exit code is the same.",
            HelpName = "FORMAT=FILE",
        };
        option.Validators.Add(result =>
        {
            var files = new HashSet<string>(StringComparer.Ordinal);
            foreach (var value in result.Tokens.Select(t => t.Value).Where(v => v.Length > 0))
            {
                if (ReportTarget(value) is not { } target)
                {
                    result.AddError($"--report needs FORMAT=FILE with FORMAT one of {string.Join(", ", Formats)}, not '{value}'");
                }
                else if (!files.Add(Path.GetFullPath(target.File)))
                {
                    // The second would overwrite the first: one of the reports asked for would be missing.
                    result.AddError($"--report names {target.File} twice");
                }
            }
        });
        return option;
    }

    /// <summary>"sarif=out/x.sarif" as (sarif, out/x.sarif); null when the format is unknown or the file is missing. Split at the first '=': formats have none.</summary>
    private static (string Format, string File)? ReportTarget(string value) =>
        value.Split('=', 2) is [var format, { Length: > 0 } file] && Formats.Contains(format, StringComparer.Ordinal) ? (format, file) : null;

    private static Option<string> PathsOption() => new Option<string>("--paths")
    {
        Description = "Where the file paths of sarif, github and compact reports start: project (the audited folder, the default) or repo-root (git's top level, as GitHub code scanning and annotations resolve them; gitlab's always are). The other formats keep the audited folder's.",
        DefaultValueFactory = _ => "project",
    }.AcceptOnlyFromAmong("project", "repo-root");

    private static ReportPaths PathsFrom(string value) => value == "repo-root" ? ReportPaths.RepositoryRoot : ReportPaths.Project;

    /// <summary>Each --report, rendered from the one audit, with what --quiet left (as the standard output's report).</summary>
    private static void WriteReports(RepositoryAudit audit, string[] reports, string? docsUrl, ReportPaths paths, TextWriter stdout, TextWriter stderr)
    {
        foreach (var (format, file) in reports.Select(r => ReportTarget(r)!.Value))
        {
            Render(audit, format, file, docsUrl, stdout, stderr, paths);
        }
    }
}
