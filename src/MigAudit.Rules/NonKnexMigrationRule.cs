using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class NonKnexMigrationRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "non-knex-migration",
        Title: "Migrations not in Knex format",
        Severity: Severity.High,
        Blocking: true,
        Summary: "up/down do their work without the knex object Knex passes in (db.query(), a required pg pool or app db module).",
        Impact: "Either migrate:latest fails (the knex object has no query method) or the SQL runs outside Knex's transaction on another connection.")
    {
        EffortPerFindingMinutes = 45,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        foreach (var migration in input.Migrations)
        {
            var uses = (migration.Module.Up?.NonKnexUses ?? []).Concat(migration.Module.Down?.NonKnexUses ?? []).ToList();
            if (uses.Count == 0)
            {
                continue;
            }

            var first = uses[0];
            var calls = string.Join(", ", uses.Select(u => u.Expression).Distinct());
            string message;
            if (uses.Any(u => u.Kind == NonKnexKind.MissingMethodOnKnexParameter))
            {
                var failing = uses.First(u => u.Kind == NonKnexKind.MissingMethodOnKnexParameter);
                var method = failing.Expression.TrimEnd('(', ')');
                message = $"{migration.Name} calls {calls} on the knex object Knex passes to up/down (line {failing.Line}). That object has no {method[(method.IndexOf('.') + 1)..]} method, so 'knex migrate:latest' fails with \"TypeError: {method} is not a function\"; the batch runs in one transaction, so none of its migrations is applied.";
            }
            else
            {
                var source = first.ClientSource is null ? "a client of its own" : $"a client from '{first.ClientSource}'";
                message = $"{migration.Name} runs its SQL with {calls} on {source} (line {first.Line}), not on the knex object Knex passes in. Knex will call it, but the SQL runs on another connection, outside Knex's migration transaction and lock: if it fails half-way nothing is rolled back, a later failure in the batch does not undo it, and it needs the application's database configuration at migration time.";
            }

            yield return Found(
                message,
                file: migration.Path,
                line: first.Line,
                action: $"Convert {migration.Name} to Knex format: exports.up = async (knex) => {{ await knex.raw(`...`) }} with the same SQL, and a matching down",
                changes: [new FileChange(migration.Path, "CONVERT FORMAT")]);
        }
    }
}
