using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class PoolMismatchRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "pool-mismatch",
        Title: "Pool configuration mismatch",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "The application's pool differs from the knexfile environment migrations run with.",
        Impact: "Migrations and the application size and time out their connections differently: one may exhaust connections or time out where the other does not.")
    {
        Category = RuleCategory.Configuration,
        EffortBaseMinutes = 30,
        EffortPerFindingMinutes = 15,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        // A knex or node-postgres client can take its pool from the knexfile; Sequelize, Prisma or TypeORM size their own
        // pools by their own rules, and those pools count in pool-exhaustion-risk instead.
        foreach (var (app, migrations) in Clients.AppVersusMigrations(input).Where(pair => pair.App.Kind is ClientKind.Knex or ClientKind.PgPool or ClientKind.PgClient))
        {
            var mine = app.Production();
            var theirs = migrations.Production();
            var differences = mine.PoolSettings().Zip(theirs.PoolSettings())
                .Where(pair => pair.First.Value != SettingValue.NotApplicable && pair.Second.Value != SettingValue.NotApplicable &&
                               pair.First.Value.Known && pair.Second.Value.Known && !pair.First.Value.SameValueAs(pair.Second.Value))
                .Select(pair => $"{pair.First.Name} {pair.First.Value.Text} vs {pair.Second.Value.Text}")
                .ToList();
            if (differences.Count == 0)
            {
                continue;
            }

            yield return Found(
                $"{app.Label} builds its own {app.KindText()} while migrations use {migrations.Label}: {string.Join("; ", differences)} (application vs knexfile, production).",
                file: app.File,
                key: Clients.KeyOf(input, app),
                line: app.Line,
                headline: $"{app.Label}: {string.Join("; ", differences)}",
                action: $"Use the knexfile as the source of truth in {app.File}: {Clients.SourceOfTruth(app, migrations)}",
                related: [migrations.File],
                changes:
                [
                    new FileChange(migrations.File, "source of truth", FileChangeGroup.Configuration),
                    new FileChange(app.File, $"must align with {Path.GetFileName(migrations.File)}", FileChangeGroup.Configuration),
                ]);
        }
    }
}
