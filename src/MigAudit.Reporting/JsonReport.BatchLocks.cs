using System.Text.Json.Nodes;
using MigAudit.Core;
using static MigAudit.Reporting.JsonNodes;

namespace MigAudit.Reporting;

/// <summary>The pending batch's locks on live tables, as knex migrate:latest holds them (see <see cref="BatchLocks"/>).</summary>
public static partial class JsonReport
{
    private static JsonNode? BatchLocksJson(AuditInput input)
    {
        if (input.Project.Dialect.Dialect is not (SqlDialect.PostgreSQL or SqlDialect.Unknown))
        {
            return null;
        }

        var batch = BatchLocks.Of(input);
        return new JsonObject
        {
            ["pending"] = Strings(batch.Pending),
            ["pendingUnknown"] = batch.PendingUnknown,
            ["release"] = ReleaseId(batch.Release),
            ["work"] = Array(batch.Work, w => new JsonObject
            {
                ["migration"] = w.Migration,
                ["line"] = w.Line,
                ["helperFile"] = w.Helper?.File,
                ["table"] = w.Table,
                ["work"] = WorkId(w.Work),
            }),
            ["migrations"] = Array(batch.Migrations, m => new JsonObject
            {
                ["migration"] = m.Migration,
                ["longest"] = HeldLockJson(batch, m.Longest!),
                ["locks"] = Array(m.Locks, l => HeldLockJson(batch, l)),
            }),
            ["tables"] = Array(batch.Tables, t => new JsonObject
            {
                ["table"] = t.Table,
                ["mode"] = t.Mode,
                ["migrationsHeld"] = t.MigrationsHeld,
                ["workWhileHeld"] = t.WorkCount,
                ["lockedBy"] = Array(t.Locks, l => new JsonObject { ["migration"] = l.Migration, ["line"] = l.Line, ["mode"] = l.Mode }),
            }),
        };
    }

    private static JsonObject HeldLockJson(BatchLocks batch, HeldLock held) => new()
    {
        ["table"] = held.Table,
        ["mode"] = held.Mode,
        ["line"] = held.Line,
        ["helperFile"] = held.Helper?.File,
        ["release"] = ReleaseId(held.Release),
        ["releasedAfter"] = held.ReleasedAfter,
        ["migrationsHeld"] = held.MigrationsHeld,

        // [workFrom, workTo) of "work": the statements with row work that run while the lock is held.
        ["workFrom"] = held.WorkFrom,
        ["workTo"] = held.WorkTo,
        ["workWhileHeld"] = new JsonObject
        {
            ["rewrite"] = batch.CountOf(RowWork.Rewrite, held.WorkFrom, held.WorkTo),
            ["build"] = batch.CountOf(RowWork.Build, held.WorkFrom, held.WorkTo),
            ["scan"] = batch.CountOf(RowWork.Scan, held.WorkFrom, held.WorkTo),
            ["unknown"] = batch.CountOf(RowWork.Unknown, held.WorkFrom, held.WorkTo),
        },
        ["notFollowed"] = Strings(held.NotFollowed),
    };

    private static string ReleaseId(LockRelease release) => release switch
    {
        LockRelease.Statement => "statement",
        LockRelease.Migration => "migration",
        _ => "batch",
    };

    private static string WorkId(RowWork work) => work switch
    {
        RowWork.Scan => "scan",
        RowWork.Build => "build",
        RowWork.Rewrite => "rewrite",
        RowWork.Unknown => "unknown",
        _ => "none",
    };
}
