using MigAudit.Core;

namespace MigAudit.Engine;

/// <summary>
/// --quiet, as ESLint's: only what fails a release is shown (blocking and high findings). The verdict rests on the
/// blocking findings and the unknowns, which all stay, so it is unchanged; the exit code is computed before filtering.
/// </summary>
public static class QuietFilter
{
    public static bool Shows(Finding finding) => finding.Blocking || finding.Severity == Severity.High;

    public static AuditResult Apply(AuditResult result)
    {
        var kept = result.Findings.Where(Shows).ToList();
        return result with { Findings = kept, Quieted = result.Findings.Count - kept.Count };
    }
}
