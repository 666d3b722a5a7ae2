using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class IrreversibleDownRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "irreversible-down",
        Title: "Downs that do not undo their up",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "Replaying up then down does not give back the schema the up started from.",
        Impact: "knex migrate:rollback reports success but leaves tables, columns or indexes behind; running up again then fails.")
    {
        EffortPerFindingMinutes = 20,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        // An empty down is empty-down's finding; this rule is about downs that do something, but not enough.
        var emptyDowns = input.Migrations.Where(m => m.Module.Down is { IsEmpty: true }).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        // A down that throws before knex sends anything is knex-type-error's finding.
        // An up that throws (knex-type-error) never completes, so what its down would meet says nothing.
        var upThrows = input.Schema.Migrations.Where(r => r.ChainProblems.Any(p => p.RunTimeError)).Select(r => r.Migration).ToHashSet(StringComparer.Ordinal);
        foreach (var replay in input.Schema.Migrations.Where(r => r.DownFailures is [{ RunTimeError: false }, ..] && !upThrows.Contains(r.Migration)))
        {
            // The first refused statement ends the rollback: Knex's transaction undoes the rest of the down with it.
            var failure = replay.DownFailures[0];
            yield return Found(
                $"{replay.Migration}: its down fails at {HelperSite.Describe(failure.Line, failure.Helper)}, after the up ran: {failure.Message}. 'knex migrate:rollback' stops there and undoes the rollback.",
                file: SchemaLocation.PathOf(input, replay.Migration),
                key: replay.Migration,
                line: failure.Line,
                helper: failure.Helper,
                headline: $"{failure.Helper?.File ?? replay.Migration}:{failure.Line}: the down fails — {failure.Message}",
                action: $"Fix the down of {replay.Migration} ({HelperSite.Describe(failure.Line, failure.Helper)}) so that it runs after its up");
        }

        foreach (var replay in input.Schema.Migrations.Where(r => r.DownFailures.Count == 0 && r.DownLeftovers.Count > 0 && !emptyDowns.Contains(r.Migration) && !upThrows.Contains(r.Migration)))
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
