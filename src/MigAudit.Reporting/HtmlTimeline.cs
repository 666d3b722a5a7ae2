using System.Globalization;
using System.Net;
using System.Text;
using MigAudit.Core;

namespace MigAudit.Reporting;

/// <summary>
/// Migrations over git history: one row per kind of event, a labelled time axis, and a line saying what history cannot
/// place (untracked files and deletions in the working tree have no commit, so no date), so the rows' counts and the
/// stat cards above agree.
/// </summary>
public static class HtmlTimeline
{
    private static readonly Dictionary<string, string> EventColours = new()
    {
        ["added"] = "#2da44e",
        ["edited"] = "#bf8700",
        ["renamed"] = "#8250df",
        ["deleted"] = "#cf222e",
    };

    private const int Width = 1100;
    private const int Left = 100;
    private const int Plot = Width - 120;

    public static string Render(AuditResult result, string idPrefix)
    {
        var events = new List<(DateTimeOffset Date, string Kind, string Name)>();
        foreach (var migration in result.Input.Migrations)
        {
            if (migration.Git.Added is { } added)
            {
                events.Add((added.Date, "added", migration.Name));
            }

            events.AddRange(migration.Git.EditedIn.Select(c => (c.Date, "edited", migration.Name)));
        }

        events.AddRange(result.Input.Deleted.Where(d => d.DeletionCommit is not null).Select(d => (d.DeletionCommit!.Date, "deleted", d.Name)));
        events.AddRange(result.Input.Renamed.Where(r => r.Commit is not null).Select(r => (r.Commit!.Date, "renamed", r.NewName)));
        var note = NotInHistory(result, idPrefix);
        if (events.Count == 0)
        {
            return $"<p id=\"{idPrefix}timeline\">No git history to show.</p>\n{note}";
        }

        const int rowHeight = 40;
        var kinds = new[] { "added", "edited", "renamed", "deleted" };
        var first = events.Min(e => e.Date);
        var last = events.Max(e => e.Date);
        var span = Math.Max(1, (last - first).TotalSeconds);
        double X(DateTimeOffset date) => Left + ((date - first).TotalSeconds / span * Plot);
        var axis = kinds.Length * rowHeight;
        var svg = new StringBuilder($"<svg id=\"{idPrefix}timeline\" width=\"{Width}\" height=\"{axis + 40}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"timeline from {first:yyyy-MM-dd} to {last:yyyy-MM-dd}\">\n");
        foreach (var (date, label) in Ticks(first, last))
        {
            var x = X(date);
            // A label centred on a tick at either end would be cut by the edge of the picture.
            var anchor = x > Width - 40 ? "end" : "middle";
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"tick\" x1=\"{x:0.0}\" y1=\"0\" x2=\"{x:0.0}\" y2=\"{axis + 4}\" stroke=\"#eaeef2\"/>")
                .Append(CultureInfo.InvariantCulture, $"<text class=\"tick-label\" x=\"{x:0.0}\" y=\"{axis + 20}\" font-size=\"11\" text-anchor=\"{anchor}\">{label}</text>\n");
        }

        for (var k = 0; k < kinds.Length; k++)
        {
            var y = (k * rowHeight) + 20;
            svg.Append($"<text x=\"0\" y=\"{y + 5}\" font-size=\"12\">{kinds[k]} ({events.Count(e => e.Kind == kinds[k])})</text>");
            svg.Append($"<line x1=\"{Left}\" y1=\"{y}\" x2=\"{Width - 10}\" y2=\"{y}\" stroke=\"#d0d7de\"/>\n");
            foreach (var e in events.Where(e => e.Kind == kinds[k]))
            {
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(e.Date):0.0}\" cy=\"{y}\" r=\"6\" fill=\"{EventColours[kinds[k]]}\" fill-opacity=\"0.8\"><title>{E(e.Name)} — {kinds[k]} {e.Date:yyyy-MM-dd}</title></circle>");
            }

            svg.Append('\n');
        }

        return svg.Append("</svg>\n").Append(note).ToString();
    }

    /// <summary>
    /// Axis ticks between two dates, at most about a dozen: days for a span under two months, months under three years
    /// (every 1, 2, 3 or 6), years beyond. Labels are yyyy-MM-dd, yyyy-MM or yyyy. Dates are placed in UTC.
    /// </summary>
    public static IReadOnlyList<(DateTimeOffset Date, string Label)> Ticks(DateTimeOffset first, DateTimeOffset last)
    {
        const int most = 12;
        var from = first.UtcDateTime;
        var to = last.UtcDateTime;
        var ticks = new List<(DateTimeOffset, string)>();
        if ((to - from).TotalDays < 60)
        {
            var step = new[] { 1, 2, 7, 14 }.First(s => (to - from).TotalDays / s <= most || s == 14);
            for (var day = from.Date.AddDays(from.TimeOfDay == TimeSpan.Zero ? 0 : 1); day <= to; day = day.AddDays(step))
            {
                ticks.Add((new DateTimeOffset(day, TimeSpan.Zero), day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
            }

            return ticks;
        }

        var months = ((to.Year - from.Year) * 12) + to.Month - from.Month;
        if (months < 36)
        {
            var step = new[] { 1, 2, 3, 6 }.First(s => months / s <= most || s == 6);
            var start = new DateTime(from.Year, from.Month, 1, 0, 0, 0, DateTimeKind.Utc);
            if (start < from)
            {
                start = start.AddMonths(1);
            }

            // Align to the step (quarters start in January, April, ...), so labels read as a calendar would.
            while ((start.Month - 1) % step != 0)
            {
                start = start.AddMonths(1);
            }

            for (var month = start; month <= to; month = month.AddMonths(step))
            {
                ticks.Add((new DateTimeOffset(month, TimeSpan.Zero), month.ToString("yyyy-MM", CultureInfo.InvariantCulture)));
            }

            return ticks;
        }

        var years = to.Year - from.Year;
        var yearStep = Math.Max(1, (int)Math.Ceiling(years / (double)most));
        var year = from.Month == 1 && from.Day == 1 && from.TimeOfDay == TimeSpan.Zero ? from.Year : from.Year + 1;
        for (year += (yearStep - (year % yearStep)) % yearStep; year <= to.Year; year += yearStep)
        {
            ticks.Add((new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.Zero), year.ToString(CultureInfo.InvariantCulture)));
        }

        return ticks;
    }

    /// <summary>What the stat cards count and the timeline cannot place: it has no commit, so no date.</summary>
    private static string NotInHistory(AuditResult result, string idPrefix)
    {
        var parts = new List<string>();
        var untracked = result.Input.Migrations.Count(m => m.Git.Added is null && m.Git.State != TrackingState.Committed);
        if (untracked > 0)
        {
            parts.Add($"{untracked} migration{(untracked == 1 ? " is" : "s are")} not committed yet");
        }

        var undated = result.Input.Migrations.Count(m => m.Git.Added is null && m.Git.State == TrackingState.Committed);
        if (undated > 0)
        {
            parts.Add($"{undated} committed migration{(undated == 1 ? "'s" : "s'")} adding commit not found in history");
        }

        var workingTree = result.Input.Deleted.Count(d => d.DeletionCommit is null);
        if (workingTree > 0)
        {
            parts.Add($"{workingTree} deleted in the working tree, not in history");
        }

        var renamed = result.Input.Renamed.Count(r => r.Commit is null);
        if (renamed > 0)
        {
            parts.Add($"{renamed} renamed in the working tree, not in history");
        }

        return parts.Count == 0 ? string.Empty : $"<p id=\"{idPrefix}timeline-note\">Not on the timeline: {string.Join("; ", parts)}.</p>\n";
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
