using MigAudit.Core;

namespace MigAudit.Live;

/// <summary>
/// Where verify's trace and the static lock prediction disagree, per migration: for each table that existed before
/// the migration, the strongest lock the replay predicts against the strongest one traced in pg_locks. Under
/// migrate:latest's single transaction a lock an earlier migration of the batch already holds is not newly taken, so
/// it counts as traced. Locks on tables the replay does not predict are reported only from SHARE UPDATE EXCLUSIVE up
/// (row locks of INSERT/UPDATE are data, not DDL), and only when the replay followed the whole up.
/// </summary>
public static class LockComparison
{
    /// <summary>Kinds whose table is gone or renamed by the end of the migration: pg_locks names it no more.</summary>
    private static readonly HashSet<LockOperationKind> Untraceable = [LockOperationKind.DropTable, LockOperationKind.RenameTable];

    public static IReadOnlyList<VerifyStep> WithDisagreements(IReadOnlyList<VerifyStep> steps, AuditResult audit)
    {
        var replays = audit.Input.Schema.Migrations.ToDictionary(r => r.Migration, StringComparer.Ordinal);
        var migrations = audit.Input.Migrations.ToDictionary(m => m.Name, StringComparer.Ordinal);
        var oneTransaction = !audit.Input.Project.Settings.DisableTransactions && !audit.Input.Migrations.Any(m => m.Module.DisablesTransaction);
        var heldInBatch = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new List<VerifyStep>(steps.Count);
        foreach (var step in steps)
        {
            if (step.UpLocks is null || step.Up != StepStatus.Ok || !replays.TryGetValue(step.Migration, out var replay) || replay.Skipped is not null)
            {
                result.Add(step);
                continue;
            }

            var gone = replay.Operations.Where(o => Untraceable.Contains(o.Kind)).Select(o => o.Table).ToHashSet(StringComparer.Ordinal);
            var predicted = replay.Operations
                .Where(o => o is { TableExistedBefore: true, Concurrently: false, Table: not null } && !gone.Contains(o.Table))
                .GroupBy(o => o.Table!, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Max(o => LockEffects.Strength(o.Mode)), StringComparer.Ordinal);
            // A renamed table is traced under its new name.
            foreach (var rename in replay.Operations.Where(o => o is { Kind: LockOperationKind.RenameTable, TableExistedBefore: true, Target: { } to }))
            {
                predicted[rename.Target!] = LockEffects.Strength("ACCESS EXCLUSIVE");
            }

            // A foreign key also takes SHARE ROW EXCLUSIVE on the table it references, unless this migration created that one.
            var createdHere = replay.Operations.Where(o => o.TableExistedBefore == false).Select(o => o.Table).ToHashSet(StringComparer.Ordinal);
            foreach (var key in replay.Operations.Where(o => o is { Kind: LockOperationKind.AddForeignKey, Target: { } target } && target != o.Table && !createdHere.Contains(target) && !gone.Contains(target)))
            {
                predicted[key.Target!] = Math.Max(predicted.GetValueOrDefault(key.Target!, -1), LockEffects.Strength("SHARE ROW EXCLUSIVE"));
            }

            var traced = step.UpLocks.GroupBy(l => l.Relation, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Max(l => LockEffects.Strength(l.Mode)), StringComparer.Ordinal);
            var disagreements = new List<string>();
            foreach (var (table, strength) in predicted.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var seen = Math.Max(traced.GetValueOrDefault(table, -1), heldInBatch.GetValueOrDefault(table, -1));
                if (seen < strength || traced.TryGetValue(table, out var own) && own > strength)
                {
                    disagreements.Add($"{table}: the replay predicts {LockEffects.NameOf(strength)}, the trace shows {(traced.TryGetValue(table, out var t) ? LockEffects.NameOf(t) : "none")}");
                }
            }

            if (replay.Up.Complete)
            {
                // Tables, not indexes: those the up names and those of the replayed schema.
                var named = replay.TablesNamed.Concat(audit.Input.Schema.Schema.Tables.Keys).ToHashSet(StringComparer.Ordinal);
                foreach (var (relation, strength) in traced.Where(t => !predicted.ContainsKey(t.Key) && named.Contains(t.Key) && t.Value >= LockEffects.Strength("SHARE UPDATE EXCLUSIVE")).OrderBy(t => t.Key, StringComparer.Ordinal))
                {
                    disagreements.Add($"{relation}: the trace shows {LockEffects.NameOf(strength)}, which the replay does not predict");
                }
            }

            var transactional = oneTransaction && migrations.TryGetValue(step.Migration, out var migration) && !migration.Module.DisablesTransaction;
            if (!transactional)
            {
                heldInBatch.Clear();
            }
            else
            {
                // What this migration holds stays held for the rest of the batch, tables it created included (CREATE
                // TABLE holds ACCESS EXCLUSIVE on the new table until commit; the trace leaves them out as new).
                foreach (var (relation, strength) in traced)
                {
                    heldInBatch[relation] = Math.Max(heldInBatch.GetValueOrDefault(relation, -1), strength);
                }

                foreach (var table in createdHere.OfType<string>())
                {
                    heldInBatch[table] = LockEffects.Strength("ACCESS EXCLUSIVE");
                }
            }

            result.Add(step with { LockDisagreements = disagreements });
        }

        return result;
    }
}
