using System.Text.Json;
using System.Text.Json.Nodes;
using static MigAudit.Reporting.JsonNodes;
using MigAudit.Reporting;

namespace MigAudit.Live;

/// <summary>The verify result as text (per migration: up, down, time, differences) and as JSON.</summary>
public static class VerifyReport
{
    public static void WriteText(VerifyResult result, ReportConsole output)
    {
        output.Line($"migaudit verify: {(result.Passed ? "PASSED" : "FAILED")}", result.Passed ? "green bold" : "red bold");
        output.Line($"Server: {result.Server}; scratch database: {result.Database}{(result.Kept ? " (kept)" : " (dropped)")}");
        output.Line($"Project code: {result.Isolation}", result.Isolation.StartsWith("UNSANDBOXED", StringComparison.Ordinal) ? "red" : null);
        if (result.Client is { } client)
        {
            output.Line($"Client: {client}", "yellow");
        }
        if (result.PreparedExtensions.Count > 0)
        {
            output.Line($"Created by migaudit before the chain (not trusted, so the chain's non-superuser role could not): {string.Join(", ", result.PreparedExtensions)}");
        }

        if (result.BatchError is { } refused)
        {
            output.Line($"knex refused the batch before running any migration: {refused}", "red");
        }

        output.Line();
        var width = Math.Max(9, result.Steps.Select(s => s.Migration.Length).DefaultIfEmpty(9).Max());
        output.Line($"{"#",4}  {"migration".PadRight(width)}  {"up",-7} {"ms",6}  {"down",-13} {"ms",6}");
        for (var i = 0; i < result.Steps.Count; i++)
        {
            var step = result.Steps[i];
            var style = step.Up == StepStatus.Failed || step.Down is StepStatus.Failed or StepStatus.NotRestored ? "red" : null;
            output.Line($"{i + 1,4}  {step.Migration.PadRight(width)}  {Text(step.Up),-7} {step.UpMilliseconds,6}  {Text(step.Down),-13} {step.DownMilliseconds,6}", style);
            if (step.UpError is not null)
            {
                output.Line($"      up: {step.UpError}", "red");
            }

            if (step.DownError is not null)
            {
                output.Line($"      down: {step.DownError}", "red");
            }

            if (step.Up == StepStatus.Ok && step.UpLocks is null && !result.LockTracingSkipped)
            {
                output.Line("      locks: untraced (it runs without a transaction: each statement releases its locks as it ends)");
            }
            else if (step.UpLocks is { Count: > 0 } locks)
            {
                var exclusive = locks.Any(l => l.Mode == "AccessExclusiveLock");
                output.Line($"      locks: {string.Join(", ", locks.Select(l => $"{l.Relation} {ModeText(l.Mode)}"))}", exclusive ? "yellow" : null);
            }

            foreach (var disagreement in step.LockDisagreements ?? [])
            {
                output.Line($"      locks differ from the static prediction: {disagreement}", "yellow");
            }

            if (step.UpLocksAlone is { Count: > 0 } alone)
            {
                output.Line($"      locks in its own transaction: {string.Join(", ", alone.Select(l => $"{l.Relation} {ModeText(l.Mode)}"))}");
            }

            foreach (var claim in step.LockClaims.Where(c => c.Verdict == LockClaimVerdict.Refuted || c.Verdict == LockClaimVerdict.Untraceable && c.Reason != result.LockClaimsWhyUntraced))
            {
                output.Line($"      lock claim {Text(claim)}", claim.Verdict == LockClaimVerdict.Refuted ? "yellow" : null);
            }

            if (step.UpRewrites.Count > 0)
            {
                output.Line($"      rewrites: {string.Join(", ", step.UpRewrites)}", "yellow");
            }

            foreach (var difference in step.DownDifferences)
            {
                output.Line($"      down does not restore the schema: {difference}", "red");
            }
        }

        if (result.LockTracingSkipped)
        {
            output.Line("locks and rewrites: not traced (--no-lock-trace)");
        }

        output.Line($"Static lock claims on tables that existed before their migration, against each up traced in its own transaction: {result.ClaimsCount(LockClaimVerdict.Confirmed)} confirmed, {result.ClaimsCount(LockClaimVerdict.Refuted)} refuted, {result.ClaimsCount(LockClaimVerdict.Untraceable)} untraceable{(result.LockClaimsWhyUntraced is { } untraced ? $" ({untraced})" : string.Empty)}");

        output.Line();
        // With lock tracing, latest again runs each up in its own transaction (knex's migrate:up, one at a time).
        var how = result.LockClaimsWhyUntraced is null ? ", one migration at a time" : string.Empty;
        output.Line(result.LatestAgain switch
        {
            true => $"latest again after rolling everything back{how}: ok",
            false => $"latest again after rolling everything back{how}: FAILED: {result.LatestAgainError}",
            _ when result.LatestAgainSkipped => "latest again: skipped (--skip-latest-again)",
            _ => "latest again: not run (the chain did not go up and down cleanly)",
        });
        output.Line();
        var comparison = result.StaticComparison;
        var unknown = comparison.UnknownFacts == 0 ? string.Empty
            : $"; {comparison.UnknownFacts} facts the replay leaves unknown are not compared ({string.Join("; ", comparison.UnknownReasons)}{(comparison.UnknownReasons.Count == StaticComparison.ReasonsShown ? "; ..." : string.Empty)})";
        if (comparison.NotComparedWhy is { } why)
        {
            output.Line($"The static schema replay was not compared with the real schema: {why}.");
        }
        else if (comparison.Differences.Count == 0)
        {
            output.Line($"The static schema replay matches the real schema: {comparison.SameFacts} facts agree{unknown}.", "green");
        }
        else
        {
            output.Line($"Where the static schema replay differs from the real schema ({comparison.Differences.Count}; {comparison.SameFacts} facts agree{unknown}):", "yellow");
            foreach (var difference in result.StaticModelDifferences)
            {
                output.Line($"- {difference}");
            }
        }

        output.Line($"Took {result.Elapsed.TotalSeconds:0.0} s");
    }

    public static string Json(VerifyResult result) => new JsonObject
    {
        ["schemaVersion"] = 1,
        ["passed"] = result.Passed,
        ["server"] = result.Server,
        ["database"] = result.Database,
        ["kept"] = result.Kept,
        ["isolation"] = result.Isolation,
        ["client"] = result.Client,
        ["preparedExtensions"] = Strings(result.PreparedExtensions),
        ["migrations"] = Array(result.Steps, s => new JsonObject
        {
            ["name"] = s.Migration,
            ["up"] = Text(s.Up),
            ["upError"] = s.UpError,
            ["upMs"] = s.UpMilliseconds,
            ["down"] = Text(s.Down),
            ["downError"] = s.DownError,
            ["downMs"] = s.DownMilliseconds,
            ["downDifferences"] = Strings(s.DownDifferences),
            ["upLocksTraced"] = s.Up == StepStatus.Ok ? s.UpLocks is not null : null,
            ["upLocks"] = s.UpLocks is null ? null : Array(s.UpLocks, l => new JsonObject { ["relation"] = l.Relation, ["mode"] = ModeText(l.Mode) }),
            ["upRewrites"] = Strings(s.UpRewrites),
            ["upSql"] = Strings(s.UpSql),
            ["lockDisagreements"] = StringsOrNull(s.LockDisagreements),
            ["upLocksAlone"] = s.UpLocksAlone is null ? null : Array(s.UpLocksAlone, l => new JsonObject { ["relation"] = l.Relation, ["mode"] = ModeText(l.Mode) }),
            ["lockClaims"] = Array(s.LockClaims, c => new JsonObject
            {
                ["table"] = c.Table,
                ["mode"] = c.Mode,
                ["line"] = c.Line,
                ["statement"] = c.Statement,
                ["verdict"] = Text(c.Verdict),
                ["traced"] = c.Traced,
                ["reason"] = c.Reason,
            }),
        }),
        ["lockClaims"] = new JsonObject
        {
            ["confirmed"] = result.ClaimsCount(LockClaimVerdict.Confirmed),
            ["refuted"] = result.ClaimsCount(LockClaimVerdict.Refuted),
            ["untraceable"] = result.ClaimsCount(LockClaimVerdict.Untraceable),
            ["untracedWhy"] = result.LockClaimsWhyUntraced,
        },
        ["latestAgain"] = result.LatestAgain,
        ["latestAgainError"] = result.LatestAgainError,
        ["batchError"] = result.BatchError,
        ["latestAgainSkipped"] = result.LatestAgainSkipped,
        ["lockTracingSkipped"] = result.LockTracingSkipped,
        ["staticModelDifferences"] = Strings(result.StaticModelDifferences),
        ["staticModelComparison"] = new JsonObject
        {
            ["compared"] = result.StaticComparison.Compared,
            ["notComparedWhy"] = result.StaticComparison.NotComparedWhy,
            ["sameFacts"] = result.StaticComparison.SameFacts,
            ["unknownFacts"] = result.StaticComparison.UnknownFacts,
            ["unknownReasons"] = Strings(result.StaticComparison.UnknownReasons),
            ["differences"] = Array(result.StaticComparison.Differences, d => new JsonObject { ["table"] = d.Table, ["fact"] = d.Fact, ["database"] = d.Real, ["replay"] = d.Replay }),
        },
        ["elapsedMs"] = (long)result.Elapsed.TotalMilliseconds,
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <summary>pg_locks' mode as PostgreSQL's documentation and LOCK TABLE name it: AccessExclusiveLock → ACCESS EXCLUSIVE.</summary>
    public static string ModeText(string mode) =>
        string.Concat((mode.EndsWith("Lock", StringComparison.Ordinal) ? mode[..^4] : mode).Select((c, i) => i > 0 && char.IsUpper(c) ? " " + c : c.ToString())).ToUpperInvariant();

    public static string Text(LockClaimVerdict verdict) => verdict switch
    {
        LockClaimVerdict.Confirmed => "confirmed",
        LockClaimVerdict.Refuted => "refuted",
        _ => "untraceable",
    };

    /// <summary>"line 3 (CreateIndex) SHARE on t: refuted: only ROW EXCLUSIVE on t in the up's own transaction".</summary>
    private static string Text(LockClaim claim) =>
        $"line {claim.Line} ({claim.Statement}) {claim.Mode} on {claim.Table}: {Text(claim.Verdict)}{(claim.Reason is null ? string.Empty : ": " + claim.Reason)}";

    public static string Text(StepStatus status) => status switch
    {
        StepStatus.Ok => "ok",
        StepStatus.Failed => "failed",
        StepStatus.NotRestored => "not-restored",
        _ => "not-run",
    };
}
