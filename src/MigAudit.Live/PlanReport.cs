using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static MigAudit.Reporting.JsonNodes;
using MigAudit.Core;
using MigAudit.Reporting;

namespace MigAudit.Live;

public static class PlanReport
{
    private static string Headline(PlanResult result) => result.Pending.Count == 0
        ? "nothing pending"
        : $"{result.Pending.Count} pending migration{(result.Pending.Count == 1 ? string.Empty : "s")}, highest risk {result.Worst?.ToId() ?? "none"}";

    private static string Batch(PlanResult result) => result.Pending.Count < 2 ? string.Empty
        : result.OneTransaction
            ? $"knex migrate:latest runs all {result.Pending.Count} in ONE transaction (none sets transaction: false): every lock below is held until the last one commits."
            : "knex migrate:latest gives each migration its own transaction (one of them sets transaction: false, or the knexfile disables transactions): each lock ends with its migration.";

    private static string Size(PlanStep step) => step.Size is { } size ? Planner.Describe(size) : "new table";

    public static void WriteText(PlanResult result, ReportConsole output)
    {
        var worst = result.Worst ?? Severity.Low;
        output.Line($"migaudit plan: {Headline(result)}", ReportConsole.StyleOf(worst) + " bold");
        output.Line($"Database: {result.Database} on {result.Server}, PostgreSQL {result.ServerVersion} (read-only session: {(result.ReadOnly ? "yes" : "NO")})");
        output.Line($"Applied migrations: {result.Applied}; pending: {result.Pending.Count}");
        if (Batch(result) is { Length: > 0 } batch)
        {
            output.Line(batch, result.OneTransaction ? "yellow" : null);
        }

        if (result.MigrationLockHeld)
        {
            output.Line("The migration lock is held (is_locked = 1): knex migrate:latest waits, then fails with \"Migration table is already locked\".", "red bold");
        }

        output.Line();
        foreach (var migration in result.Pending)
        {
            output.Line($"{migration.Name}{(migration.DisablesTransaction ? " (transaction: false)" : string.Empty)}", "bold");
            if (migration.Steps.Count == 0 && migration.NotFollowed is null)
            {
                output.Line("  no schema change on an existing table");
            }

            foreach (var step in migration.Steps)
            {
                output.Line($"  line {step.Line}: {step.Table} {step.Statement} — {step.Mode} (blocks {step.Blocks}); {WorkText(step.Work)}; {Size(step)}; {step.Duration}; risk {step.Risk.ToId()}: {step.Why}",
                    step.Risk == Severity.Low ? null : ReportConsole.StyleOf(step.Risk));
            }

            if (migration.NotFollowed is { } why)
            {
                output.Line($"  unknown: {why}", "yellow");
            }
        }

        if (result.LongestLocks.Count > 0)
        {
            output.Line();
            output.Line("Longest lock of each pending migration on a live table, and the row work done while it is held:", "bold");
            foreach (var held in result.LongestLocks)
            {
                output.Line($"- {HeldText(held)}");
            }
        }

        output.Line();
        output.Line(result.Sessions.Count == 0 ? "Open transactions a lock would wait behind: none" : "Open transactions a lock would wait behind:", "bold");
        foreach (var session in result.Sessions)
        {
            output.Line($"- pid {session.Pid}{(session.Application is null ? string.Empty : $" ({session.Application})")}: {session.State ?? "state hidden"}, transaction open {Planner.Age(session.TransactionSeconds)}{(session.Locks.Count == 0 ? string.Empty : "; holds " + string.Join(", ", session.Locks))}");
        }

        foreach (var note in result.Notes)
        {
            output.Line($"Note: {note}");
        }
    }

    private static string WorkText(RowWork work) => work switch
    {
        RowWork.None => "catalog only",
        RowWork.Scan => "scans every row",
        RowWork.Build => "builds an index from every row",
        RowWork.Rewrite => "rewrites the table",
        _ => "row work unknown",
    };

    private static string HeldText(PlanHeldLock held)
    {
        var l = held.Lock;
        var until = l.Release switch
        {
            LockRelease.Statement => "for its statement only",
            LockRelease.Migration => "until its migration commits",
            _ => $"across {l.MigrationsHeld} migration{(l.MigrationsHeld == 1 ? string.Empty : "s")} to the batch's commit",
        };
        var work = held.WorkCount == 0 ? "no row work while held"
            : $"{held.WorkCount} statement{(held.WorkCount == 1 ? string.Empty : "s")} with row work over ~{held.WorkRows.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} rows, {Planner.Bytes(held.WorkBytes)}" +
              (held.WorkOfUnknownSize > 0 ? $" ({held.WorkOfUnknownSize} on tables of unknown size)" : string.Empty);
        return $"{l.Migration}: {l.Mode} on {l.Table} ({HelperSite.Describe(l.Line, l.Helper)}) {until}; {work}";
    }

    public static string Json(PlanResult result) => new JsonObject
    {
        ["schemaVersion"] = 1,
        ["database"] = result.Database,
        ["server"] = result.Server,
        ["serverVersion"] = result.ServerVersion,
        ["readOnly"] = result.ReadOnly,
        ["applied"] = result.Applied,
        ["oneTransaction"] = result.OneTransaction,
        ["migrationLockHeld"] = result.MigrationLockHeld,
        ["worstRisk"] = result.Worst?.ToId(),
        ["pending"] = Array(result.Pending, m => new JsonObject
        {
            ["name"] = m.Name,
            ["transaction"] = !m.DisablesTransaction,
            ["notFollowed"] = m.NotFollowed,
            ["steps"] = Array(m.Steps, s => new JsonObject
            {
                ["line"] = s.Line,
                ["table"] = s.Table,
                ["statement"] = s.Statement,
                ["lock"] = s.Mode,
                ["blocks"] = s.Blocks,
                ["rowWork"] = s.Work.ToString().ToLowerInvariant(),
                ["newTable"] = s.NewTable,
                ["rows"] = s.Size?.Rows,
                ["bytes"] = s.Size?.Bytes,
                ["indexBytes"] = s.Size?.IndexBytes,
                ["duration"] = s.Duration,
                ["risk"] = s.Risk.ToId(),
                ["why"] = s.Why,
            }),
        }),
        ["sessions"] = Array(result.Sessions, s => new JsonObject
        {
            ["pid"] = s.Pid,
            ["application"] = s.Application,
            ["state"] = s.State,
            ["transactionSeconds"] = Math.Round(s.TransactionSeconds, 1),
            ["locks"] = Strings(s.Locks),
        }),
        ["notes"] = Strings(result.Notes),
        ["longestLocks"] = Array(result.LongestLocks, h => new JsonObject
        {
            ["migration"] = h.Lock.Migration,
            ["table"] = h.Lock.Table,
            ["mode"] = h.Lock.Mode,
            ["line"] = h.Lock.Line,
            ["release"] = h.Lock.Release.ToString().ToLowerInvariant(),
            ["migrationsHeld"] = h.Lock.MigrationsHeld,
            ["workWhileHeld"] = h.WorkCount,
            ["workBytes"] = h.WorkBytes,
            ["workRows"] = h.WorkRows,
            ["workOfUnknownSize"] = h.WorkOfUnknownSize,
        }),
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <summary>For a pull-request comment: one table of the pending statements.</summary>
    public static string Markdown(PlanResult result)
    {
        var text = new StringBuilder();
        text.Append($"### migaudit plan: {Headline(result)}\n\n");
        text.Append($"{MarkdownText.Code(result.Database)} on PostgreSQL {Cell(result.ServerVersion)}, read-only session. Applied: {result.Applied}.\n\n");
        if (Batch(result) is { Length: > 0 } batch)
        {
            text.Append(batch).Append("\n\n");
        }

        if (result.MigrationLockHeld)
        {
            text.Append("**The migration lock is held**: knex migrate:latest will wait, then fail.\n\n");
        }

        if (result.Pending.Any(m => m.Steps.Count > 0))
        {
            text.Append("| Migration | Line | Table | Statement | Lock | Row work | Size | Duration | Risk |\n|---|---|---|---|---|---|---|---|---|\n");
            foreach (var step in result.Pending.SelectMany(m => m.Steps))
            {
                text.Append($"| {Cell(step.Migration)} | {step.Line} | {Cell(step.Table ?? string.Empty)} | {Cell(step.Statement)} | {Cell(step.Mode)} | {WorkText(step.Work)} | {Cell(Size(step))} | {Cell(step.Duration)} | **{step.Risk.ToId()}**: {Cell(step.Why)} |\n");
            }

            text.Append('\n');
        }

        foreach (var migration in result.Pending.Where(m => m.NotFollowed is not null))
        {
            text.Append($"- {Cell(migration.Name)}: unknown, {Cell(migration.NotFollowed!)}\n");
        }

        foreach (var session in result.Sessions)
        {
            text.Append($"- Open transaction: pid {session.Pid}, {Cell(session.State ?? "state hidden")}, open {Planner.Age(session.TransactionSeconds)}{(session.Locks.Count == 0 ? string.Empty : ", holds " + Cell(string.Join(", ", session.Locks)))}\n");
        }

        return text.ToString();
    }

    /// <summary>Names from the project and the database (a table, a session's state) shown as text, never as Markdown or HTML.</summary>
    private static string Cell(string text) => MarkdownText.Inline(text);
}
