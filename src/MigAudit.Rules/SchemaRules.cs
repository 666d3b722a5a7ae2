using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>Shared by the schema rules: where a schema object was created.</summary>
internal static class SchemaLocation
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<AuditInput, Dictionary<string, string>> Paths = new();

    /// <summary>The path of a migration by name; a lookup table per audit keeps rules linear in the number of findings.</summary>
    public static string? PathOf(AuditInput input, string migration) =>
        Paths.GetValue(input, i => i.Migrations.GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.First().Path, StringComparer.Ordinal))
            .GetValueOrDefault(migration);

    public static string Columns(IEnumerable<string> columns) => "(" + string.Join(", ", columns) + ")";

    /// <summary>Whether some index, unique constraint or the primary key starts with exactly these columns (in any order).</summary>
    public static bool HasLeadingIndex(TableModel table, IReadOnlyList<string> columns)
    {
        bool Leads(IReadOnlyList<string> indexColumns) =>
            indexColumns.Count >= columns.Count && indexColumns.Take(columns.Count).ToHashSet().SetEquals(columns);

        return Leads(table.PrimaryKey) || table.Indexes.Any(i => Leads(i.Columns));
    }

    /// <summary>Tables whose rows grow with traffic, by name: see docs/rules/missing-created-at-index.md.</summary>
    public static bool IsWriteHeavy(string table)
    {
        string[] markers =
        [
            "log", "event", "message", "deliver", "audit", "activit", "notification", "histor", "usage", "metric", "tracking",
            "call", "completion", "reaction", "session", "analytics", "job", "attempt", "click", "pageview",
        ];
        return markers.Any(m => table.Contains(m, StringComparison.Ordinal));
    }
}

public sealed class ChainErrorRule : Rule
{
    public override string Id => "chain-error";
    public override string Title => "Migration chain errors";
    public override Severity Severity => Severity.High;
    public override bool Blocking => true;
    public override string Summary => "Run in Knex's order on an empty database, a migration works on a table or column that does not exist yet, creates one that exists, or references a table created later.";
    public override string Impact => "knex migrate:latest fails on a fresh database (a new environment, CI, a disaster-recovery rebuild).";
    public override int EffortPerFindingMinutes => 30;

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        foreach (var replay in input.Schema.Migrations)
        {
            foreach (var (problem, ordinal) in replay.ChainProblems.Select((p, i) => (p, i)))
            {
                yield return Found(
                    $"{replay.Migration} (line {problem.Line}): {problem.Message}. Replayed in Knex's order on an empty database, 'knex migrate:latest' fails here.",
                    file: SchemaLocation.PathOf(input, replay.Migration),
                    key: $"{replay.Migration}#{ordinal}",
                    line: problem.Line,
                    headline: $"{replay.Migration}:{problem.Line} — {problem.Message}",
                    action: $"Fix the order or the statement in {replay.Migration} (line {problem.Line}) so the chain runs on an empty database");
            }
        }
    }
}

public sealed class IrreversibleDownRule : Rule
{
    public override string Id => "irreversible-down";
    public override string Title => "Downs that do not undo their up";
    public override Severity Severity => Severity.Medium;
    public override bool Blocking => false;
    public override string Summary => "Replaying up then down does not give back the schema the up started from.";
    public override string Impact => "knex migrate:rollback reports success but leaves tables, columns or indexes behind; running up again then fails.";
    public override int EffortPerFindingMinutes => 20;

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        // An empty down is empty-down's finding; this rule is about downs that do something, but not enough.
        var emptyDowns = input.Migrations.Where(m => m.Module.Down is { IsEmpty: true }).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var replay in input.Schema.Migrations.Where(r => r.DownFailures.Count > 0))
        {
            // The first refused statement ends the rollback: Knex's transaction undoes the rest of the down with it.
            var failure = replay.DownFailures[0];
            yield return Found(
                $"{replay.Migration}: its down fails at line {failure.Line}, after the up ran: {failure.Message}. 'knex migrate:rollback' stops there and undoes the rollback.",
                file: SchemaLocation.PathOf(input, replay.Migration),
                key: replay.Migration,
                line: failure.Line,
                headline: $"{replay.Migration}:{failure.Line}: the down fails — {failure.Message}",
                action: $"Fix the down of {replay.Migration} (line {failure.Line}) so that it runs after its up");
        }

        foreach (var replay in input.Schema.Migrations.Where(r => r.DownFailures.Count == 0 && r.DownLeftovers.Count > 0 && !emptyDowns.Contains(r.Migration)))
        {
            yield return Found(
                $"{replay.Migration}: after up then down, {string.Join("; ", replay.DownLeftovers)}.",
                file: SchemaLocation.PathOf(input, replay.Migration),
                key: replay.Migration,
                line: replay.DownLine,
                headline: $"{replay.Migration}: {string.Join("; ", replay.DownLeftovers)}",
                action: $"Make the down of {replay.Migration} undo everything its up does ({replay.DownLeftovers[0]})");
        }
    }
}

public sealed class FkMissingOnDeleteRule : Rule
{
    public override string Id => "fk-missing-on-delete";
    public override RuleCategory Category => RuleCategory.ForeignKeys;
    public override string Title => "Foreign keys without onDelete";
    public override Severity Severity => Severity.Low;
    public override bool Blocking => false;
    public override string Summary => "A foreign key does not say what happens when the referenced row is deleted (PostgreSQL then uses NO ACTION).";
    public override string Impact => "Deleting a parent row fails with a foreign-key violation wherever children exist; the intent (cascade, set null, restrict) is undocumented.";
    public override int EffortPerFindingMinutes => 5;

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        foreach (var table in input.Schema.Schema.Tables.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            foreach (var fk in table.ForeignKeys.Where(f => f.OnDelete is null))
            {
                yield return Found(
                    $"{table.Name}{SchemaLocation.Columns(fk.Columns)} references {fk.ReferencesTable} without onDelete: deleting a {fk.ReferencesTable} row that has {table.Name} rows fails (NO ACTION).",
                    file: SchemaLocation.PathOf(input, fk.Origin.Migration),
                    key: $"{table.Name}({string.Join(",", fk.Columns)})->{fk.ReferencesTable}",
                    line: fk.Origin.Line,
                    headline: $"{table.Name}.{string.Join(",", fk.Columns)} -> {fk.ReferencesTable} ({fk.Origin.Migration}:{fk.Origin.Line})",
                    action: $"Add .onDelete('CASCADE' | 'SET NULL' | 'RESTRICT') to {table.Name}.{string.Join(",", fk.Columns)} in a new migration");
            }
        }
    }
}

public sealed class FkMissingIndexRule : Rule
{
    public override string Id => "fk-missing-index";
    public override RuleCategory Category => RuleCategory.ForeignKeys;
    public override string Title => "Foreign keys without an index";
    public override Severity Severity => Severity.Low;
    public override bool Blocking => false;
    public override string Summary => "PostgreSQL does not index the referencing column of a foreign key by itself.";
    public override string Impact => "Joins on the key and every delete or update of a parent row scan the child table.";
    public override int EffortPerFindingMinutes => 5;

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        foreach (var table in input.Schema.Schema.Tables.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            foreach (var fk in table.ForeignKeys.Where(f => !SchemaLocation.HasLeadingIndex(table, f.Columns)))
            {
                yield return Found(
                    $"{table.Name}{SchemaLocation.Columns(fk.Columns)} references {fk.ReferencesTable} but no index starts with {SchemaLocation.Columns(fk.Columns)}: PostgreSQL does not create one for a foreign key, so deletes on {fk.ReferencesTable} and joins scan {table.Name}.",
                    file: SchemaLocation.PathOf(input, fk.Origin.Migration),
                    key: $"{table.Name}({string.Join(",", fk.Columns)})->{fk.ReferencesTable}",
                    line: fk.Origin.Line,
                    headline: $"{table.Name}.{string.Join(",", fk.Columns)} -> {fk.ReferencesTable}",
                    action: $"Add table.index([{string.Join(", ", fk.Columns.Select(c => $"'{c}'"))}]) on {table.Name} in a new migration");
            }
        }
    }
}

public sealed class MissingCreatedAtIndexRule : Rule
{
    public override string Id => "missing-created-at-index";
    public override RuleCategory Category => RuleCategory.Indexes;
    public override string Title => "Write-heavy tables without a created_at index";
    public override Severity Severity => Severity.Low;
    public override bool Blocking => false;
    public override string Summary => "A table that grows with traffic (logs, events, messages, deliveries...) has created_at but no index starting with it.";
    public override string Impact => "Time-range queries, retention jobs and 'latest N' views scan the whole table as it grows.";
    public override int EffortPerFindingMinutes => 5;

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        foreach (var table in input.Schema.Schema.Tables.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            if (table.Column("created_at") is null || !SchemaLocation.IsWriteHeavy(table.Name) || table.Indexes.Any(i => i.Columns.FirstOrDefault() == "created_at"))
            {
                continue;
            }

            yield return Found(
                $"{table.Name} looks write-heavy (its rows grow with traffic) and has created_at, but no index starts with created_at.",
                file: SchemaLocation.PathOf(input, table.Origin.Migration),
                key: table.Name,
                line: table.Origin.Line,
                headline: table.Name,
                action: $"Add table.index(['created_at']) on {table.Name} in a new migration (or a composite that starts with it)");
        }
    }
}

public sealed class MissingTenantTimeIndexRule : Rule
{
    public override string Id => "missing-tenant-time-index";
    public override RuleCategory Category => RuleCategory.Indexes;
    public override string Title => "Tenant tables without a (tenant, created_at) index";
    public override Severity Severity => Severity.Low;
    public override bool Blocking => false;
    public override string Summary => "A table with the tenant column and created_at has no index starting with (tenant, created_at).";
    public override string Impact => "Per-tenant timelines ('this workspace's latest items') read every row of the tenant or scan by time across tenants.";
    public override int EffortPerFindingMinutes => 5;

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        var tenant = input.TenantColumn;
        foreach (var table in input.Schema.Schema.Tables.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            if (table.Column(tenant) is null || table.Column("created_at") is null ||
                table.Indexes.Any(i => i.Columns.Count >= 2 && i.Columns[0] == tenant && i.Columns[1] == "created_at"))
            {
                continue;
            }

            yield return Found(
                $"{table.Name} has {tenant} and created_at but no index starting with ({tenant}, created_at).",
                file: SchemaLocation.PathOf(input, table.Origin.Migration),
                key: table.Name,
                line: table.Origin.Line,
                headline: table.Name,
                action: $"Add table.index(['{tenant}', 'created_at']) on {table.Name} in a new migration");
        }
    }
}

public sealed class RedundantIndexRule : Rule
{
    public override string Id => "redundant-index";
    public override RuleCategory Category => RuleCategory.Indexes;
    public override string Title => "Redundant indexes";
    public override Severity Severity => Severity.Low;
    public override bool Blocking => false;
    public override string Summary => "A non-unique index whose columns are a prefix of another index (or the primary key) on the same table.";
    public override string Impact => "Every write maintains an index the planner never needs.";
    public override int EffortPerFindingMinutes => 5;

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        foreach (var table in input.Schema.Schema.Tables.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            var others = table.Indexes.Select(i => (i.Name, i.Columns)).ToList();
            if (table.PrimaryKey.Count > 0)
            {
                others.Add(("primary key", table.PrimaryKey));
            }

            foreach (var index in table.Indexes.Where(i => !i.Unique))
            {
                var covering = others.FirstOrDefault(o => o.Name != index.Name && o.Columns.Count >= index.Columns.Count &&
                                                          o.Columns.Take(index.Columns.Count).SequenceEqual(index.Columns));
                if (covering.Name is null)
                {
                    continue;
                }

                yield return Found(
                    $"Index {index.Name} on {table.Name}{SchemaLocation.Columns(index.Columns)} is covered by {covering.Name}{SchemaLocation.Columns(covering.Columns)}, which starts with the same columns.",
                    file: SchemaLocation.PathOf(input, index.Origin.Migration),
                    key: index.Name,
                    line: index.Origin.Line,
                    headline: $"{index.Name} (covered by {covering.Name})",
                    action: $"Drop {index.Name} in a new migration");
            }
        }
    }
}

public sealed class IndexNamingRule : Rule
{
    public override string Id => "index-naming";
    public override RuleCategory Category => RuleCategory.Indexes;
    public override string Title => "Index naming inconsistency";
    public override Severity Severity => Severity.Low;
    public override bool Blocking => false;
    public override string Summary => "Index names break the project's dominant pattern (Knex default names mixed with custom ones).";
    public override string Impact => "dropIndex() with default arguments cannot find custom-named indexes, and people cannot guess names when writing downs.";
    public override int EffortBaseMinutes => 10;
    public override int EffortPerFindingMinutes => 5;

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        var indexes = input.Schema.Schema.Tables.Values.SelectMany(t => t.Indexes.Select(i => (Table: t, Index: i))).ToList();
        var patterns = indexes.GroupBy(x => Pattern(x.Table.Name, x.Index)).OrderByDescending(g => g.Count()).ToList();
        if (patterns.Count < 2)
        {
            yield break;
        }

        var dominant = patterns[0].Key;
        foreach (var (table, index) in patterns.Skip(1).SelectMany(g => g).OrderBy(x => x.Index.Name, StringComparer.Ordinal))
        {
            yield return Found(
                $"Index {index.Name} on {table.Name} uses {Pattern(table.Name, index)} while {patterns[0].Count()} of {indexes.Count} indexes use {dominant}.",
                file: SchemaLocation.PathOf(input, index.Origin.Migration),
                key: index.Name,
                line: index.Origin.Line,
                headline: $"{index.Name} ({Pattern(table.Name, index)})",
                action: $"Name new indexes with {dominant}; keep {index.Name} unless a migration renames it (ALTER INDEX ... RENAME TO)");
        }
    }

    private static string Pattern(string table, IndexModel index)
    {
        if (!index.ExplicitName || index.Name.StartsWith(table + "_", StringComparison.Ordinal) && (index.Name.EndsWith("_index", StringComparison.Ordinal) || index.Name.EndsWith("_unique", StringComparison.Ordinal)))
        {
            return "Knex's default names (<table>_<columns>_index / _unique)";
        }

        if (index.Name.StartsWith("idx_", StringComparison.Ordinal) || index.Name.StartsWith("ix_", StringComparison.Ordinal))
        {
            return "an idx_ prefix";
        }

        return index.Name.EndsWith("_idx", StringComparison.Ordinal) || index.Name.EndsWith("_key", StringComparison.Ordinal) ? "an _idx/_key suffix" : "a custom name";
    }
}
