using MigAudit.Core;

namespace MigAudit.Rules;

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
