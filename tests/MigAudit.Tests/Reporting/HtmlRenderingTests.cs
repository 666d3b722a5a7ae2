using System.Diagnostics;
using System.Text.RegularExpressions;
using MigAudit.Core;
using MigAudit.Demo;
using MigAudit.Reporting;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Reporting;

/// <summary>The HTML report as a person sees it: rendered by headless Chromium, the screenshot must show the chart and the timeline, and the filter must hide what it says.</summary>
public sealed class HtmlRenderingTests
{
    /// <summary>Lets the page load and its script run before the dump or the screenshot, in virtual time: no fixed sleep.</summary>
    private const string Budget = "--virtual-time-budget=5000";

    private static string? Chromium() =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);

    [SkippableFact]
    public void Demo_report_renders_in_headless_chromium_with_chart_and_timeline()
    {
        var chromium = Chromium();
        Requires.Dependency(chromium is not null, "Chromium (apt-get install chromium)");

        using var folder = new TempRepo(init: false);
        var (page, _) = DemoPage(folder);
        var screenshot = Path.Combine(folder.Root, "report.png");
        Run(chromium!, folder, Budget, "--window-size=1240,1400", $"--screenshot={screenshot}", new Uri(page).AbsoluteUri);

        var png = Png.Read(screenshot);
        Assert.Equal((1240, 1400), (png.Width, png.Height));

        // The verdict banner and the high-severity bars are #cf222e; medium bars #d4a72c; the timeline's added dots #2da44e.
        Assert.True(png.Count(0xcf, 0x22, 0x2e) > 20_000, "no red verdict banner / high bars in the screenshot");
        Assert.True(png.Count(0xd4, 0xa7, 0x2c) > 2_000, "no medium bars in the screenshot");
        Assert.True(png.Count(0x2d, 0xa4, 0x4e) > 300, "no timeline dots in the screenshot");
    }

    /// <summary>
    /// The filter is set from the URL hash (so a filtered view can be linked); Chromium runs the page's script, and the
    /// dumped DOM shows which groups it hid. --virtual-time-budget lets the page finish loading before the dump or the
    /// screenshot, without a fixed sleep.
    /// </summary>
    [SkippableFact]
    public void Filters_from_the_url_hash_hide_groups_and_rows_in_headless_chromium()
    {
        var chromium = Chromium();
        Requires.Dependency(chromium is not null, "Chromium (apt-get install chromium)");

        using var folder = new TempRepo(init: false);
        var (page, result) = DemoPage(folder);
        var url = new Uri(page).AbsoluteUri;
        var groups = result.Findings.GroupBy(f => (f.Rule, f.Severity)).ToList();
        var high = groups.Where(g => g.Key.Severity == Severity.High).ToList();
        Assert.Equal(4, high.Count);

        var unfiltered = Groups(Run(chromium!, folder, Budget, "--dump-dom", url));
        Assert.Equal(groups.Count, unfiltered.Visible);
        Assert.Equal(0, unfiltered.Hidden);
        Assert.Equal(result.Findings.Count, unfiltered.VisibleRows);

        var dom = Run(chromium!, folder, Budget, "--dump-dom", url + "#severity=high");
        // The script ran: the controls are shown, the high box alone is ticked, and the line says what is shown.
        Assert.Contains("<form class=\"filters\" id=\"filters\" data-for=\"findings\">", dom);
        Assert.Contains($"showing 4 of {groups.Count} groups, {high.Sum(g => g.Count())} of {result.Findings.Count} findings", dom);
        var onlyHigh = Groups(dom);
        Assert.Equal((high.Count, groups.Count - high.Count, high.Sum(g => g.Count())), (onlyHigh.Visible, onlyHigh.Hidden, onlyHigh.VisibleRows));

        var oneRule = Groups(Run(chromium!, folder, Budget, "--dump-dom", url + "#rule=deleted-migration"));
        Assert.Equal((1, groups.Count - 1, result.Findings.Count(f => f.Rule == "deleted-migration")), (oneRule.Visible, oneRule.Hidden, oneRule.VisibleRows));

        // A screenshot before and after the filter: the same size, different pixels, and the medium groups' summary
        // text (#9a6700, nowhere else on this page) gone once only high is shown.
        var before = Path.Combine(folder.Root, "before.png");
        var after = Path.Combine(folder.Root, "after.png");
        Run(chromium!, folder, Budget, "--window-size=1240,2200", $"--screenshot={before}", url);
        Run(chromium!, folder, Budget, "--window-size=1240,2200", $"--screenshot={after}", url + "#severity=high");
        var (all, filtered) = (Png.Read(before), Png.Read(after));
        Assert.Equal((1240, 2200), (all.Width, all.Height));
        Assert.Equal((1240, 2200), (filtered.Width, filtered.Height));
        Assert.False(all.Rgba.AsSpan().SequenceEqual(filtered.Rgba), "the filter changed nothing on screen");
        Assert.True(all.Count(0x9a, 0x67, 0x00, tolerance: 0) > 50, "no medium group summaries in the unfiltered screenshot");
        Assert.Equal(0, filtered.Count(0x9a, 0x67, 0x00, tolerance: 0));
    }

    private static (string Page, AuditResult Result) DemoPage(TempRepo folder)
    {
        var demo = Path.Combine(folder.Root, "demo");
        BotBuilderDemo.Create(demo);
        var result = Audit.Run(demo);
        var page = Path.Combine(folder.Root, "report.html");
        File.WriteAllText(page, HtmlReport.Render(result, "test"));
        return (page, result);
    }

    /// <summary>Groups Chromium left shown and hid, and the finding rows inside the shown ones.</summary>
    private static (int Visible, int Hidden, int VisibleRows) Groups(string dom)
    {
        var groups = Regex.Matches(dom, "<details class=\"group\"([^>]*)>(.*?)</details>", RegexOptions.Singleline);
        var visible = groups.Where(g => !g.Groups[1].Value.Contains(" hidden", StringComparison.Ordinal)).ToList();
        return (visible.Count, groups.Count - visible.Count, visible.Sum(g => Regex.Count(g.Groups[2].Value, "<tr>")));
    }

    private static string Run(string chromium, TempRepo folder, params string[] arguments)
    {
        var start = new ProcessStartInfo(chromium) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--hide-scrollbars", $"--user-data-dir={Path.Combine(folder.Root, "profile")}",
                 }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "Chromium did not finish");
        return stdout.Result;
    }
}
