using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// Knex builders are lazy: a schema, raw or query builder sends its SQL only when something calls then() on it. One
/// that is neither awaited nor returned (nor given to Promise.all, nor then()-ed) never runs; one started with then()
/// but not awaited runs while the migration goes on without it.
/// </summary>
public sealed class UnexecutedBuilderRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "unexecuted-builder",
        Title: "Builders that never run or are not awaited",
        Severity: Severity.High,
        Blocking: true,
        Summary: "A Knex builder in a migration is neither awaited nor returned, so Knex never runs it; or it is started without being awaited.",
        Impact: "The migration is recorded as applied while its statement never ran: every database built by it lacks that change, silently.")
    {
        EffortPerFindingMinutes = 15,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        foreach (var replay in input.Schema.Migrations)
        {
            var file = SchemaLocation.PathOf(input, replay.Migration);
            foreach (var (builder, ordinal) in replay.LazyBuilders.Select((b, i) => (b, i)))
            {
                var key = $"{replay.Migration}#{ordinal}";
                if (builder.NeverRuns)
                {
                    yield return NeverRuns(input, replay, builder, file, key);
                }
                else
                {
                    yield return Found(
                        $"{replay.Migration} ({HelperSite.Describe(builder.Line, builder.Helper)}): `{builder.Code}` runs without being awaited: the statements after it do not wait for it, and the migration can finish (and its transaction commit) before it does.",
                        file: file,
                        line: builder.Line,
                        helper: builder.Helper,
                        key: key,
                        headline: $"{builder.Helper?.File ?? replay.Migration}:{builder.Line} — not awaited: {builder.Code}",
                        severity: Severity.Medium,
                        blocking: false,
                        action: $"Await (or return) the promise at {HelperSite.Describe(builder.Line, builder.Helper)}");
                }
            }
        }
    }

    private Finding NeverRuns(AuditInput input, MigrationReplay replay, LazyBuilder builder, string? file, string key)
    {
        var what = builder.ChangesSchema ? "its schema change" : "its statement";
        var site = HelperSite.Describe(builder.Line, builder.Helper);
        var message = $"{replay.Migration} ({site}): `{builder.Code}` is neither awaited nor returned, so Knex never runs it: builders are lazy and send their SQL only when awaited, returned, given to Promise.all or then()-ed" +
            (builder.Note is null ? "." : $"; {builder.Note}.");
        var headline = $"{builder.Helper?.File ?? replay.Migration}:{builder.Line} — never runs: {builder.Code}";
        var addAwait = $"Add await (or return) before the builder at {site}; for databases that already ran {replay.Migration}, make the change in a new migration (editing an applied one does not run it again)";
        if (builder.InDown && builder.WouldFail is null)
        {
            // A down runs only on 'knex migrate:rollback': no deploy and no fresh database misses it. The rollback goes
            // on without it, leaving what it would undo in place: a rollback that is not complete, not a deploy risk.
            return Found(message + $" It is in the down, so only a rollback of {replay.Migration} misses it: 'knex migrate:rollback' goes on without it and leaves in place what it would undo; deploys and fresh databases are not affected.",
                file: file, line: builder.Line, helper: builder.Helper, key: key, headline: headline, severity: Severity.Medium, blocking: false,
                action: $"Add await (or return) before the builder at {site} in the down (a down is read when the rollback runs, so editing it is safe)");
        }

        if (builder.WouldFail is { } fails)
        {
            // Nothing is missing that the chain could have had: run here, the builder fails (say, the index exists already).
            return Found(message + $" Had it run, it would fail at this point (line {fails.Line}: {fails.Message}), so databases built by the chain lack nothing it could have made.",
                file: file, line: builder.Line, helper: builder.Helper, key: key, headline: headline, severity: Severity.Medium, blocking: false,
                action: $"Remove the dead builder at {site}; do not add await: the migration would then fail at line {fails.Line}");
        }

        if (builder.Effects is not { } effects)
        {
            return Found(message + $" Databases that ran this migration do not have {what}.", file: file, line: builder.Line, helper: builder.Helper, key: key, headline: headline,
                severity: builder.ChangesSchema ? Severity.High : Severity.Medium, blocking: builder.ChangesSchema, action: addAwait);
        }

        if (effects.Count == 0)
        {
            // Replayed where it stands, it changes nothing (say, DROP CONSTRAINT IF EXISTS of a constraint the chain never
            // made): databases built by the chain lack nothing. Only a database whose schema came from elsewhere (built
            // before the migrations, or by older versions of them) misses what it was meant to do there.
            return Found(message + " Replayed where it stands, it would change nothing: databases built by the chain lack nothing, and only a database whose schema came from elsewhere (older versions of the migrations, a dump) misses it.",
                file: file, line: builder.Line, helper: builder.Helper, key: key, headline: headline, severity: Severity.Medium, blocking: false,
                action: $"Await (or return) the builder at {site} if databases built some other way need it; otherwise remove it");
        }

        var (made, missing) = LaterEffects.Compare(input.Schema.Schema, effects);
        if (made.Count == 0)
        {
            return Found(message + $" Databases built by the chain lack what it would add: {string.Join(", ", missing.Select(e => e.Describe()))}.",
                file: file, line: builder.Line, helper: builder.Helper, key: key, headline: headline, severity: Severity.High, blocking: true, action: addAwait);
        }

        var madeBy = $"the chain makes {LaterEffects.Describe(made)}";
        var awaitBreaks = AwaitBreaks(input, replay.Migration, made);
        if (missing.Count > 0)
        {
            // Await would make the statements that repeat it fail; only what nothing makes needs a new migration.
            return Found(message + $" Databases built by the chain lack {string.Join(", ", missing.Select(e => e.Describe()))}; {madeBy} anyway.",
                file: file, line: builder.Line, helper: builder.Helper, key: key, headline: headline, severity: Severity.High, blocking: true,
                action: $"Make {string.Join(", ", missing.Select(e => e.Describe()))} in a new migration and remove the dead builder at {site}" +
                    (awaitBreaks is null ? string.Empty : $"; do not add await: {awaitBreaks}"));
        }

        // A statement the replay could not follow after it might have undone it: then only "made" is claimed, not "there at the end".
        var kept = made.All(m => m.Known) ? "so databases built by the chain have it and " : string.Empty;
        return Found(message + $" Its change is made anyway: {madeBy}; {kept}the builder is dead code.",
            file: file, line: builder.Line, helper: builder.Helper, key: key, headline: $"{builder.Helper?.File ?? replay.Migration}:{builder.Line} — never runs, made later anyway: {builder.Code}",
            severity: Severity.Medium, blocking: false,
            action: $"Remove the dead builder at {site}" + (awaitBreaks is null ? string.Empty : $"; do not add await: {awaitBreaks}"));
    }

    /// <summary>
    /// What fails if the builder ran: the first statement that makes the same object again. Null when one of them is
    /// guarded (a hasTable/hasColumn check, IF NOT EXISTS): it might skip instead of failing.
    /// </summary>
    private static string? AwaitBreaks(AuditInput input, string migration, IReadOnlyList<LaterEffects.Made> made)
    {
        if (made.Any(m => m.Origin.Guarded))
        {
            return null;
        }

        var order = input.Schema.Migrations.Select((m, i) => (m.Migration, i)).GroupBy(x => x.Migration).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
        var here = order.GetValueOrDefault(migration);
        var first = made.MinBy(m => (order.GetValueOrDefault(m.Origin.Migration), m.Origin.Line))!;
        var refusal = LaterEffects.Refusal(first.Effect);
        return order.GetValueOrDefault(first.Origin.Migration) > here
            ? $"{first.Origin.Migration} (line {first.Origin.Line}) would then fail, as PostgreSQL refuses to make {first.Effect.Describe()} a second time (\"{refusal}\")"
            : $"the builder would then fail, as {first.Origin.Migration} (line {first.Origin.Line}) already makes {first.Effect.Describe()} (\"{refusal}\")";
    }
}
