using MigAudit.Config;
using MigAudit.Core;
using Npgsql;

namespace MigAudit.Live;

public sealed record DriftFinding(string Kind, string Message, bool Blocking, string? Migration = null);

public sealed record DriftResult
{
    public required string Server { get; init; }
    public required string Database { get; init; }
    public required bool ReadOnly { get; init; }
    public required int Applied { get; init; }
    public required int Pending { get; init; }
    public required IReadOnlyList<DriftFinding> Findings { get; init; }

    /// <summary>Pending migrations (normal before a deploy) and unindexed foreign keys (advice) are not drift.</summary>
    public bool Clean => Findings.All(f => f.Kind is "pending" or "unindexed-foreign-key");
}

/// <summary>
/// 'migaudit drift': compares a live database with the project, in a read-only session
/// (default_transaction_read_only, checked). Knex's migrations table against the migration files; the lock;
/// tables no active migration creates and tables the migrations create that are missing; column, index and
/// foreign-key differences against the static replay; referencing columns without an index.
/// </summary>
public static class DriftChecker
{
    public static async Task<DriftResult> RunAsync(AuditResult audit, string databaseUrl)
    {
        await using var connection = await ReadOnlySession.OpenCheckedAsync(databaseUrl, "drift");
        const bool readOnly = true;
        var settings = audit.Input.Project.Settings;
        var findings = new List<DriftFinding>();
        var recorded = await ReadOnlySession.AppliedMigrationsAsync(connection, settings);
        var applied = recorded ?? [];
        if (recorded is null)
        {
            findings.Add(new DriftFinding("no-migrations-table", $"{settings.TableName} does not exist: no migration has been applied to this database", false));
        }

        if (await ReadOnlySession.MigrationLockHeldAsync(connection, settings))
        {
            findings.Add(new DriftFinding("lock-held", $"{settings.TableName}_lock is held (is_locked = 1): every knex migrate command waits, then fails with \"Migration table is already locked\"; if no migration is running, 'knex migrate:unlock' releases it", true));
        }

        var order = audit.Input.Migrations.Select((m, i) => (m.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        var appliedSet = applied.ToHashSet(StringComparer.Ordinal);
        var missing = applied.Where(name => !order.ContainsKey(name)).ToList();
        foreach (var name in missing)
        {
            // A name recorded before a rename: any earlier name, or a compiled one (x.ee.js from tsc's build of x.ee.ts).
            var renamed = audit.Input.Renamed.FirstOrDefault(r => r.OldName == name || r.StaleNames.Contains(name, StringComparer.Ordinal))?.NewName ??
                          audit.Input.Migrations.FirstOrDefault(m => MigrationNames.Stem(m.Name) == MigrationNames.Stem(name))?.Name;
            var deleted = audit.Input.Deleted.FirstOrDefault(d => d.Name == name);
            var knexError = settings.DisableMigrationsListValidation
                ? "disableMigrationsListValidation is on, so Knex goes on"
                : $"Knex refuses to migrate this database: \"The migration directory is corrupt, the following files are missing: {string.Join(", ", missing)}\"";
            var why = renamed is not null ? $"renamed to {renamed}{(MigrationNames.Stem(renamed) == MigrationNames.Stem(name) ? " (extension only)" : string.Empty)}"
                : deleted is not null ? $"deleted ({(deleted.DeletedIn == "working-tree" ? "in the working tree" : "by commit " + deleted.DeletionCommit?.ShortId)})"
                : "no such file";
            findings.Add(new DriftFinding(renamed is not null ? "renamed" : "missing-file", $"{name} is applied here but its file is gone: {why}. {knexError}.", !settings.DisableMigrationsListValidation, name));
        }

        var lastApplied = applied.Where(order.ContainsKey).Select(n => order[n]).DefaultIfEmpty(-1).Max();
        var previous = -1;
        foreach (var name in applied.Where(order.ContainsKey))
        {
            if (order[name] < previous)
            {
                findings.Add(new DriftFinding("applied-out-of-order", $"{name} was applied after {audit.Input.Migrations[previous].Name}, which sorts after it: this database ran them in another order than a fresh one would", false, name));
            }

            previous = Math.Max(previous, order[name]);
        }

        var pending = audit.Input.Migrations.Where(m => !appliedSet.Contains(m.Name)).ToList();
        foreach (var migration in pending)
        {
            var late = order[migration.Name] < lastApplied;
            findings.Add(new DriftFinding(
                "pending",
                late
                    ? $"{migration.Name} is pending and sorts before {audit.Input.Migrations[lastApplied].Name}, which is applied: 'knex migrate:latest' runs it now, out of order"
                    : $"{migration.Name} is pending: 'knex migrate:latest' runs it",
                false,
                migration.Name));
        }

        var snapshot = await SchemaSnapshot.ReadAsync(connection, settings.TableName);
        var pendingNames = pending.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var model = audit.Input.Schema.Schema;
        foreach (var name in snapshot.Tables.Keys.Where(t => model.Table(t) is null).Order(StringComparer.Ordinal))
        {
            findings.Add(new DriftFinding("orphaned-table", $"table {name} exists here but no active migration creates it (left by a deleted migration, or created by hand): no rollback will ever drop it", false));
        }

        foreach (var expected in model.Tables.Values.Where(t => !pendingNames.Contains(t.Origin.Migration) && !snapshot.Tables.ContainsKey(t.Name)).OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            findings.Add(new DriftFinding("missing-table", $"table {expected.Name} (created by {expected.Origin.Migration}, applied here) does not exist in this database", false, expected.Origin.Migration));
        }

        var appliedModel = model with { Tables = model.Tables.RemoveRange(model.Tables.Values.Where(t => pendingNames.Contains(t.Origin.Migration) || !snapshot.Tables.ContainsKey(t.Name)).Select(t => t.Name)) };
        var realShared = new SchemaSnapshot(snapshot.Tables.Where(t => appliedModel.Table(t.Key) is not null).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal));
        findings.AddRange(Verifier.CompareWithStatic(appliedModel, realShared).Select(d => new DriftFinding("schema-difference", d, false)));
        findings.AddRange((await UnindexedForeignKeysAsync(connection)).Select(d => new DriftFinding("unindexed-foreign-key", d, false)));

        var builder = new NpgsqlConnectionStringBuilder(connection.ConnectionString);
        return new DriftResult
        {
            Server = Redaction.Redact($"{builder.Host}:{builder.Port}"),
            Database = builder.Database ?? string.Empty,
            ReadOnly = readOnly,
            Applied = applied.Count,
            Pending = pending.Count,
            Findings = findings,
        };
    }

    /// <summary>Foreign keys whose columns do not lead any index of their table.</summary>
    private static async Task<List<string>> UnindexedForeignKeysAsync(NpgsqlConnection connection)
    {
        var indexes = new List<(uint Table, short[] Columns)>();
        await using (var command = new NpgsqlCommand("SELECT indrelid, indkey::int2[] FROM pg_index", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                indexes.Add((reader.GetFieldValue<uint>(0), reader.GetFieldValue<short[]>(1)));
            }
        }

        var results = new List<string>();
        await using (var command = new NpgsqlCommand("""
            SELECT c.conrelid, c.conrelid::regclass::text, c.conname, c.conkey,
                   array(SELECT a.attname::text FROM unnest(c.conkey) k JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k)
            FROM pg_constraint c WHERE c.contype = 'f' ORDER BY 2, 3
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var relation = reader.GetFieldValue<uint>(0);
                var key = reader.GetFieldValue<short[]>(3);
                var covered = indexes.Any(i => i.Table == relation && i.Columns.Length >= key.Length && i.Columns.Take(key.Length).ToHashSet().SetEquals(key));
                if (!covered)
                {
                    results.Add($"{reader.GetString(1)}({string.Join(", ", reader.GetFieldValue<string[]>(4))}) references another table without an index ({reader.GetString(2)})");
                }
            }
        }

        return results;
    }
}
