using MigAudit.Core;

namespace MigAudit.Reporting;

/// <summary>The text report's part on the pending batch: each pending migration's longest lock on a live table, and each table's locks summed over the batch.</summary>
internal static class BatchLockSection
{
    public static void Write(ReportConsole output, AuditInput input)
    {
        var batch = BatchLocks.Of(input);
        if (batch.PendingUnknown is { } why)
        {
            output.Line($"Pending batch: not known ({why}).");
            return;
        }

        if (batch.Pending.Count == 0)
        {
            output.Line("Pending batch: none (every migration is in the newest release or applied).");
            return;
        }

        var count = Plural(batch.Pending.Count, "pending migration");
        output.Line(batch.Release switch
        {
            LockRelease.Batch => $"Pending batch: {count}; knex migrate:latest runs them in one transaction, so a lock is held until the last one ({batch.Pending[^1]}) commits.",
            _ when input.Project.Settings.DisableTransactions => $"Pending batch: {count}; the knexfile disables transactions, so each statement's lock ends with the statement.",
            _ => $"Pending batch: {count}; each runs in its own transaction{(batch.Pending.Count > 1 ? " (one of them sets transaction: false)" : string.Empty)}, so a lock ends with its migration.",
        });
        if (batch.Migrations.Count == 0)
        {
            output.Line("No pending migration takes a lock that stops writes on a table that existed before the batch.", "green");
            return;
        }

        output.Line("Longest lock of each pending migration (tables that existed before the batch; locks that stop writes):");
        foreach (var migration in batch.Migrations)
        {
            var held = migration.Longest!;
            var more = migration.Locks.Count - 1;
            output.Line($"- {migration.Migration}: {held.Mode} on {held.Table} ({HelperSite.Describe(held.Line, held.Helper)}) {Until(held)}; {WorkText(batch, held)}{(more > 0 ? $" (and {Plural(more, "other table")})" : string.Empty)}",
                held.Mode == "ACCESS EXCLUSIVE" && held.WorkCount > 0 ? "yellow" : null);
        }

        output.Line("Tables locked by the batch, summed over it:");
        foreach (var table in batch.Tables)
        {
            var first = table.Locks[0];
            var later = table.Locks.Count - 1;
            output.Line($"- {table.Table}: up to {table.Mode}, from {first.Migration}:{first.Line}{(later > 0 ? $" (and {Plural(later, "later lock")})" : string.Empty)}; held across {Plural(table.MigrationsHeld, "migration")}, {(table.WorkCount == 0 ? "no row work while held" : $"{Plural(table.WorkCount, "statement")} with row work while held")}");
        }

        output.Line("(Static: a lock lasts as long as the row work that runs while it is held, on any table. 'migaudit plan' adds the live tables' sizes.)");
    }

    private static string Until(HeldLock held) => held.Release switch
    {
        LockRelease.Statement => "for the statement only (no transaction)",
        LockRelease.Migration => "until the migration commits",
        _ => held.MigrationsHeld == 1 ? "until the batch commits (it is the last migration)" : $"held across {held.MigrationsHeld} migrations to the batch's commit",
    };

    private static string WorkText(BatchLocks batch, HeldLock held)
    {
        var parts = new[] { (RowWork.Rewrite, "rewrite"), (RowWork.Build, "index build"), (RowWork.Scan, "full scan"), (RowWork.Unknown, "statement of unknown row work") }
            .Select(k => (Count: batch.CountOf(k.Item1, held.WorkFrom, held.WorkTo), Name: k.Item2))
            .Where(k => k.Count > 0)
            .Select(k => Plural(k.Count, k.Name))
            .ToList();
        var text = parts.Count == 0 ? "no row work while held" : $"while held: {string.Join(", ", parts)}";
        return held.NotFollowed.Count == 0 ? text : $"{text}, and statements the replay could not follow in {string.Join(", ", held.NotFollowed)}";
    }

    private static string Plural(int count, string noun) => $"{count} {noun}{(count == 1 ? string.Empty : "s")}";
}
