using System.Diagnostics;
using MigAudit.Demo;
using MigAudit.Reporting;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Reporting;

/// <summary>The HTML report as a person sees it: rendered by headless Chromium, the screenshot must show the chart and the timeline.</summary>
public sealed class HtmlRenderingTests
{
    private static string? Chromium() =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);

    [SkippableFact]
    public void Demo_report_renders_in_headless_chromium_with_chart_and_timeline()
    {
        var chromium = Chromium();
        Requires.Dependency(chromium is not null, "Chromium (apt-get install chromium)");

        using var folder = new TempRepo(init: false);
        var demo = Path.Combine(folder.Root, "demo");
        BotBuilderDemo.Create(demo);
        var page = Path.Combine(folder.Root, "report.html");
        File.WriteAllText(page, HtmlReport.Render(Audit.Run(demo), "test"));
        var screenshot = Path.Combine(folder.Root, "report.png");

        var start = new ProcessStartInfo(chromium!) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--hide-scrollbars", $"--user-data-dir={Path.Combine(folder.Root, "profile")}",
                     "--window-size=1240,1400", $"--screenshot={screenshot}", new Uri(page).AbsoluteUri,
                 })
        {
            start.ArgumentList.Add(argument);
        }

        using (var process = Process.Start(start)!)
        {
            process.StandardOutput.ReadToEndAsync();
            process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(60_000), "Chromium did not finish");
        }

        var png = Png.Read(screenshot);
        Assert.Equal((1240, 1400), (png.Width, png.Height));

        // The verdict banner and the high-severity bars are #cf222e; medium bars #d4a72c; the timeline's added dots #2da44e.
        Assert.True(png.Count(0xcf, 0x22, 0x2e) > 20_000, "no red verdict banner / high bars in the screenshot");
        Assert.True(png.Count(0xd4, 0xa7, 0x2c) > 2_000, "no medium bars in the screenshot");
        Assert.True(png.Count(0x2d, 0xa4, 0x4e) > 300, "no timeline dots in the screenshot");
    }
}
