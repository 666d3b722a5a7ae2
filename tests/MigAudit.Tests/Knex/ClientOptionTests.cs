using System.Text.Json;
using MigAudit.Core;
using MigAudit.Knex.Discovery;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Knex;

/// <summary>
/// --client and the "client" setting: the database a knexfile chooses at run time (client: process.env.DB_CLIENT, or
/// a whole configuration picked by a condition), so the rules of production's database run; the knexfile's own
/// client name always wins, as Knex loads it.
/// </summary>
public sealed class ClientOptionTests
{
    private const string PendingIndex = "exports.up = (knex) => knex.schema.alterTable('users', (t) => { t.index('email'); });\nexports.down = (knex) => knex.schema.alterTable('users', (t) => { t.dropIndex('email'); });\n";
    private const string Users = "exports.up = (knex) => knex.schema.createTable('users', (t) => { t.increments('id'); t.string('email'); });\nexports.down = (knex) => knex.schema.dropTable('users');\n";

    /// <summary>A released users table and a pending index on it, with the knexfile given and pg and SQLite drivers installed.</summary>
    private static TempRepo Project(string knexfile)
    {
        var repo = new TempRepo();
        repo.Write("package.json", """{ "dependencies": { "knex": "^3.1.0", "pg": "^8.13.0", "better-sqlite3": "^12.0.0" } }""")
            .Write("knexfile.js", knexfile)
            .Write("migrations/20250101000000_users.js", Users)
            .Commit();
        repo.Git("tag", "v1.0.0");
        repo.Write("migrations/20250201000000_index_email.js", PendingIndex).Commit("pending");
        return repo;
    }

    private const string FromEnvironment = "module.exports = {\n  production: {\n    client: process.env.DB_CLIENT || 'better-sqlite3',\n    connection: process.env.DATABASE_URL,\n  },\n};\n";

    private const string ByCondition = """
        const sqlite = { client: 'better-sqlite3', connection: { filename: './db.sqlite' }, useNullAsDefault: true };
        const pg = { client: 'pg', connection: process.env.DATABASE_URL };
        module.exports = process.env.DATABASE_TYPE === 'sqlite' ? sqlite : pg;
        """;

    [Fact]
    public void A_client_read_from_the_environment_is_the_one_named_and_its_lock_rules_run()
    {
        using var repo = Project(FromEnvironment);

        var unnamed = Audit.Run(repo.Root);
        Assert.Equal(SqlDialect.Unknown, unnamed.Input.Project.Dialect.Dialect);
        Assert.Empty(unnamed.Of("create-index-not-concurrently"));

        var named = Audit.Run(repo.Root, new DiscoveryOptions { Client = "pg" });
        Assert.Equal(SqlDialect.PostgreSQL, named.Input.Project.Dialect.Dialect);
        Assert.Equal("pg", named.Input.Project.Dialect.Client);
        Assert.Equal("client 'pg' as migaudit was told (--client or the \"client\" setting); the knexfile chooses it at run time (knexfile.js:3: unknown (process.env.DB_CLIENT || 'better-sqlite3'))", named.Input.Project.Dialect.Source);
        Assert.Equal("migrations/20250201000000_index_email.js", Assert.Single(named.Of("create-index-not-concurrently")).File);
    }

    [Fact]
    public void A_configuration_picked_by_a_condition_is_read_in_the_branch_of_the_named_client_and_the_report_says_which()
    {
        using var repo = Project(ByCondition);

        var first = Audit.Run(repo.Root);
        Assert.Equal(SqlDialect.SQLite, first.Input.Project.Dialect.Dialect);
        Assert.Contains("knexfile.js:3 offers several clients (when process.env.DATABASE_TYPE === 'sqlite' (knexfile.js:3): better-sqlite3; when not (process.env.DATABASE_TYPE === 'sqlite') (knexfile.js:3): pg); migaudit audited the first, better-sqlite3: pass --client NAME (or set \"client\" in .migauditrc.json) to audit the one production uses", first.Input.Project.Notes);

        var pg = Audit.Run(repo.Root, new DiscoveryOptions { Client = "postgresql" });
        Assert.Equal(SqlDialect.PostgreSQL, pg.Input.Project.Dialect.Dialect);
        Assert.Equal("knexfile.js:2, client 'pg'", pg.Input.Project.Dialect.Source);
        Assert.Contains("knexfile.js:3 offers several clients (when process.env.DATABASE_TYPE === 'sqlite' (knexfile.js:3): better-sqlite3; when not (process.env.DATABASE_TYPE === 'sqlite') (knexfile.js:3): pg); migaudit audited the branch with pg, the client it was told", pg.Input.Project.Notes);
        Assert.Single(pg.Of("create-index-not-concurrently"));
    }

    [Fact]
    public void A_client_the_knexfile_names_outright_wins_and_the_note_says_so()
    {
        using var repo = Project("module.exports = {\n  production: {\n    client: 'better-sqlite3',\n    connection: { filename: './db.sqlite' },\n  },\n};\n");

        var result = Audit.Run(repo.Root, new DiscoveryOptions { Client = "pg" });
        Assert.Equal(SqlDialect.SQLite, result.Input.Project.Dialect.Dialect);
        Assert.Contains("the client migaudit was told (pg, by --client or the \"client\" setting) is not used: knexfile.js:3 names client 'better-sqlite3', which Knex loads", result.Input.Project.Notes);
        Assert.Empty(result.Of("create-index-not-concurrently"));
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task The_option_and_the_setting_reach_the_audit_and_a_wrong_name_is_a_usage_error()
    {
        using var repo = Project(FromEnvironment);

        var option = await CliRunner.RunAsync("audit", repo.Root, "--client", "pg", "--format", "json");
        Assert.Equal("postgresql", JsonDocument.Parse(option.Stdout).RootElement.GetProperty("dialect").GetProperty("name").GetString());

        var wrong = await CliRunner.RunAsync("audit", repo.Root, "--client", "postgress");
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("--client postgress: not a Knex client name (pg, postgres, postgresql, pg-native, cockroachdb, redshift, mysql, mysql2, sqlite3, better-sqlite3, mssql, oracledb)", wrong.Stderr);

        repo.Write(".migauditrc.json", """{ "client": "pg" }""");
        var setting = await CliRunner.RunAsync("audit", repo.Root, "--format", "json");
        Assert.Equal("postgresql", JsonDocument.Parse(setting.Stdout).RootElement.GetProperty("dialect").GetProperty("name").GetString());

        repo.Write(".migauditrc.json", """{ "client": "postgress" }""");
        var badSetting = await CliRunner.RunAsync("audit", repo.Root);
        Assert.Equal(2, badSetting.ExitCode);
        Assert.Contains(".migauditrc.json: 'client' must be one of Knex's client names (pg, postgres, postgresql, pg-native, cockroachdb, redshift, mysql, mysql2, sqlite3, better-sqlite3, mssql, oracledb), not 'postgress'", badSetting.Stderr);
    }
}
