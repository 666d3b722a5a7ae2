using System.Text.Json;
using MigAudit.Config;
using MigAudit.Live;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Live;

/// <summary>Passwords leave migaudit in no form: URL, key=value, JSON, a JavaScript object, or the known value itself.</summary>
public sealed class ConnectionRedactionTests(PostgresServer fixture) : IClassFixture<PostgresServer>
{
    [Theory]
    [InlineData("postgres://app:s3cr3t@db:5432/x?sslmode=require", "postgres://app:***@db:5432/x?sslmode=require")]
    [InlineData("postgresql://:s3cr3t@db/x", "postgresql://:***@db/x")]
    [InlineData("host=db password=s3cr3t user=app", "host=db password=*** user=app")]
    [InlineData("host=db password = 's3 cr\\'3t' user=app", "host=db password = *** user=app")]
    [InlineData("Host=db;Password=s3cr3t;Username=app", "Host=db;Password=***;Username=app")]
    [InlineData("PGPASSWORD=s3cr3t node run.js", "PGPASSWORD=*** node run.js")]
    [InlineData("postgres://db/x?user=app&password=s3cr3t&sslmode=require", "postgres://db/x?user=app&password=***&sslmode=require")]
    [InlineData("sslpassword=s3cr3t", "sslpassword=***")]
    [InlineData("config {\"user\":\"app\",\"password\":\"s3cr3t\"}", "config {\"user\":\"app\",\"password\":\"***\"}")]
    [InlineData("config {\"password\": \"s3\\\"cr3t\", \"user\": \"app\"}", "config {\"password\": \"***\", \"user\": \"app\"}")]
    [InlineData("{ user: 'app', password: 's3cr3t' }", "{ user: 'app', password: '***' }")]
    [InlineData("client password must be a string", "client password must be a string")]
    [InlineData("password authentication failed for user \"app\"", "password authentication failed for user \"app\"")]
    public void Each_form_is_redacted(string text, string expected) => Assert.Equal(expected, Redaction.Redact(text));

    [Fact]
    public void A_known_password_is_redacted_wherever_it_appears_percent_encoded_too()
    {
        const string secret = "Pr0d/Secret!";
        var text = $"connect failed: {secret} (from postgres://app:{Uri.EscapeDataString(secret)}@db/x), again in {Uri.EscapeDataString(secret)}";
        var redacted = Redaction.Redact(text, [secret, null]);
        Assert.Equal("connect failed: *** (from postgres://app:***@db/x), again in ***", redacted);

        // Verify's step errors go through Explain, which redacts the patterns too.
        Assert.Equal("boom password=*** {\"password\":\"***\"}", Verifier.Explain("boom password=x {\"password\":\"y\"}", VerifyOptions.None));
    }

    [Fact]
    public void The_password_migaudit_resolved_for_the_address_is_among_the_known_secrets()
    {
        Assert.Contains("url-pw-123", ConnectionUrl.SecretsOf("postgres://app:url-pw-123@db/x"));
        Assert.DoesNotContain("url-pw-123", ConnectionUrl.SecretsOf("postgres://app:url-pw-123@db/x?unknown=1"));
    }

    private static string UpError(CliResult run)
    {
        Assert.True(run.Stdout.StartsWith('{'), run.Stdout + run.Stderr);
        return JsonDocument.Parse(run.Stdout).RootElement.GetProperty("migrations")[0].GetProperty("upError").GetString() ?? "(none)";
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task A_migrations_error_carries_the_database_password_in_no_form()
    {
        Requires.PostgresAndKnex();
        var password = fixture.Postgres!.SuperuserPassword;
        using var repo = Audit.Project(("20250101000000_leak.js", """
            exports.up = async () => {
              const pw = process.env.PGPASSWORD;
              throw new Error(`plain ${pw} json ${JSON.stringify({ password: pw })} spaced {"password": "${pw}"} kv password=${pw} npgsql Password=${pw}; url postgres://app:${pw}@db/x`);
            };
            exports.down = async () => {};
            """));
        NodeKnex.LinkInto(repo);

        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json", "--database", fixture.Postgres.Url());

        var error = UpError(run);
        Assert.DoesNotContain(password, run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.StartsWith("plain *** json {\"password\":\"***\"} spaced {\"password\": \"***\"} kv password=*** npgsql Password=***; url postgres://app:***@db/x", error, StringComparison.Ordinal);
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task A_knexfile_that_fails_to_load_shows_no_password()
    {
        Requires.PostgresAndKnex();
        using var repo = Audit.Project(("20250101000000_users.js", Audit.CreateTable("users")));
        repo.Write("knexfile.js", Audit.Knexfile + """

            if (process.env.DATABASE_URL) {
              throw new Error(`cannot use ${process.env.DATABASE_URL} nor postgres://prod:hardcoded-prod-pw@prod-db/app nor {"password":"json-prod-pw"}`);
            }
            """);
        repo.Commit("a knexfile that throws");
        NodeKnex.LinkInto(repo);

        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json", "--database", fixture.Postgres!.Url());

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("knexfile.js failed to load", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("postgres://prod:***@prod-db/app", run.Stderr, StringComparison.Ordinal);
        foreach (var secret in new[] { fixture.Postgres.SuperuserPassword, "hardcoded-prod-pw", "json-prod-pw" })
        {
            Assert.DoesNotContain(secret, run.Stderr, StringComparison.Ordinal);
        }
    }
}
