using System.Globalization;
using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class InvalidTimestampRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "invalid-timestamp",
        Title: "Invalid timestamps",
        Severity: Severity.Low,
        Blocking: false,
        Summary: "A 14-digit version is not a real date and time (month 30, hour 25...): the name was made by hand and may not sort where intended.",
        Impact: "Knex runs it by string order; the name does not say when it was written.")
    {
        EffortPerFindingMinutes = 10,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        var total = input.Migrations.Count;
        foreach (var migration in input.Migrations)
        {
            // Every date-bearing scheme is checked, not only knex's 14-digit one (YYYYMMDD_, YYYYMMDD_HHMMSS_, YYYY-MM-DD-HHMM-).
            var parsed = migration.VersionInfo;
            if (parsed.DateDigits is not { } version ||
                DateTime.TryParseExact(version, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                continue;
            }

            yield return Found(
                $"{migration.Name}: {parsed.Token} is not a valid {Pattern(parsed.Scheme)} timestamp ({Problem(version)}). No migration generator makes such a name; Knex still runs it, by plain string order, at {Text.Position(migration, total)}.",
                file: migration.Path,
                action: $"Check that {migration.Name} runs where intended; if it was never applied anywhere, rename it with a real timestamp");
        }
    }

    private static string Pattern(NamingScheme scheme) => scheme switch
    {
        NamingScheme.DateUnderscoreTime => "YYYYMMDD_HHMMSS",
        NamingScheme.Date => "YYYYMMDD",
        NamingScheme.DashedDateTime => "YYYY-MM-DD-HHMM",
        _ => "YYYYMMDDHHmmss",
    };

    private static string Problem(string version)
    {
        if (version.Length != 14 || !version.All(char.IsAsciiDigit))
        {
            return "its digits do not fill the layout";
        }

        int Part(int start, int length) => int.Parse(version.AsSpan(start, length), CultureInfo.InvariantCulture);
        var (month, day, hour, minute, second) = (Part(4, 2), Part(6, 2), Part(8, 2), Part(10, 2), Part(12, 2));
        return month is < 1 or > 12 ? $"month {month}"
            : day < 1 || day > DateTime.DaysInMonth(Math.Max(1, Part(0, 4)), month) ? $"day {day} of month {month}"
            : hour > 23 ? $"hour {hour}"
            : minute > 59 ? $"minute {minute}"
            : second > 59 ? $"second {second}"
            : "not a date";
    }
}
