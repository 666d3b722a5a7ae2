using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// Changes to a native enum type in a migration no release shipped (checked with knex 3.1.0 on PostgreSQL 15):
/// ALTER TYPE ... RENAME VALUE is instant, but from its commit the running application's writes of the old value fail
/// ("invalid input value for enum", 22P02): low, it is advice about the deploy order. Knex's .enu(column, values,
/// { useNative: true, existingType: true }).alter() sends only ALTER COLUMN ... TYPE "name" USING (...::text::"name"):
/// the values listed are not added (a write of a new one fails the same way), and the table is rewritten under ACCESS
/// EXCLUSIVE: medium, the migration silently does not do what it says. The .enu().alter() forms PostgreSQL refuses are
/// chain errors (the replay's); ADD VALUE used in the same transaction is enum-value-used-in-same-transaction's.
/// </summary>
public sealed class EnumTypeChangeRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "enum-type-change",
        Title: "Enum type changes that break writes",
        Severity: Severity.Low,
        Blocking: false,
        Summary: "A native enum value is renamed (running code writing the old one fails), or Knex's .enu(..., { existingType: true }).alter() leaves the new values out.",
        Impact: "Writes of the old (or the intended new) value fail with \"invalid input value for enum\" (22P02) once the migration commits.")
    {
        Category = RuleCategory.Migrations,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 10,
    };

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        var migrations = input.Migrations.ToDictionary(m => m.Name, StringComparer.Ordinal);
        foreach (var replay in input.Schema.Migrations)
        {
            if (!migrations.TryGetValue(replay.Migration, out var migration) || migration.Git.ShippedInRelease is not null)
            {
                continue;
            }

            foreach (var change in replay.EnumChanges)
            {
                yield return change.Kind == EnumChangeKind.RenameValue ? Renamed(migration, change) : Ignored(migration, change);
            }
        }
    }

    private Finding Renamed(Migration migration, EnumChange change) => Found(
        $"{migration.Name} renames the value '{change.Value}' of {change.Type} to '{change.NewValue}' ({HelperSite.Describe(change.Line, change.Helper)}). PostgreSQL only changes the label, at once and without a rewrite, and every row that held '{change.Value}' now reads '{change.NewValue}'; but from the moment the migration commits, the application still running writes and compares '{change.Value}', and those writes fail (\"invalid input value for enum {change.Type}: \\\"{change.Value}\\\"\", 22P02) until the new code is deployed.",
        file: migration.Path,
        line: change.Line,
        helper: change.Helper,
        key: $"{change.Type}/{change.Value}",
        action: $"Deploy code that accepts both labels first, or rename in the same deploy as the code change and accept the failed writes in between; if the old label must keep working, add '{change.NewValue}' with ALTER TYPE ... ADD VALUE instead, move the rows with an UPDATE in a later migration, and leave '{change.Value}' unused (PostgreSQL cannot drop an enum value)");

    private Finding Ignored(Migration migration, EnumChange change) => Found(
        $"{migration.Name} alters {change.Table}.{change.Column} with .enu('{change.Column}', [{string.Join(", ", change.Values.Select(v => $"'{v}'"))}], {{ useNative: true, enumName: '{change.Type}', existingType: true }}).alter() ({HelperSite.Describe(change.Line, change.Helper)}): knex sends only alter column \"{change.Column}\" type \"{change.Type}\" using (\"{change.Column}\"::text::\"{change.Type}\"), so {change.Type} keeps the values it had and writes of a value it lacks still fail (\"invalid input value for enum\", 22P02). The statement also rewrites {change.Table} under an ACCESS EXCLUSIVE lock (a cast through text is not binary-coercible), and knex's alter() drops the column's default and NOT NULL unless the chain states them again.",
        file: migration.Path,
        line: change.Line,
        helper: change.Helper,
        severity: Severity.Medium,
        key: $"{change.Table}.{change.Column}",
        action: $"Add each new value with knex.raw(\"ALTER TYPE \\\"{change.Type}\\\" ADD VALUE IF NOT EXISTS 'value'\") instead of .alter() (in a migration with exports.config = {{ transaction: false }} if the batch then writes it: see enum-value-used-in-same-transaction)");
}
