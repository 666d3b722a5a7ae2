using System.Text.Json.Nodes;
using MigAudit.Core;
using MigAudit.Engine;
using MigAudit.Reporting;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Engine;

/// <summary>
/// A finding's line is a line of the finding's file: a statement or setting written in a module that a migration or a
/// knexfile requires is located in that module, and calledFrom names the migration or knexfile line that uses it.
/// </summary>
public sealed class HelperLocationTests
{
    private const string Helpers = """
        exports.addEmailIndex = function (knex) {
          return knex.schema.alterTable('users', (t) => {
            t.index(['email'], 'users_email_idx');
          });
        };
        """;

    private const string IndexMigration = """
        const { addEmailIndex } = require('../lib/helpers');

        exports.up = function (knex) {
          return addEmailIndex(knex);
        };

        exports.down = function (knex) {
          return knex.schema.alterTable('users', (t) => t.dropIndex(['email'], 'users_email_idx'));
        };
        """;

    private const string Users = """
        exports.up = function (knex) {
          return knex.schema.createTable('users', (t) => {
            t.increments('id');
            t.string('email');
          });
        };

        exports.down = function (knex) {
          return knex.schema.dropTable('users');
        };
        """;

    private static TempRepo HelperProject()
    {
        var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Write("lib/helpers.js", Helpers);
        repo.Write("migrations/20250101000000_users.js", Users);
        repo.Write("migrations/20250102000000_email_index.js", IndexMigration);
        repo.Commit();
        return repo;
    }

    [Fact]
    public void An_index_built_in_a_required_helper_is_located_in_the_helper_and_called_from_the_migration()
    {
        using var repo = HelperProject();
        var result = Audit.Run(repo.Root);

        var finding = Assert.Single(result.Of("create-index-not-concurrently"));
        Assert.Equal(("lib/helpers.js", 3, "migrations/20250102000000_email_index.js:4"), (finding.File, finding.Line, finding.CalledFrom));
        Assert.StartsWith(
            "20250102000000_email_index.js creates index users_email_idx on users, which existed before this migration, without CONCURRENTLY (lib/helpers.js:3, called from line 4): ",
            finding.Message,
            StringComparison.Ordinal);

        // Still the migration's finding: its scope comes from the migration (no release tags: unknown), not from lib/.
        Assert.Equal(FindingScope.Unknown, finding.Scope);
        // The line is a line of that file: the statement itself.
        Assert.Contains("t.index(['email'], 'users_email_idx')", File.ReadAllLines(repo.PathOf(finding.File!))[finding.Line!.Value - 1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_change_to_the_helper_or_to_the_migration_keeps_the_finding_and_another_file_does_not()
    {
        using var repo = HelperProject();
        var result = Audit.Run(repo.Root);

        static int Kept(AuditResult result, params string[] files) =>
            ScopeFilter.Apply(result, new ChangeScope("test", null, files)).Of("create-index-not-concurrently").Count;

        Assert.Equal(1, Kept(result, "lib/helpers.js"));
        Assert.Equal(1, Kept(result, "migrations/20250102000000_email_index.js"));
        Assert.Equal(0, Kept(result, "migrations/20250101000000_users.js"));
    }

    [Fact]
    public void The_fingerprint_is_the_calling_migrations_so_earlier_baselines_keep_matching()
    {
        using var repo = HelperProject();
        var finding = Assert.Single(Audit.Run(repo.Root).Of("create-index-not-concurrently"));

        // Before findings named the helper, this finding was written with the migration's file: the same fingerprint.
        var asBefore = finding with { File = "migrations/20250102000000_email_index.js", CalledFrom = null };
        Assert.Equal(asBefore.Fingerprint(), finding.Fingerprint());
        Assert.NotEqual((finding with { CalledFrom = "migrations/20250101000000_users.js:4" }).Fingerprint(), finding.Fingerprint());
    }

    [Fact]
    public void A_helper_written_in_the_migration_itself_stays_at_the_migrations_line_with_no_caller()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Write("migrations/20250101000000_users.js", Users);
        repo.Write("migrations/20250102000000_email_index.js", """
            function addEmailIndex(knex) {
              return knex.schema.alterTable('users', (t) => {
                t.index(['email'], 'users_email_idx');
              });
            }

            exports.up = function (knex) {
              return addEmailIndex(knex);
            };
            """);
        repo.Commit();

        var finding = Assert.Single(Audit.Run(repo.Root).Of("create-index-not-concurrently"));
        Assert.Equal(("migrations/20250102000000_email_index.js", 3, (string?)null), (finding.File, finding.Line, finding.CalledFrom));
        Assert.Contains("without CONCURRENTLY (line 3): ", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_json_report_says_calledFrom_and_the_text_report_says_called_from()
    {
        using var repo = HelperProject();
        var result = Audit.Run(repo.Root);

        var json = JsonNode.Parse(JsonReport.Render(result, "test"))!["findings"]!.AsArray()
            .Single(f => f!["rule"]!.GetValue<string>() == "create-index-not-concurrently")!;
        Assert.Equal("lib/helpers.js", json["file"]!.GetValue<string>());
        Assert.Equal(3, json["line"]!.GetValue<int>());
        Assert.Equal("migrations/20250102000000_email_index.js:4", json["calledFrom"]!.GetValue<string>());
        Assert.Null(JsonNode.Parse(JsonReport.Render(result, "test"))!["findings"]!.AsArray()
            .First(f => f!["rule"]!.GetValue<string>() != "create-index-not-concurrently")!["calledFrom"]);

        var text = new StringWriter();
        TextReport.Write(result, new ReportConsole(text, colour: false));
        Assert.Contains("lib/helpers.js:3 (called from migrations/20250102000000_email_index.js:4)", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_pool_setting_in_a_config_module_the_knexfile_requires_is_located_in_that_module()
    {
        // Spoke's shape: the knexfile gives every environment the object a required module builds.
        using var repo = new TempRepo();
        repo.Write("knexfile.js", """
            require('dotenv').config();

            // the environment decides what the module builds
            var config = require('./src/server/db-config');

            module.exports = {
              production: config,
            };
            """);
        repo.Write("src/server/db-config.js", """
            const max = Number(process.env.POOL_MAX);

            module.exports = {
              client: 'pg',
              connection: process.env.DATABASE_URL,
              pool: { min: 2, max },
              migrations: { directory: './migrations' },
            };
            """);
        repo.Write("migrations/20250101000000_users.js", Users);
        repo.Commit();

        var result = Audit.Run(repo.Root);

        var finding = Assert.Single(result.Of("ignored-config"));
        Assert.Equal(("src/server/db-config.js", 6, "knexfile.js:7"), (finding.File, finding.Line, finding.CalledFrom));
        Assert.Equal(
            "knexfile.js:7 [production]: pool.max is NaN with the environment variables it reads unset: creating the pool throws \"Tarn: opt.max must be an integer > 0\" (set at src/server/db-config.js:6).",
            finding.Message);
        Assert.Equal("Fix 'pool.max' in src/server/db-config.js", finding.Action);
        Assert.Equal("src/server/db-config.js", Assert.Single(finding.Changes).Path);
    }

    [Fact]
    public void A_setting_written_in_the_knexfile_itself_names_no_caller()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", """
            module.exports = {
              production: {
                client: 'pg',
                connection: process.env.DATABASE_URL,
                pool: { min: 2, max: Number(process.env.POOL_MAX) },
              },
            };
            """);
        repo.Write("migrations/20250101000000_users.js", Users);
        repo.Commit();

        var finding = Assert.Single(Audit.Run(repo.Root).Of("ignored-config"));
        Assert.Equal(("knexfile.js", 5, (string?)null), (finding.File, finding.Line, finding.CalledFrom));
        Assert.EndsWith("must be an integer > 0\".", finding.Message, StringComparison.Ordinal);
    }
}
