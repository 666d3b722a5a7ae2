using MigAudit.Core;

namespace MigAudit.Live;

public enum LockClaimVerdict
{
    Confirmed,
    Refuted,
    Untraceable,
}

/// <summary>
/// One static lock claim: the replay says the statement at <paramref name="Line"/> takes <paramref name="Mode"/> on a
/// table that existed before the migration; <paramref name="Traced"/> is the strongest lock pg_locks showed on it.
/// </summary>
public sealed record LockClaim(string Table, string Mode, int Line, string Statement, LockClaimVerdict Verdict, string? Traced, string? Reason);

/// <summary>
/// Every static lock claim of each up judged against the locks that up held alone, in its own transaction with every
/// earlier migration committed (latest again, one migration at a time): confirmed when the trace holds that mode or a
/// stronger one on the table, refuted when it holds a weaker one or none, untraceable when the trace cannot say, with
/// the reason. The batch trace (migrate:latest's single transaction) cannot judge them: a table an earlier migration of
/// the batch created is held ACCESS EXCLUSIVE until the batch commits, so no later lock on it is newly taken there.
/// </summary>
public static class LockClaims
{
    /// <param name="whyUntraced">Why no up ran alone and traced (--no-lock-trace, --skip-latest-again...), or null.</param>
    public static IReadOnlyList<VerifyStep> Judge(IReadOnlyList<VerifyStep> steps, AuditResult audit, string? whyUntraced)
    {
        var replays = audit.Input.Schema.Migrations.ToDictionary(r => r.Migration, StringComparer.Ordinal);
        var transform = audit.Input.Project.IdentifierTransform;
        return steps.Select(step => replays.TryGetValue(step.Migration, out var replay) && replay.Skipped is null
            ? step with { LockClaims = Claims(replay, transform).Select(c => Verdict(c, step, whyUntraced)).ToList() }
            : step).ToList();
    }

    /// <summary>What the replay claims: (table as pg_locks names it at the end of the up, or null when it is dropped there; the claim).</summary>
    private static IEnumerable<(string? Relation, LockClaim Claim)> Claims(MigrationReplay replay, IdentifierTransform transform)
    {
        var operations = replay.Operations;
        var createdHere = operations.Where(o => o.TableExistedBefore == false).Select(o => o.Table).OfType<string>().ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < operations.Count; i++)
        {
            var operation = operations[i];
            if (operation is { TableExistedBefore: true, Table: { } table })
            {
                yield return (Relation(table, i, operations, transform), new LockClaim(table, operation.Mode, operation.Line, operation.Kind.ToString(), LockClaimVerdict.Untraceable, null, null));
            }

            // A foreign key also takes SHARE ROW EXCLUSIVE on the table it references, even when it comes with a table
            // this migration creates (createTable's references()).
            if (operation is { Kind: LockOperationKind.AddForeignKey, Target: { } target } && target != operation.Table && !createdHere.Contains(target) &&
                (operation.TableExistedBefore == true || operation.TargetExistedBefore == true))
            {
                yield return (Relation(target, i, operations, transform), new LockClaim(target, "SHARE ROW EXCLUSIVE", operation.Line, operation.Kind.ToString(), LockClaimVerdict.Untraceable, null, null));
            }
        }
    }

    /// <summary>
    /// The name pg_locks shows for the table after the whole up: a rename keeps the table's oid, so its locks are
    /// traced under the new name; a table dropped later in the up is gone from pg_class, and its locks with it (null).
    /// </summary>
    private static string? Relation(string table, int from, IReadOnlyList<LockOperation> operations, IdentifierTransform transform)
    {
        var name = table;
        for (var i = from; i < operations.Count; i++)
        {
            var later = operations[i];
            if (later.Table != name)
            {
                continue;
            }

            if (later.Kind == LockOperationKind.DropTable)
            {
                return null;
            }

            if (later is { Kind: LockOperationKind.RenameTable, Target: { } to })
            {
                name = to;
            }
        }

        // pg_locks' relation is pg_class.relname, without its schema; wrapIdentifier renames what the migration writes.
        var bare = name[(name.LastIndexOf('.') + 1)..];
        return transform == IdentifierTransform.SnakeCase ? IdentifierCase.SnakeCase(bare) : bare;
    }

    private static LockClaim Verdict((string? Relation, LockClaim Claim) claim, VerifyStep step, string? whyUntraced)
    {
        var (relation, template) = claim;
        string? why = whyUntraced
            ?? (step.Up != StepStatus.Ok ? "the up did not run" : null)
            ?? (!step.RanAlone ? "the up did not run in the pass one migration at a time (it or an earlier one failed there)" : null)
            ?? (step.UpLocksAlone is null ? "the migration runs without a transaction: each statement releases its locks as it ends" : null)
            ?? (relation is null ? $"the up drops {template.Table}: its locks leave pg_locks' view with its pg_class row" : null);
        if (why is not null)
        {
            return template with { Reason = why };
        }

        var held = step.UpLocksAlone!.Where(l => l.Relation == relation).Select(l => l.Mode).ToList();
        var strongest = held.Count == 0 ? -1 : held.Max(m => LockEffects.Strength(VerifyReport.ModeText(m)));
        var wanted = LockEffects.Strength(template.Mode);
        var traced = held.Count == 0 ? null : held.Any(m => VerifyReport.ModeText(m) == template.Mode) ? template.Mode : LockEffects.NameOf(strongest);
        return strongest >= wanted
            ? template with { Verdict = LockClaimVerdict.Confirmed, Traced = traced }
            : template with { Verdict = LockClaimVerdict.Refuted, Traced = traced, Reason = traced is null ? $"no lock on {relation} in the up's own transaction" : $"only {traced} on {relation} in the up's own transaction" };
    }
}
