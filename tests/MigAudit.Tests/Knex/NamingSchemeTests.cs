using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Knex;

/// <summary>Each naming scheme real projects use, with the whole version token it carries.</summary>
public sealed class NamingSchemeTests
{
    [Theory]
    [InlineData("20250202000034_helpdesk.js", NamingScheme.Timestamp, "20250202000034")]
    [InlineData("20220524_152512_create_users.js", NamingScheme.DateUnderscoreTime, "20220524_152512")]
    [InlineData("20241022_01_add_index.ts", NamingScheme.Date, "20241022_01")]
    [InlineData("20241022_add_index.ts", NamingScheme.Date, "20241022")]
    [InlineData("2023-08-18-0301-add-sessions.js", NamingScheme.DashedDateTime, "2023-08-18-0301")]
    [InlineData("2024-08-24-000-add-cache-bust.js", NamingScheme.DashedDateTime, "2024-08-24-000")]
    [InlineData("2024-10-1315-rabbitmq-monitor.js", NamingScheme.DashedDateTime, "2024-10-1315")]
    [InlineData("2.5.128.js", NamingScheme.Semver, "2.5.128")]
    [InlineData("2.0.0-beta.11.js", NamingScheme.Semver, "2.0.0-beta.11")]
    [InlineData("1.2.3_add_users.js", NamingScheme.Semver, "1.2.3")]
    [InlineData("001_initial.js", NamingScheme.Sequence, "001")]
    [InlineData("026_create_intents.js", NamingScheme.Sequence, "026")]
    [InlineData("20250101000000123_ms.js", NamingScheme.Sequence, "20250101000000123")]
    [InlineData("create_users.js", NamingScheme.None, "")]
    public void The_version_is_the_schemes_whole_token(string name, NamingScheme scheme, string token)
    {
        Assert.Equal(new MigrationVersion(scheme, token), MigrationNames.ParseVersion(name));
    }

    private static AuditResult Run(params string[] names)
    {
        using var repo = Audit.Project(names.Select(n => (n, Audit.CreateTable("t_" + Guid.NewGuid().ToString("n")[..8]))).ToArray());
        return Audit.Run(repo.Root);
    }

    [Fact]
    public void Dashed_names_of_one_year_are_not_duplicates_of_the_year()
    {
        var result = Run("2023-08-18-0301-a.js", "2023-08-19-1200-b.js", "2023-09-01-0000-c.js");
        Assert.Empty(result.Of("duplicate-version"));
        Assert.Empty(result.Of("mixed-naming"));
    }

    [Fact]
    public void Mistyped_dashed_dates_are_invalid_timestamps_not_duplicates_of_their_year()
    {
        // uptime-kuma's db/knex_migrations has both shapes beside 53 well-formed YYYY-MM-DD-HHMM names.
        var result = Run("2024-08-24-000-add-cache-bust.js", "2024-08-24-0000-conditions.js", "2024-10-1315-rabbitmq-monitor.js", "2024-10-31-0000-fix.js");
        Assert.Empty(result.Of("duplicate-version"));
        Assert.Empty(result.Of("mixed-naming"));
        Assert.Equal(
            ["2024-08-24-000 is not a valid YYYY-MM-DD-HHMM timestamp (its digits do not fill the layout)", "2024-10-1315 is not a valid YYYY-MM-DD-HHMM timestamp (its digits do not fill the layout)"],
            result.Of("invalid-timestamp").Select(f => f.Message[(f.Message.IndexOf(": ", StringComparison.Ordinal) + 2)..f.Message.IndexOf(". ", StringComparison.Ordinal)]));
    }

    [Fact]
    public void Date_and_time_names_of_one_day_are_different_versions()
    {
        Assert.Empty(Run("20220524_152512_a.js", "20220524_221800_b.js").Of("duplicate-version"));
    }

    [Fact]
    public void Semver_names_are_versions_of_their_own()
    {
        Assert.Empty(Run("2.0.0.js", "2.5.1.js", "2.5.12.js", "2.5.128.js").Of("duplicate-version"));
    }

    [Fact]
    public void A_same_day_sequence_is_deliberate_but_two_bare_dates_collide()
    {
        Assert.Empty(Run("20241022_01_a.js", "20241022_02_b.js").Of("duplicate-version"));
        var duplicate = Assert.Single(Run("20241022_a.js", "20241022_b.js").Of("duplicate-version"));
        Assert.StartsWith("Version 20241022 is used by 2 files.", duplicate.Message);
    }

    [Theory]
    [InlineData("20241332_a.js", "20241332 is not a valid YYYYMMDD timestamp (month 13)")]
    [InlineData("2023-02-30-0101-a.js", "2023-02-30-0101 is not a valid YYYY-MM-DD-HHMM timestamp (day 30 of month 2)")]
    [InlineData("20220524_256000_a.js", "20220524_256000 is not a valid YYYYMMDD_HHMMSS timestamp (hour 25)")]
    [InlineData("20253001000000_a.js", "20253001000000 is not a valid YYYYMMDDHHmmss timestamp (month 30)")]
    public void Impossible_dates_are_found_in_every_date_bearing_scheme(string name, string message)
    {
        var finding = Assert.Single(Run(name).Of("invalid-timestamp"));
        Assert.Contains(message, finding.Message);
    }
}
