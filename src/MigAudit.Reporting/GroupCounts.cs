using MigAudit.Core;

namespace MigAudit.Reporting;

/// <summary>
/// What a group of findings (one rule's) has in common, said without claiming more than its items: a severity or
/// "blocking" label for the whole group only when every item has it, otherwise the count of each.
/// </summary>
public static class GroupCounts
{
    /// <summary>"HIGH RISK, BLOCKING" when all share it; "1 HIGH, 9 MEDIUM RISK, 1 BLOCKING" when they do not.</summary>
    public static string Label(IReadOnlyCollection<Finding> findings)
    {
        var blocking = findings.Count(f => f.Blocking);
        var blocks = blocking == 0 ? string.Empty
            : blocking == findings.Count ? ", BLOCKING"
            : $", {blocking} BLOCKING";
        return $"{Severities(findings).ToUpperInvariant()} RISK{blocks}";
    }

    /// <summary>The group's "Risk:" line: "HIGH (blocks production)", or "1 HIGH, 9 MEDIUM (1 of 10 block production)".</summary>
    public static string RiskLine(IReadOnlyCollection<Finding> findings)
    {
        var blocking = findings.Count(f => f.Blocking);
        var blocks = blocking == 0 ? string.Empty
            : blocking == findings.Count ? " (blocks production)"
            : $" ({blocking} of {findings.Count} block{(blocking == 1 ? "s" : string.Empty)} production)";
        return $"Risk: {Severities(findings).ToUpperInvariant()}{blocks}";
    }

    /// <summary>The blocking note after a count in the risk summary: " — blocking" when all block, " — 1 of 3 blocking" when some do.</summary>
    public static string BlockingNote(IReadOnlyCollection<Finding> findings)
    {
        var blocking = findings.Count(f => f.Blocking);
        return blocking == 0 ? string.Empty
            : blocking == findings.Count ? " — blocking"
            : $" — {blocking} of {findings.Count} blocking";
    }

    /// <summary>The one severity every item has, or the count of each, worst first.</summary>
    private static string Severities(IReadOnlyCollection<Finding> findings)
    {
        var counts = findings.GroupBy(f => f.Severity).OrderByDescending(g => g.Key).Select(g => (g.Key, Count: g.Count())).ToList();
        return counts.Count == 1 ? counts[0].Key.ToId() : string.Join(", ", counts.Select(c => $"{c.Count} {c.Key.ToId()}"));
    }
}
