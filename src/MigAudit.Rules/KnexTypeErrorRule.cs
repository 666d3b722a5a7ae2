using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// A call to a name knex's objects do not have (knex.schmea.alterTable, table.strng, t.string('x').notNul()) is
/// undefined in every knex version: the line throws a TypeError when it runs, knex's migration transaction rolls back,
/// and the command stops. In an up, every database that runs it fails there. In a down, only a rollback meets it: the
/// next deploy cannot be rolled back when the migration is in it; a shipped migration's down is worth mending but
/// blocks nothing.
/// </summary>
public sealed class KnexTypeErrorRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "knex-type-error",
        Title: "Calls to methods knex does not have",
        Severity: Severity.High,
        Blocking: true,
        Summary: "An up or down calls a method no knex version has (a typo such as knex.schmea or table.strng): the line throws a TypeError when it runs.",
        Impact: "In an up, 'knex migrate:latest' fails there on every database; in a down, 'knex migrate:rollback' fails and the batch cannot be rolled back.")
    {
        EffortPerFindingMinutes = 5,
    };

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        var migrations = new Dictionary<string, Migration>(StringComparer.Ordinal);
        foreach (var migration in input.Migrations)
        {
            migrations.TryAdd(migration.Name, migration);
        }

        foreach (var replay in input.Schema.Migrations)
        {
            var file = SchemaLocation.PathOf(input, replay.Migration);
            foreach (var (problem, ordinal) in replay.ChainProblems.Select((p, i) => (p, i)).Where(p => p.p.RunTimeError))
            {
                var site = HelperSite.Describe(problem.Line, problem.Helper);
                yield return Found(
                    $"{replay.Migration} ({site}): {problem.Message}. 'knex migrate:latest' fails there on every database, and knex's transaction rolls the batch back.",
                    file: file,
                    key: $"{replay.Migration}#up{ordinal}",
                    line: problem.Line,
                    helper: problem.Helper,
                    headline: $"{problem.Helper?.File ?? replay.Migration}:{problem.Line} — {problem.Message}",
                    action: $"Correct the call at {site} (see knex's documentation for the method's name)",
                    predictsKnexFailure: true);
            }

            // The first error ends the rollback: knex's transaction undoes the rest of the down with it.
            if (replay.DownFailures is [{ RunTimeError: true } failure, ..])
            {
                var site = HelperSite.Describe(failure.Line, failure.Helper);
                var scope = migrations.TryGetValue(replay.Migration, out var migration) ? MigrationScopes.Of(migration, input) : FindingScope.Unknown;
                var (severity, blocking, where) = scope switch
                {
                    FindingScope.Pending => (Severity.High, true, "It is in the next deploy, which then cannot be rolled back."),
                    FindingScope.Shipped or FindingScope.LongShipped => (Severity.Medium, false, "The migration has shipped, so no deploy runs this down; only a rollback of it would fail."),
                    _ => (Severity.High, false, "Whether the next deploy carries this migration is undecided (no release tags, no --applied list): if it does, that deploy cannot be rolled back."),
                };
                yield return Found(
                    $"{replay.Migration}: its down fails at {site}: {failure.Message}. 'knex migrate:rollback' stops there and undoes the rollback. {where}",
                    file: file,
                    key: $"{replay.Migration}#down",
                    line: failure.Line,
                    helper: failure.Helper,
                    headline: $"{failure.Helper?.File ?? replay.Migration}:{failure.Line}: the down throws — {failure.Message}",
                    severity: severity,
                    blocking: blocking,
                    action: $"Correct the call at {site} in the down of {replay.Migration} (a down is read when the rollback runs, so editing it is safe)");
            }
        }
    }
}
