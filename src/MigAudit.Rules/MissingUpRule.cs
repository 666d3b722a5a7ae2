using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class MissingUpRule : Rule
{
    public override string Id => "missing-up";
    public override string Title => "Migrations without up";
    public override Severity Severity => Severity.High;
    public override bool Blocking => true;
    public override string Summary => "A migration does not export an up function.";
    public override string Impact => "Knex refuses the whole batch: \"Invalid migration: ... must have both an up and down function\".";
    public override int EffortPerFindingMinutes => 20;

    public override IEnumerable<Finding> Check(AuditInput input) =>
        MissingExport.Check(this, input, "up", m => m.Up, (message, migration, line, action) => Found(message, migration.Path, line, action, changes: [new FileChange(migration.Path, "ADD up")]));
}

public sealed class MissingDownRule : Rule
{
    public override string Id => "missing-down";
    public override string Title => "Migrations without down";
    public override Severity Severity => Severity.High;
    public override bool Blocking => true;
    public override string Summary => "A migration does not export a down function.";
    public override string Impact => "Knex refuses the whole batch: \"Invalid migration: ... must have both an up and down function\"; rollback is impossible.";
    public override int EffortPerFindingMinutes => 15;

    public override IEnumerable<Finding> Check(AuditInput input) =>
        MissingExport.Check(this, input, "down", m => m.Down, (message, migration, line, action) => Found(message, migration.Path, line, action, changes: [new FileChange(migration.Path, "ADD down")]));
}

/// <summary>Shared by missing-up and missing-down: Knex validates both exports of every pending migration.</summary>
internal static class MissingExport
{
    public static IEnumerable<Finding> Check(Rule rule, AuditInput input, string name, Func<MigrationModule, ExportedFunction?> select,
        Func<string, Migration, int?, string, Finding> found)
    {
        foreach (var migration in input.Migrations)
        {
            var module = migration.Module;
            if (module.ParseProblem is not null || module.ExportsUnknown)
            {
                continue;
            }

            var export = select(module);
            if (export is { IsFunction: true })
            {
                continue;
            }

            var knexError = $"Knex validates every pending migration before running any and stops with \"Invalid migration: {migration.Name} must have both an up and down function\"";
            string detail;
            if (export is not null)
            {
                detail = $"exports {name} (line {export.Line}) but not as a function";
            }
            else if (module.DefaultExportLine is { } defaultLine)
            {
                detail = $"puts {name} inside 'export default' (line {defaultLine}); Knex reads the module's named exports (module.exports.{name}), so it finds no {name}";
            }
            else
            {
                detail = $"exports no {name} function";
            }

            var line = export?.Line ?? module.DefaultExportLine ?? module.Up?.Line ?? 1;
            var action = name == "down"
                ? $"Add exports.down to {migration.Name} that undoes its up (or throws an explicit 'irreversible migration' error)"
                : $"Add exports.up to {migration.Name}";
            yield return found($"{migration.Name} {detail}: {knexError}.", migration, line, action);
        }
    }
}
