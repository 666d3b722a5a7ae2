using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class MixedNamingRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "mixed-naming",
        Title: "Mixed naming schemes",
        Severity: Severity.Low,
        Blocking: false,
        Summary: "Migration names mix schemes (e.g. 026_x.js beside 20250202000034_y.js); Knex's string sort interleaves them by character, not by age.",
        Impact: "Execution order follows characters, not age: old sequence-numbered files run before every timestamped one.")
    {
        EffortPerFindingMinutes = 10,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        var total = input.Migrations.Count;
        var schemes = input.Migrations.GroupBy(SchemeOf).OrderByDescending(g => g.Count()).ToList();
        if (schemes.Count < 2)
        {
            yield break;
        }

        var dominant = schemes[0];
        var dominantText = Text.Plural(dominant.Count(), "migration") + " use " + SchemeText(dominant.Key);
        foreach (var migration in schemes.Skip(1).SelectMany(g => g))
        {
            var scheme = SchemeOf(migration);
            var neighbour = input.Migrations.FirstOrDefault(m => m.Order == migration.Order + 1 && SchemeOf(m) == dominant.Key)
                            ?? input.Migrations.LastOrDefault(m => m.Order < migration.Order && SchemeOf(m) == dominant.Key);
            var place = neighbour is null
                ? string.Empty
                : neighbour.Order > migration.Order
                    ? $", right before {neighbour.Name}"
                    : $", after {neighbour.Name}";
            yield return Found(
                $"{migration.Name} uses {SchemeText(scheme)} while {dominantText}. Knex sorts names as plain strings, character by character, so it runs {Text.Position(migration, total)}{place} — whatever its age.",
                headline: $"{migration.Name} — runs {Text.Position(migration, total)}",
                file: migration.Path,
                action: $"Keep the name if it is already applied anywhere (a rename breaks those databases); otherwise rename {migration.Name} to {SchemeText(dominant.Key)}, at the place it must run");
        }
    }

    private static NamingScheme SchemeOf(Migration migration) => migration.VersionInfo.Scheme;

    private static string SchemeText(NamingScheme scheme) => scheme switch
    {
        NamingScheme.Timestamp => "the YYYYMMDDHHmmss timestamp scheme",
        NamingScheme.DateUnderscoreTime => "the YYYYMMDD_HHMMSS scheme",
        NamingScheme.Date => "the YYYYMMDD date scheme",
        NamingScheme.DashedDateTime => "the YYYY-MM-DD-HHMM scheme",
        NamingScheme.Semver => "semantic-version names (x.y.z)",
        NamingScheme.Sequence => "a numeric sequence prefix",
        _ => "no version prefix",
    };
}
