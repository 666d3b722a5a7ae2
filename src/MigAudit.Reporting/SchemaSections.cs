using System.Globalization;
using MigAudit.Core;

namespace MigAudit.Reporting;

/// <summary>Foreign key and index sections, from the schema replayed out of the migrations.</summary>
internal static class SchemaSections
{
    public static void WriteForeignKeys(ReportConsole output, AuditResult result, List<IGrouping<string, Finding>> groups)
    {
        var replay = result.Input.Schema;
        var fks = replay.Schema.Tables.Values.SelectMany(t => t.ForeignKeys).ToList();
        WriteCoverage(output, result);
        var withoutOnDelete = fks.Count(f => f.OnDelete is null);
        var status = fks.Count == 0 ? "NO FOREIGN KEYS" : groups.Count == 0 ? "GOOD" : withoutOnDelete == 0 ? "MOSTLY GOOD" : "NEEDS ATTENTION";
        output.Line($"Status: {status}", status is "GOOD" or "MOSTLY GOOD" ? "green bold" : "yellow bold");
        output.Line();
        output.Line($"Foreign keys: {fks.Count}");
        output.Line("Patterns Found:");
        foreach (var action in fks.GroupBy(f => f.OnDelete ?? "(none: NO ACTION)").OrderByDescending(g => g.Count()))
        {
            output.Line($"- ON DELETE {action.Key}: {action.Count()}");
        }

        if (fks.Count > 0 && withoutOnDelete == 0)
        {
            output.Line("- All foreign keys have onDelete handlers");
        }

        output.Line();
        WriteGroups(output, result, groups);
    }

    public static void WriteIndexes(ReportConsole output, AuditResult result, List<IGrouping<string, Finding>> groups)
    {
        var replay = result.Input.Schema;
        var tables = replay.Schema.Tables.Values.ToList();
        var migrations = Math.Max(1, result.Input.Migrations.Count);
        output.Line($"Total Indexes Created: {replay.IndexesDeclared} (explicit index and unique declarations; primary keys and foreign keys not counted)");
        output.Line($"Average per Migration: {(replay.IndexesDeclared / (double)migrations).ToString("0.0", CultureInfo.InvariantCulture)}");
        output.Line($"Tables: {tables.Count}, indexes in the final schema: {tables.Sum(t => t.Indexes.Count)}");
        output.Line();
        output.Line("Quality Assessment:");
        var idCreated = tables.Count(t => t.Indexes.Any(i => i.Columns.SequenceEqual(["id", "created_at"])));
        var status = tables.Count(t => t.Indexes.Any(i => i.Columns.FirstOrDefault() == "status"));
        if (idCreated > 0)
        {
            output.Line($"- Good: Composite indexes on (id, created_at) in {idCreated} tables");
        }

        if (status > 0)
        {
            output.Line($"- Good: Status column indexes in {status} tables");
        }

        foreach (var group in groups)
        {
            var rule = result.Rules.First(r => r.Id == group.Key);
            output.Line($"- Missing or improvable: {rule.Title.ToLowerInvariant()} ({group.Count()})");
        }

        if (groups.Count == 0)
        {
            output.Line("- No index issues found");
        }

        output.Line();
        WriteGroups(output, result, groups);
    }

    private static void WriteCoverage(ReportConsole output, AuditResult result)
    {
        var replay = result.Input.Schema;
        var understood = replay.Migrations.Sum(m => m.Up.Understood + m.Down.Understood);
        var total = replay.Migrations.Sum(m => m.Up.Total + m.Down.Total);
        var partial = replay.Migrations.Where(m => !m.Up.Complete || !m.Down.Complete).ToList();
        output.Line($"Schema replayed from {replay.Migrations.Count} migrations in Knex order: {replay.Schema.Tables.Count} tables. Coverage: {understood} of {total} schema statements understood{(partial.Count > 0 ? $"; {partial.Count} migrations partially understood" : " (100%)")}.");
        foreach (var migration in partial.Take(10))
        {
            var gap = migration.Up.Gaps.Concat(migration.Down.Gaps).First();
            output.Line($"  - {migration.Migration}: up {migration.Up.Understood}/{migration.Up.Total}, down {migration.Down.Understood}/{migration.Down.Total}; not understood at line {gap.Line}: {gap.Reason} ({gap.Code})", "yellow");
        }

        if (partial.Count > 10)
        {
            output.Line($"  - ... and {partial.Count - 10} more (see --format json, 'coverage')");
        }

        WriteUnknowns(output, replay);
        output.Line();
    }

    /// <summary>What the replay could not decide: the rules make no claim about it, and the report says so.</summary>
    private static void WriteUnknowns(ReportConsole output, SchemaReplay replay)
    {
        var schema = replay.Schema;
        var partialTables = schema.UncertainTables().Where(t => !t.Why.IsCreatedOutside).OrderBy(t => t.Table.Name, StringComparer.Ordinal).ToList();
        var outcomes = replay.Migrations.SelectMany(m => m.Unknowns.Select(u => (m.Migration, Outcome: u))).ToList();
        var indexOnly = schema.Tables.Values.Where(t => schema.UncertaintyOf(t) is null && t.PartialIndexes is not null).OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        if (schema.Unknown is null && partialTables.Count == 0 && indexOnly.Count == 0 && schema.UnknownTables.IsEmpty && outcomes.Count == 0)
        {
            return;
        }

        output.Line("Unknown (no rule makes a claim about it):");
        if (schema.Unknown is { } everything)
        {
            output.Line($"  - everything made before {Quoting.Printable(everything.Describe())}", "yellow");
        }

        foreach (var (table, why) in partialTables.Take(10))
        {
            output.Line($"  - contents of {Quoting.Printable(table.Name)}, since {Quoting.Printable(why.Describe())}", "yellow");
        }

        foreach (var table in indexOnly.Take(10))
        {
            output.Line($"  - indexes of {Quoting.Printable(table.Name)}, since {Quoting.Printable(table.PartialIndexes!.Describe())}", "yellow");
        }

        foreach (var (table, why) in schema.UnknownTables.OrderBy(t => t.Key, StringComparer.Ordinal).Take(10))
        {
            output.Line($"  - whether {Quoting.Printable(table)} exists: {Quoting.Printable(why.Describe())}", "yellow");
        }

        foreach (var (migration, outcome) in outcomes.Take(10))
        {
            output.Line($"  - {Quoting.Printable(migration)}:{outcome.Line}: {Quoting.Printable(outcome.Message)} ({Quoting.Printable(outcome.Because.Describe())})", "yellow");
        }

        var more = Math.Max(0, partialTables.Count - 10) + Math.Max(0, indexOnly.Count - 10) + Math.Max(0, schema.UnknownTables.Count - 10) + Math.Max(0, outcomes.Count - 10);
        if (more > 0)
        {
            output.Line($"  - ... and {more} more (see --format json, 'schema' and 'coverage')");
        }
    }

    internal static void WriteGroups(ReportConsole output, AuditResult result, List<IGrouping<string, Finding>> groups)
    {
        foreach (var group in groups)
        {
            var rule = result.Rules.First(r => r.Id == group.Key);
            var findings = group.ToList();
            var worst = findings.Max(f => f.Severity);
            output.Line($"{rule.Title.ToUpperInvariant()} ({findings.Count} - {GroupCounts.Label(findings)}) [{rule.Id}]", ReportConsole.StyleOf(worst) + " bold");
            TextReport.WriteGroup(output, rule, findings);
            output.Line();
        }
    }
}
