using MigAudit.Core;

namespace MigAudit.Reporting;

/// <summary>What the migrations do to tables that were already live: the locks their statements take, from the replay.</summary>
internal static class LockSection
{
    public static void Write(ReportConsole output, AuditResult result, List<IGrouping<string, Finding>> groups)
    {
        var dialect = result.Input.Project.Dialect.Dialect;
        if (dialect is not (SqlDialect.PostgreSQL or SqlDialect.Unknown))
        {
            output.Line($"Not checked for {dialect}: the lock rules model another database's lock levels.");
            return;
        }

        var operations = result.Input.Schema.Migrations.SelectMany(m => m.Operations).Where(o => o.TableExistedBefore == true && o.Kind != LockOperationKind.DataChange).ToList();
        output.Line($"Statements on tables that existed before their migration: {operations.Count}");
        foreach (var mode in operations.GroupBy(o => o.Mode).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            output.Line($"- {mode.Key}: {mode.Count()}", mode.Key == "ACCESS EXCLUSIVE" ? "yellow" : null);
        }

        output.Line("(Static: from the replayed migrations. 'migaudit verify' traces the locks each one really takes on a scratch PostgreSQL.)");
        output.Line();
        BatchLockSection.Write(output, result.Input);
        if (operations.Count > 0 && result.Input.Git.IsRepository && result.Input.Migrations.All(m => m.Git.ShippedInRelease is null))
        {
            // Only migrations production has not run yet can still block it; without a release tag that set is unknown.
            output.Line("No release tag holds these migrations, so which ones production has already run is not known: every migration's locks are listed at full severity. A release tag (git tag v1.2.0) marks what has shipped; findings on shipped migrations drop to low.");
        }
        output.Line();
        if (groups.Count == 0)
        {
            output.Line("No lock hazards found.", "green");
            output.Line();
        }

        SchemaSections.WriteGroups(output, result, groups);
    }
}
