using System.Globalization;
using MigAudit.Core;

namespace MigAudit.Reporting;

/// <summary>The human report, in the order of a hand-made audit: statistics, order, problems, risk, readiness, actions, files, conclusion.</summary>
public static class TextReport
{
    /// <summary>Groups with more findings than this are listed by headline, after the first full explanation.</summary>
    private const int FullMessagesUpTo = 3;

    public static void Write(AuditResult result, ReportConsole output)
    {
        var input = result.Input;
        var project = input.Project;
        var stats = result.Statistics;
        var title = $"Knex Migration Audit Report: {Path.GetFileName(project.Root.TrimEnd('/'))}";
        output.Line(title, "bold");
        output.Line(new string('=', title.Length));
        output.Line($"Date:        {result.GeneratedAt:yyyy-MM-dd}");
        output.Line($"Status:      {(result.Ready ? "READY" : result.IsUnknown ? "UNKNOWN (nothing blocks, but what decides it is undecided: migaudit could not read it, or only production can tell)" : "CRITICAL ISSUES FOUND")}", VerdictStyle(result, bold: false));
        if (result.Set is { } set)
        {
            output.Line(Quoting.Printable($"Set:         {set.Name} ({set.Reason})"));
        }

        output.Line($"Knexfile:    {Knexfile(project)}");
        output.Line($"Database:    {Quoting.Printable(project.Dialect.Describe())}");
        output.Line($"Migrations:  {string.Join(", ", project.Settings.Directories)} (table {Table(project.Settings)}, {SourceText(project)})");
        output.Line($"Git:         {GitText(input.Git)}");
        if (input.Applied is { } applied)
        {
            output.Line(Quoting.Printable($"Production:  {applied.Names.Count} name{(applied.Names.Count == 1 ? string.Empty : "s")} in its migrations table, from {applied.Source} (--applied): history findings are decided by them"));
        }
        if (result.Scope is { } scope)
        {
            output.Line($"Scope:       {Quoting.Printable(scope.Description)}: {scope.Files.Count} file{(scope.Files.Count == 1 ? string.Empty : "s")}; {result.OutOfScope} finding{(result.OutOfScope == 1 ? string.Empty : "s")} about other files not shown (the whole project was read)");
        }

        if (result.Quieted > 0)
        {
            output.Line($"Quiet:       {result.Quieted} finding{(result.Quieted == 1 ? string.Empty : "s")} neither blocking nor high not shown (--quiet)");
        }

        var section = 0;
        string Next(string name) => $"{++section}. {name}";

        output.Heading(Next("MIGRATION STATISTICS"));
        Stat(output, "Total Migrations (Active in filesystem):", stats.Active);
        Stat(output, "Total Migrations (Committed in git):", stats.Committed);
        Stat(output, "Untracked/New Migrations:", stats.Untracked);
        Stat(output, "Deleted Migrations:", stats.Deleted);
        Stat(output, "Renamed Migrations:", stats.Renamed);
        Stat(output, "Migrations with Down Functions:", stats.WithDown);
        Stat(output, "Migrations WITHOUT Down Functions:", stats.WithoutDown);
        Stat(output, "Unparseable Migrations:", stats.Unparseable);
        output.Line();
        output.Line($"Current State: {CurrentState(input, stats)}");

        output.Heading(Next("EXECUTION ORDER (as Knex runs them)"));
        WriteOrder(output, input.Migrations, input.StagedCommitted);

        output.Heading(Next("CRITICAL PROBLEMS FOUND"));
        var groups = result.Findings.GroupBy(f => f.Rule).ToList();
        var problemGroups = groups.Where(g => CategoryOf(result, g.Key) == RuleCategory.Migrations).ToList();
        if (problemGroups.Count == 0)
        {
            output.Line("None.", "green");
        }

        var problem = 0;
        foreach (var group in problemGroups)
        {
            var rule = result.Rules.First(r => r.Id == group.Key);
            var findings = group.ToList();
            var worst = findings.Max(f => f.Severity);
            output.Line($"PROBLEM #{++problem}: {rule.Title.ToUpperInvariant()} ({findings.Count} - {GroupCounts.Label(findings)}) [{rule.Id}]", ReportConsole.StyleOf(worst) + " bold");
            WriteGroup(output, rule, findings);
        }

        output.Heading(Next("DATABASE CONFIGURATION"));
        ConfigurationSection.Write(output, result, groups.Where(g => CategoryOf(result, g.Key) == RuleCategory.Configuration).ToList());

        output.Heading(Next("FOREIGN KEY ANALYSIS"));
        SchemaSections.WriteForeignKeys(output, result, groups.Where(g => CategoryOf(result, g.Key) == RuleCategory.ForeignKeys).ToList());

        output.Heading(Next("INDEX ANALYSIS"));
        SchemaSections.WriteIndexes(output, result, groups.Where(g => CategoryOf(result, g.Key) == RuleCategory.Indexes).ToList());

        output.Heading(Next("LOCK SAFETY (what each migration does to a live table)"));
        LockSection.Write(output, result, groups.Where(g => CategoryOf(result, g.Key) == RuleCategory.Locks).ToList());

        output.Heading(Next("PRODUCTION DEPLOYMENT RISK SUMMARY"));

        foreach (var severity in new[] { Severity.High, Severity.Medium, Severity.Low })
        {
            output.Line($"{severity.ToId().ToUpperInvariant()} RISK:", ReportConsole.StyleOf(severity) + " bold");
            var items = groups.Select(g => (Rule: result.Rules.First(r => r.Id == g.Key), Findings: g.Where(f => f.Severity == severity).ToList()))
                .Where(x => x.Findings.Count > 0).ToList();
            if (items.Count == 0)
            {
                output.Line("(none)");
            }

            var n = 0;
            foreach (var (rule, findings) in items)
            {
                output.Line($"{++n}. {findings.Count} × {rule.Title.ToLowerInvariant()}{GroupCounts.BlockingNote(findings)}");
            }

            output.Line();
        }

        WriteUnknowns(output, result);
        output.Line($"Production Readiness: {VerdictText(result)}", VerdictStyle(result, bold: true));

        output.Heading(Next("IMMEDIATE ACTIONS REQUIRED"));
        WriteActions(output, result, blocking: true, "BLOCKING ISSUES (must fix before production):");
        WriteActions(output, result, blocking: false, "OTHER ACTIONS (recommended):");

        output.Heading("FILES REQUIRING CHANGES");
        WriteFiles(output, result);

        var notes = project.Notes.Concat(input.Git.Limitations).ToList();
        if (notes.Count > 0)
        {
            output.Heading("NOTES (what the audit could not know)");
            foreach (var note in notes)
            {
                output.Line($"- {note}");
            }
        }

        output.Heading("CONCLUSION");
        output.Line($"Current state is {(result.Ready ? "PRODUCTION READY" : result.IsUnknown ? "UNKNOWN: nothing blocks, but what decides it is undecided (migaudit could not read it, or only production can tell)" : "NOT PRODUCTION READY")}", VerdictStyle(result, bold: true));
        output.Line();
        var blockingRules = result.Findings.Where(f => f.Blocking).Select(f => f.Rule).Distinct().Count();
        output.Line($"Critical blocking issues: {result.BlockingCount} finding{(result.BlockingCount == 1 ? string.Empty : "s")} in {blockingRules} rule{(blockingRules == 1 ? string.Empty : "s")}");
        if (result.BlockingCount > 0)
        {
            output.Line("Must be resolved before any production deployment");
        }

        if (result.Unknowns.Count > 0)
        {
            output.Line($"Undecided: {result.Unknowns.Count} thing{(result.Unknowns.Count == 1 ? string.Empty : "s")} that decide{(result.Unknowns.Count == 1 ? "s" : string.Empty)} readiness (listed under UNKNOWN above)");
        }

        var (low, high) = result.EffortMinutes;
        output.Line($"Estimated effort to fix: {Hours(low, high)} (sum of per-rule estimates)");
        output.Line($"Audit took {result.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s");
    }

    public static void WriteGroup(ReportConsole output, RuleSummary rule, List<Finding> findings)
    {
        output.Line(rule.Summary);
        if (findings.Count <= FullMessagesUpTo || findings.Any(f => f.Headline is null))
        {
            foreach (var finding in findings)
            {
                output.Line($"- {Location(finding)}{ScopeTag(finding)}: {finding.Message}");
            }
        }
        else
        {
            output.Line($"Why: {findings[0].Message}");
            foreach (var finding in findings)
            {
                output.Line($"- {finding.Headline}{ScopeTag(finding)}");
            }
        }

        output.Line();
        output.Line(GroupCounts.RiskLine(findings));
        output.Line($"Impact: {rule.Impact}");
        output.Line("---");
    }

    private static RuleCategory CategoryOf(AuditResult result, string rule) =>
        result.Rules.FirstOrDefault(r => r.Id == rule)?.Category ?? RuleCategory.Migrations;

    private static void Stat(ReportConsole output, string label, int value) => output.Line($"{label,-44}{value,4}");

    private static string Knexfile(KnexProject project)
    {
        if (project.Knexfile is null)
        {
            return "none found";
        }

        var example = project.Knexfile.Example ? "example knexfile " : string.Empty;
        var choice = project.EnvironmentChoice;
        if (choice is { Source: ChoiceSource.Default } && project.Environment is null)
        {
            // The knexfile was not evaluated: its environments are unknown.
            return Quoting.Printable($"{example}{project.Knexfile.Path} (environment not known: {choice.Reason})");
        }

        var from = choice?.Source switch
        {
            ChoiceSource.Option => ", from --env",
            ChoiceSource.Script => Quoting.Printable($", {choice.Reason}"),
            _ => string.Empty,
        };
        return example + (project.Environment is null ? $"{project.Knexfile.Path} (single configuration)"
            : project.Knexfile.EnvironmentVariable is { } variable ? $"{project.Knexfile.Path} (environment: {project.Environment}{from}, chosen by {variable} when Node loads it)"
            : $"{project.Knexfile.Path} (environment: {project.Environment}{from})");
    }

    public static string VerdictText(AuditResult result) => result.Ready ? "READY" : result.IsUnknown ? "UNKNOWN" : "NOT READY";

    public static string VerdictStyle(AuditResult result, bool bold) =>
        result.Ready ? (bold ? "green bold" : "green") : result.IsUnknown ? "yellow bold" : "red bold";

    /// <summary>What decides readiness and could not be read, each at its file:line; nothing when all was read.</summary>
    private static void WriteUnknowns(ReportConsole output, AuditResult result)
    {
        if (result.Unknowns.Count == 0)
        {
            return;
        }

        output.Line("UNKNOWN (could not be read, and decides readiness):", "yellow bold");
        foreach (var unknown in result.Unknowns)
        {
            output.Line(Quoting.Printable($"- {(unknown.File is null ? string.Empty : unknown.Location + ": ")}{unknown.Reason}"));
        }

        output.Line();
    }

    private static string Table(MigrationSettings settings) =>
        settings.SchemaName is null ? settings.TableName : $"{settings.SchemaName}.{settings.TableName}";

    private static string SourceText(KnexProject project) => project.FolderChoice.Source switch
    {
        ChoiceSource.Knexfile => "from the knexfile",
        ChoiceSource.MigrateCall => $"from the migrate call in {project.Settings.SourceFile}",
        ChoiceSource.Option => "from --migrations",
        ChoiceSource.Script => Quoting.Printable(project.FolderChoice.Reason),
        ChoiceSource.Convention => "found by convention",
        _ => Quoting.Printable($"ASSUMED: {project.FolderChoice.Reason}"),
    };

    private static string GitText(GitFacts git)
    {
        if (!git.IsRepository)
        {
            return "not a git repository (history not audited)";
        }

        if (!git.HasCommits)
        {
            return "repository without commits";
        }

        var where = git.IsDetached ? "detached HEAD" : $"branch {git.Branch}";
        var shallow = git.IsShallow ? ", shallow clone" : string.Empty;
        return $"{where} at {git.Head![..10]}, {git.CommitsRead} commits touching migrations{shallow}";
    }

    private static string CurrentState(AuditInput input, Statistics stats)
    {
        if (!input.Git.IsRepository)
        {
            return "UNKNOWN - no git history to compare with";
        }

        var gaps = new List<string>();
        if (stats.Untracked > 0)
        {
            gaps.Add($"{stats.Untracked} untracked");
        }

        if (stats.Deleted > 0)
        {
            gaps.Add($"{stats.Deleted} deleted");
        }

        if (stats.Renamed > 0)
        {
            gaps.Add($"{stats.Renamed} renamed");
        }

        return gaps.Count == 0
            ? "CONSISTENT - git and the filesystem agree"
            : $"UNSTABLE - Large discrepancy between git and filesystem ({string.Join(", ", gaps)} migrations)";
    }

    private static void WriteOrder(ReportConsole output, IReadOnlyList<Migration> migrations, bool stagedCommitted)
    {
        if (migrations.Count == 0)
        {
            output.Line("No migrations: Knex has nothing to run.");
            return;
        }

        var width = Math.Max(9, migrations.Max(m => m.Name.Length));
        output.Line($"{"#",4}  {"migration".PadRight(width)}  {"state",-10} {"up",-4} {"down",-6} format");
        foreach (var m in migrations)
        {
            var down = m.Module.Format == MigrationFormat.Unparseable ? "?" : m.Module.HasDown ? (m.Module.Down!.IsEmpty ? "empty" : "yes") : m.Module.ExportsUnknown ? "?" : "NO";
            var up = m.Module.Format == MigrationFormat.Unparseable ? "?" : m.Module.HasUp ? "yes" : m.Module.ExportsUnknown ? "?" : "NO";
            var staged = stagedCommitted && m.Git.Staged && m.Git.State == TrackingState.Untracked;
            var state = staged ? "staged" : m.Git.State.ToString().ToLowerInvariant();
            var format = FormatId(m.Module.Format);
            var style = m.Module.Format != MigrationFormat.Knex || up == "NO" || down == "NO" ? "red" : m.Git.State == TrackingState.Untracked && !staged ? "yellow" : null;
            output.Line($"{m.Order,4}  {m.Name.PadRight(width)}  {state,-10} {up,-4} {down,-6} {format}", style);
        }
    }

    public static string FormatId(MigrationFormat format) => format switch
    {
        MigrationFormat.Knex => "knex",
        MigrationFormat.NonKnex => "non-knex",
        _ => "unparseable",
    };

    /// <summary>
    /// " [certain, pending]": how sure the finding is and where its migration stands with production (long-shipped
    /// with the releases run since). Empty for findings about no migration.
    /// </summary>
    public static string ScopeTag(Finding finding) => finding.Scope is not { } scope
        ? string.Empty
        : $" [{finding.Evidence.ToId()}, {scope.ToId()}{scope switch
        {
            FindingScope.LongShipped when finding.ScopeReleases.Count > 0 => $" since {Quoting.Printable(finding.ScopeReleases[0])}",
            FindingScope.Shipped when finding.ScopeReleases.Count > 0 => $" in {Quoting.Printable(finding.ScopeReleases[^1])}",
            _ => string.Empty,
        }}]";

    private static string Location(Finding finding) =>
        (finding.File is null ? finding.Rule : finding.Line is null ? finding.File : $"{finding.File}:{finding.Line}") +
        (finding.CalledFrom is { } caller ? $" (called from {caller})" : string.Empty);

    private static void WriteActions(ReportConsole output, AuditResult result, bool blocking, string heading)
    {
        var groups = result.Findings.Where(f => f.Blocking == blocking && f.Action is not null).GroupBy(f => f.Rule).ToList();
        if (groups.Count == 0)
        {
            return;
        }

        output.Line(heading, blocking ? "red bold" : "bold");
        output.Line();
        var n = 0;
        foreach (var group in groups)
        {
            var rule = result.Rules.First(r => r.Id == group.Key);
            output.Line($"{++n}. {rule.Title}");
            var actions = group.Select(f => f.Action!).Distinct().ToList();
            const int shown = 8;
            foreach (var action in actions.Take(shown))
            {
                output.Line($"   - {action}");
            }

            if (actions.Count > shown)
            {
                output.Line($"   - ... and {actions.Count - shown} more of the same kind (see the findings above, or --format json)");
            }

            output.Line();
        }
    }

    private static void WriteFiles(ReportConsole output, AuditResult result)
    {
        var changes = result.Findings.Where(f => f.Blocking).SelectMany(f => f.Changes)
            .GroupBy(c => c.Path).Select(g => g.First()).ToList();
        if (changes.Count == 0)
        {
            output.Line("None required.");
            return;
        }

        foreach (var group in changes.GroupBy(c => c.Group).OrderBy(g => g.Key))
        {
            output.Line($"{group.Key}:");
            foreach (var change in group)
            {
                output.Line($"- {change.Path} ({change.Change})");
            }

            output.Line();
        }
    }

    private static string Hours(int lowMinutes, int highMinutes)
    {
        if (highMinutes < 90)
        {
            return $"{lowMinutes}-{highMinutes} minutes";
        }

        var low = Math.Max(1, (int)Math.Floor(lowMinutes / 60.0));
        var high = Math.Max(low + 1, (int)Math.Ceiling(highMinutes / 60.0));
        return $"{low}-{high} hours";
    }
}
