using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class RenamedMigrationRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "renamed-migration",
        Title: "Renamed migrations",
        Severity: Severity.High,
        Blocking: true,
        Summary: "A committed migration file was renamed; Knex records names with their extension, so the applied name looks missing.",
        Impact: "Databases that applied the old name refuse to migrate until the row in the migrations table is renamed too; with disableMigrationsListValidation, Knex instead runs the file again under its new name.")
    {
        EffortPerFindingMinutes = 15,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        foreach (var rename in input.Renamed)
        {
            if (input.IsDocumented(rename.OldName))
            {
                yield return Found(
                    $"{rename.OldName} was renamed to {rename.NewName}, documented in docs/deleted-migrations.md: run its UPDATE from the rollback script on every database that applied the old name.",
                    headline: $"{rename.OldName} -> {rename.NewName} — documented",
                    file: rename.NewPath,
                    key: rename.OldName,
                    severity: Severity.Low,
                    blocking: false);
                continue;
            }

            var how = (rename.IntermediateNames.Count > 0 ? $"it was renamed through {string.Join(", ", rename.IntermediateNames)}; " : string.Empty) +
                      (rename.ExtensionOnly ? "only its extension changed, but " : string.Empty);
            var when = rename.RenamedIn == "working-tree" ? "in the working tree" : $"in commit {Text.Commit(rename.Commit)}";
            var validationOff = input.Project.Settings.DisableMigrationsListValidation;
            input.Reruns.TryGetValue(rename.NewName, out var rerun);
            var consequence = !validationOff
                ? $"databases that applied {rename.OldName} fail 'knex migrate:latest' with \"The migration directory is corrupt, the following files are missing: {rename.OldName}\""
                : rerun is { Harmless: true }
                    ? $"with list validation disabled Knex runs {rename.NewName} again as a new migration; replayed once more on the schema the chain leaves, it fails nowhere (its statements are guarded), so that second run is harmless as far as the replay can tell"
                    : rerun is { Problems.Count: > 0 }
                        ? $"with list validation disabled Knex runs {rename.NewName} again as a new migration, and that second run fails: {rerun.Problems[0].Message} (line {rerun.Problems[0].Line})"
                        : rerun is { Unknowns: [var undecided, ..] }
                            ? $"with list validation disabled Knex runs {rename.NewName} again as a new migration; whether that second run fails is unknown: {undecided.Message} (line {undecided.Line}), which depends on {undecided.Because.Describe()}"
                            : $"with list validation disabled Knex runs {rename.NewName} again as a new migration; whether that second run fails is unknown (the replay could not follow all of it)";
            // The names databases recorded that differ from the file's name now: under a compiled deploy, a .ts → .js
            // conversion left the recorded x.js as it was (RecordedNamesReader), and --applied is asked about these.
            var stale = rename.StaleNames;
            if (stale.Count == 0)
            {
                // Every kind of database recorded the file's name now (x.js from tsc's build, x.js now): Knex finds them all.
                continue;
            }

            var reach = ProductionReach.Of(input, RecordedNamesText.ReleasesOfStaleNames(rename), rename.ReleasesSince, stale, "rename");
            if (reach.Drop)
            {
                continue;
            }

            var harmless = validationOff && rerun is { Harmless: true };
            var (repair, repaired) = input.RepairOf(stale, forRename: true);
            harmless |= repaired;
            var (severity, blocks) = reach.Rating(excused: harmless);

            // Some databases (those migrated from tsc's build) recorded the file's name now; which kind production is
            // depends on a condition migaudit cannot decide: the others' failure is possible there, never certain.
            var someUnaffected = input.Applied is null && RecordedNamesText.SomeUnaffected(rename);
            if (someUnaffected)
            {
                (severity, blocks) = (Severity.Low, false);
            }

            // The kinds of database are told apart only when one ran tsc's build: otherwise every kind recorded the
            // names the files had, as the finding has always said.
            var stated = rename.RecordedBy?.Any(k => k.Compiled) != true
                ? $"so {consequence}. Under its old name: {reach.Text}."
                : $"and {RecordedNamesText.Describe(rename, name => !validationOff ? $"fail 'knex migrate:latest' with \"The migration directory is corrupt, the following files are missing: {name}\"" : $"are not stopped: {consequence}")} Under {string.Join(" and ", stale)}: {reach.Text}.";
            var finding = reach.ApplyTo(Found(
                $"{rename.OldName} was renamed to {rename.NewName} {when}: {how}Knex records the file name with its extension in {input.Project.Settings.TableName}, {stated}{repair}",
                headline: $"{rename.OldName} -> {rename.NewName} ({(rename.RenamedIn == "working-tree" ? "working tree" : Text.Commit(rename.Commit))})",
                file: rename.NewPath,
                key: rename.OldName,
                action: stale is [var single] && single == rename.OldName && rename.IntermediateNames.Count == 0
                    ? $"On every database that applied {rename.OldName}, run UPDATE {Quoting.SqlQualified(input.Project.Settings.SchemaName, input.Project.Settings.TableName)} SET name = {Quoting.SqlLiteral(rename.NewName)} WHERE name = {Quoting.SqlLiteral(rename.OldName)} (or rename the file back)"
                    : stale is [var one]
                        ? $"On every database that recorded it as {one}, run UPDATE {Quoting.SqlQualified(input.Project.Settings.SchemaName, input.Project.Settings.TableName)} SET name = {Quoting.SqlLiteral(rename.NewName)} WHERE name = {Quoting.SqlLiteral(one)}"
                        : $"On every database that applied it under an earlier name, run UPDATE {Quoting.SqlQualified(input.Project.Settings.SchemaName, input.Project.Settings.TableName)} SET name = {Quoting.SqlLiteral(rename.NewName)} WHERE name IN ({string.Join(", ", stale.Select(Quoting.SqlLiteral))})",
                related: [rename.OldPath],
                changes: [new FileChange(rename.NewPath, $"RENAMED from {rename.OldName}: update {input.Project.Settings.TableName} rows or rename back")],
                severity: severity,
                blocking: blocks));
            yield return someUnaffected ? finding with { Evidence = Evidence.Possible } : finding;
        }
    }
}
