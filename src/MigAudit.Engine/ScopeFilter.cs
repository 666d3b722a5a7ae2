using MigAudit.Core;

namespace MigAudit.Engine;

/// <summary>Keeps only the findings a change is responsible for; the inventory, statistics and replay stay whole.</summary>
public static class ScopeFilter
{
    public static AuditResult Apply(AuditResult result, ChangeScope scope)
    {
        var files = scope.Files.ToHashSet(StringComparer.Ordinal);
        var kept = result.Findings.Where(f => scope.Covers(f, files)).ToList();
        return result with { Findings = kept, Scope = scope, OutOfScope = result.Findings.Count - kept.Count };
    }
}
