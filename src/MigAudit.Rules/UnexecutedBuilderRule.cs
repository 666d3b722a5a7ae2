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
                    var what = builder.ChangesSchema ? "its schema change" : "its statement";
                    yield return Found(
                        $"{replay.Migration} ({HelperSite.Describe(builder.Line, builder.Helper)}): `{builder.Code}` is neither awaited nor returned, so Knex never runs it: builders are lazy and send their SQL only when awaited, returned, given to Promise.all or then()-ed" +
                        (builder.Note is null ? "." : $"; {builder.Note}.") + $" Databases that ran this migration do not have {what}.",
                        file: file,
                        line: builder.Line,
                        helper: builder.Helper,
                        key: key,
                        headline: $"{builder.Helper?.File ?? replay.Migration}:{builder.Line} — never runs: {builder.Code}",
                        severity: builder.ChangesSchema ? Severity.High : Severity.Medium,
                        blocking: builder.ChangesSchema,
                        action: $"Add await (or return) before the builder at {HelperSite.Describe(builder.Line, builder.Helper)}; for databases that already ran {replay.Migration}, make the change in a new migration (editing an applied one does not run it again)");
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
}
