using MigAudit.Core;
using MigAudit.Reporting;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Reporting;

/// <summary>
/// A group's header says what every item in it is, or counts them: a group of one blocking high finding and nine
/// medium ones was printed "10 - HIGH RISK, BLOCKING" (issue #29).
/// </summary>
public sealed class GroupHeaderTests
{
    private static Finding Deleted(int i, Severity severity, bool blocking) => new()
    {
        Rule = "deleted-migration",
        Severity = severity,
        Blocking = blocking,
        File = $"migrations/2020010100000{i}_m{i}.js",
        Message = $"deleted m{i}",
        Headline = $"m{i} deleted",
        Key = $"m{i}",
    };

    private static Finding Lock(string rule, Severity severity, bool blocking) => new()
    {
        Rule = rule,
        Severity = severity,
        Blocking = blocking,
        File = "migrations/20200101000001_a.js",
        Line = 3,
        Message = $"{rule} {severity.ToId()}",
        Key = $"{rule}-{severity.ToId()}",
    };

    private static string Render(IReadOnlyList<Finding> findings)
    {
        using var repo = Audit.Project(("20200101000001_a.js", Audit.CreateTable("a")));
        var result = Audit.Run(repo.Root) with { Findings = findings };
        var text = new StringWriter();
        TextReport.Write(result, new ReportConsole(text, colour: false));
        return text.ToString();
    }

    [Fact]
    public void A_mixed_group_counts_each_severity_and_the_blocking_ones()
    {
        var findings = new List<Finding> { Deleted(1, Severity.High, blocking: true) };
        findings.AddRange(Enumerable.Range(2, 9).Select(i => Deleted(i, Severity.Medium, blocking: false)));
        var lines = Render(findings).Split('\n').Select(l => l.TrimEnd('\r')).ToList();

        Assert.Contains("PROBLEM #1: DELETED MIGRATIONS (10 - 1 HIGH, 9 MEDIUM RISK, 1 BLOCKING) [deleted-migration]", lines);
        Assert.Contains("Risk: 1 HIGH, 9 MEDIUM (1 of 10 blocks production)", lines);
        Assert.DoesNotContain(lines, l => l.Contains("HIGH RISK, BLOCKING", StringComparison.Ordinal));

        // The risk summary lists each severity's items with their own blocking count.
        var summary = lines.IndexOf("HIGH RISK:");
        Assert.Equal("1. 1 × deleted migrations — blocking", lines[summary + 1]);
        var medium = lines.IndexOf("MEDIUM RISK:");
        Assert.Equal("1. 9 × deleted migrations", lines[medium + 1]);
    }

    [Fact]
    public void A_group_whose_items_all_share_severity_and_blocking_says_so_once()
    {
        var lines = Render([Deleted(1, Severity.High, blocking: true), Deleted(2, Severity.High, blocking: true)]).Split('\n').Select(l => l.TrimEnd('\r')).ToList();

        Assert.Contains("PROBLEM #1: DELETED MIGRATIONS (2 - HIGH RISK, BLOCKING) [deleted-migration]", lines);
        Assert.Contains("Risk: HIGH (blocks production)", lines);
    }

    [Fact]
    public void Some_blocking_in_one_severity_counts_them_in_the_summary()
    {
        var lines = Render([Deleted(1, Severity.High, blocking: true), Deleted(2, Severity.High, blocking: false), Deleted(3, Severity.High, blocking: false)])
            .Split('\n').Select(l => l.TrimEnd('\r')).ToList();

        Assert.Contains("PROBLEM #1: DELETED MIGRATIONS (3 - HIGH RISK, 1 BLOCKING) [deleted-migration]", lines);
        Assert.Contains("Risk: HIGH (1 of 3 blocks production)", lines);
        Assert.Equal("1. 3 × deleted migrations — 1 of 3 blocking", lines[lines.IndexOf("HIGH RISK:") + 1]);
    }

    [Fact]
    public void Schema_and_lock_sections_count_too_and_show_blocking_they_used_to_omit()
    {
        var lines = Render([
            Lock("drop-index-not-concurrently", Severity.Medium, blocking: false),
            Lock("drop-index-not-concurrently", Severity.Low, blocking: false),
            Lock("fk-missing-index", Severity.High, blocking: true),
        ]).Split('\n').Select(l => l.TrimEnd('\r')).ToList();

        Assert.Contains(lines, l => l.EndsWith("(2 - 1 MEDIUM, 1 LOW RISK) [drop-index-not-concurrently]", StringComparison.Ordinal));
        Assert.Contains("Risk: 1 MEDIUM, 1 LOW", lines);
        Assert.Contains(lines, l => l.EndsWith("(1 - HIGH RISK, BLOCKING) [fk-missing-index]", StringComparison.Ordinal));
    }
}
