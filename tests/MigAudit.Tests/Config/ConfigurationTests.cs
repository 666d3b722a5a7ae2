using System.Diagnostics;
using MigAudit.Config;
using MigAudit.Core;
using MigAudit.Demo;
using MigAudit.Knex.Discovery;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Config;

public sealed class ConfigurationTests
{
    private const string Knexfile = """
        const path = require('path');
        const shared = {
          client: 'pg',
          migrations: { directory: path.join(__dirname, 'migrations') },
          pool: { min: 2, max: 10 },
        };
        module.exports = {
          production: {
            ...shared,
            connection: { connectionString: process.env.DATABASE_URL, ssl: { rejectUnauthorized: false } },
          },
        };
        """;

    private static AuditResult AuditProject(params (string Path, string Content)[] files)
    {
        using var repo = new TempRepo();
        foreach (var (path, content) in files)
        {
            repo.Write(path, content);
        }

        repo.Write("migrations/20250101000000_a.js", Audit.CreateTable("a"));
        repo.Commit();
        return Audit.Run(repo.Root);
    }

    [Fact]
    public void Demo_reads_like_the_seeds_section_3()
    {
        using var folder = new TempRepo(init: false);
        BotBuilderDemo.Create(folder.Root);
        var result = Audit.Run(folder.Root);
        var configuration = result.Input.Configuration;
        var knexfile = configuration.MigrationClient!;
        Assert.Equal("server/knexfile.js:32 [production]", knexfile.Label);
        var app = Assert.Single(configuration.Clients, c => c.Kind == ClientKind.Knex);
        Assert.Equal(("server/config/db.js", 5), (app.File, app.Line));

        var k = knexfile.Settings[ScenarioIds.Production];
        var a = app.Settings[ScenarioIds.Production];
        Assert.Equal((2.0, 10.0, 60000.0, 30000.0), (k.Min.Number, k.Max.Number, k.AcquireTimeoutMillis.Number, k.IdleTimeoutMillis.Number));
        Assert.Equal((0.0, 20.0, 30000.0, 30000.0), (a.Min.Number, a.Max.Number, a.AcquireTimeoutMillis.Number, a.IdleTimeoutMillis.Number));

        // Always-on TLS for external databases in the knexfile; DB_SSL-conditional in the app.
        Assert.All(configuration.Scenarios.Where(s => s.IsProduction && s.Id != ScenarioIds.ProductionNoVariables), s => Assert.Equal(SslState.NotVerified, knexfile.Settings[s.Id].Ssl.State));
        Assert.Equal(SslState.Off, app.Settings[ScenarioIds.Production].Ssl.State);
        Assert.Equal(SslState.NotVerified, app.Settings[ScenarioIds.ProductionFlagsTrue].Ssl.State);
        Assert.Equal(SslState.Off, app.Settings[ScenarioIds.ProductionFlagsFalse].Ssl.State);

        var pool = Assert.Single(result.Of("pool-mismatch"));
        Assert.Equal("server/config/db.js", pool.File);
        Assert.Contains("min 0 vs 2; max 20 vs 10; acquireTimeoutMillis 30000 vs 60000", pool.Message);
        Assert.Contains("const knexfile = require('../knexfile');", pool.Action);
        var ssl = Assert.Single(result.Of("ssl-mismatch"));
        Assert.Contains("in 2 of 4 scenarios", ssl.Message);
        Assert.Empty(result.Of("connection-env-mismatch"));
        Assert.Empty(result.Of("ignored-config"));
        Assert.Empty(result.Of("pool-exhaustion-risk"));
    }

    [Fact]
    public void App_client_that_imports_the_knexfile_has_no_finding()
    {
        var result = AuditProject(
            ("knexfile.js", Knexfile),
            ("src/db.js", "const knex = require('knex');\nconst config = require('../knexfile');\nmodule.exports = knex(config[process.env.NODE_ENV || 'production']);\n"));
        var app = Assert.Single(result.Input.Configuration.Clients, c => c.Kind == ClientKind.Knex);
        Assert.Equal("the knexfile", app.ConfigFrom);
        Assert.Empty(result.Findings);
    }

    [Fact]
    public void Pg_pool_app_client_is_compared_with_pg_defaults()
    {
        var result = AuditProject(
            ("knexfile.js", Knexfile),
            ("src/pool.js", "const { Pool } = require('pg');\nmodule.exports = new Pool({\n  connectionString: process.env.DATABASE_URL,\n  max: 25,\n  acquireTimeoutMillis: 5000,\n});\n"));
        var app = Assert.Single(result.Input.Configuration.Clients, c => c.Kind == ClientKind.PgPool);
        var settings = app.Settings[ScenarioIds.Production];
        Assert.Equal((0.0, 25.0, 10000.0), (settings.Min.Number, settings.Max.Number, settings.IdleTimeoutMillis.Number));
        Assert.StartsWith("none: pg waits forever", settings.AcquireTimeoutMillis.Text);
        Assert.Equal(SslState.Off, settings.Ssl.State);
        Assert.Contains("max 25 vs 10", Assert.Single(result.Of("pool-mismatch")).Message);
        var ignored = Assert.Single(result.Of("ignored-config"));
        Assert.Equal(5, ignored.Line);
        Assert.Contains("pg's Pool has no 'acquireTimeoutMillis'", ignored.Message);
        Assert.Single(result.Of("ssl-mismatch"));
    }

    [Fact]
    public void Pool_inside_connection_top_level_ssl_and_misspelled_pool_key()
    {
        var result = AuditProject(("knexfile.js", """
            module.exports = {
              production: {
                client: 'pg',
                ssl: true,
                connection: {
                  connectionString: process.env.DATABASE_URL,
                  pool: { max: 50 },
                },
                pool: { min: 1, idleTimeoutMilis: 1000 },
              },
            };
            """));
        var findings = result.Of("ignored-config");
        Assert.Equal(3, findings.Count);
        Assert.Contains(findings, f => f.Line == 4 && f.Message.Contains("top-level 'ssl'"));
        Assert.Contains(findings, f => f.Line == 7 && f.Message.Contains("'pool' inside 'connection'"));
        var tarn = Assert.Single(findings, f => f.Line == 9);
        Assert.Contains("\"Tarn: unsupported option opt.idleTimeoutMilis\" (did you mean 'idleTimeoutMillis'?)", tarn.Message);
        Assert.True(tarn.Blocking);
        Assert.Equal(Severity.High, tarn.Severity);
        Assert.Equal(10.0, result.Input.Configuration.MigrationClient!.Settings[ScenarioIds.Production].Max.Number);
    }

    [Fact]
    public void Different_variable_names_and_a_localhost_fallback()
    {
        var result = AuditProject(
            ("knexfile.js", "module.exports = { production: { client: 'pg', connection: process.env.DATABASE_URI || 'postgres://postgres:hunter2@localhost:5432/app' } };\n"),
            ("src/db.js", "import knex from 'knex';\nexport default knex({ client: 'pg', connection: process.env.DB_URI });\n"));
        var findings = result.Of("connection-env-mismatch");
        Assert.Equal(2, findings.Count);
        Assert.Contains("connects with DB_URI while migrations (knexfile.js:1 [production]) use DATABASE_URI", findings[0].Message);
        Assert.Contains("'postgres://postgres:***@localhost:5432/app'", findings[1].Message);
        Assert.DoesNotContain("hunter2", string.Join("\n", result.Findings.Select(f => f.Message)));
        Assert.DoesNotContain("hunter2", MigAudit.Reporting.JsonReport.Render(result, "test"));
    }

    [Fact]
    public void Typescript_and_esm_config_files_are_read()
    {
        var result = AuditProject(
            ("knexfile.ts", """
                import type { Knex } from 'knex';
                import { pool } from './config/pool';

                const config: { [key: string]: Knex.Config } = {
                  production: { client: 'pg', connection: process.env.DATABASE_URL, pool, migrations: { directory: './migrations' } },
                };

                export default config;
                """),
            ("config/pool.ts", "export const pool = { min: 1, max: 5 } as const;\n"),
            ("src/db.mjs", "import { knex } from 'knex';\nimport config from '../knexfile.js';\nexport const db = knex({ ...config.production, pool: { min: 1, max: 5 } });\n"));
        var migrations = result.Input.Configuration.MigrationClient!.Settings[ScenarioIds.Production];
        Assert.Equal((1.0, 5.0), (migrations.Min.Number, migrations.Max.Number));
        var app = Assert.Single(result.Input.Configuration.Clients, c => c.Kind == ClientKind.Knex).Settings[ScenarioIds.Production];
        Assert.Equal((1.0, 5.0), (app.Min.Number, app.Max.Number));
        Assert.Equal(["DATABASE_URL"], app.ConnectionVariables);
        Assert.Empty(result.Findings);
    }

    [Fact]
    public void Pool_maxima_beyond_postgres_default_max_connections()
    {
        var result = AuditProject(
            ("knexfile.js", "module.exports = { production: { client: 'pg', connection: process.env.DATABASE_URL, pool: { max: 60 } } };\n"),
            ("src/a.js", "const knex = require('knex');\nmodule.exports = knex({ client: 'pg', connection: process.env.DATABASE_URL, pool: { max: 60 } });\n"));
        var finding = Assert.Single(result.Of("pool-exhaustion-risk"));
        Assert.Equal(Severity.High, finding.Severity);
        Assert.StartsWith("Pool maxima add up to 120 = 60 (knexfile.js:1 [production]) + 60 (src/a.js:2)", finding.Message);
    }

    [Fact]
    public void Hostile_config_yields_unknown_not_a_hang()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("knexfile.js", """
            const { execSync } = require('child_process');
            while (true) {}
            const huge = 'x'.repeat(2 ** 30);
            const self = { a: self };
            function loop() { return loop(); }
            module.exports = {
              production: {
                client: 'pg',
                connection: execSync('cat /etc/passwd').toString(),
                pool: { max: loop(), min: huge.length },
                migrations: { directory: './migrations' },
              },
            };
            """);
        repo.Write("migrations/20250101000000_a.js", Audit.CreateTable("a"));
        var clock = Stopwatch.StartNew();
        var project = ProjectDiscovery.Discover(repo.Root, new DiscoveryOptions());
        var configuration = ConfigurationAuditor.Audit(project);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
        var settings = configuration.MigrationClient!.Settings[ScenarioIds.Production];
        Assert.False(settings.Max.Known);
        Assert.False(settings.Min.Known);
        Assert.Equal("unknown (execSync('cat /etc/passwd').toString())", settings.ConnectionSource);
    }

    [Fact]
    public void Pg_defaults_ssl_applies_to_clients_without_their_own_ssl()
    {
        var result = AuditProject(
            ("knexfile.js", Knexfile),
            ("src/pool.js", "const pg = require('pg');\npg.defaults.ssl = process.env.PGSSL === 'off' ? false : { rejectUnauthorized: false };\nmodule.exports = new pg.Pool({ connectionString: process.env.DATABASE_URL });\n"));
        var app = Assert.Single(result.Input.Configuration.Clients, c => c.Kind == ClientKind.PgPool);
        var ssl = app.Settings[ScenarioIds.Production].Ssl;
        Assert.Equal((SslState.NotVerified, "pg.defaults.ssl at src/pool.js:2"), (ssl.State, ssl.Source));
        Assert.Equal(SslState.NotVerified, app.Settings[ScenarioIds.ProductionFlagsFalse].Ssl.State);
        Assert.Contains(result.Input.Configuration.Notes, n => n.Contains("pg.defaults.ssl = ") && n.Contains("(src/pool.js:2)"));

        // The code tells PGSSL = 'off' apart: that value gets its own scenario, where the app turns TLS off and the knexfile does not.
        Assert.Equal(SslState.Off, app.Settings["production-PGSSL=off"].Ssl.State);
        Assert.Contains("disagree on TLS in 1 of 5 scenarios", Assert.Single(result.Of("ssl-mismatch")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Redaction_hides_passwords_in_urls_and_parameters()
    {
        Assert.Equal("postgres://app:***@db:5432/x?sslmode=require", Redaction.Redact("postgres://app:s3cr3t@db:5432/x?sslmode=require"));
        Assert.Equal("host=db password=*** user=app", Redaction.Redact("host=db password=s3cr3t user=app"));
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task A_pool_size_from_an_unset_variable_is_no_difference_no_sum_and_says_tarn_throws()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", """
            module.exports = {
              production: {
                client: 'pg',
                connection: process.env.DATABASE_URL,
                pool: { min: 2, max: Number(process.env.POOL_MAX) },
                migrations: { directory: './migrations' },
              },
            };
            """);
        repo.Write("src/db.js", "const knex = require('knex')({ client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 2, max: 10 } });\nmodule.exports = knex;\n");
        repo.Write("migrations/20250101000000_a.js", Audit.CreateTable("a"));
        repo.Commit();

        var run = await CliRunner.RunAsync("audit", repo.Root);
        var result = Audit.Run(repo.Root);

        Assert.DoesNotContain("<-- DIFFERENT", run.Stdout, StringComparison.Ordinal);
        Assert.Empty(result.Of("pool-mismatch"));
        Assert.DoesNotContain(result.Findings, f => f.Message.Contains("add up to NaN", StringComparison.Ordinal));
        var problem = Assert.Single(result.Of("ignored-config"));
        Assert.Equal("knexfile.js:2 [production]: pool.max is NaN with the environment variables it reads unset: creating the pool throws \"Tarn: opt.max must be an integer > 0\".", problem.Message);
        Assert.False(problem.Blocking);
    }

    [Theory]
    [InlineData("const { DB_MIN_POOL = 2, DB_MAX_POOL = 10 } = process.env;", false)]
    [InlineData("const { DB_MIN_POOL = 2, DB_MAX_POOL } = process.env;", true)]
    public void A_destructuring_default_applies_to_an_unset_variable(string destructuring, bool nan)
    {
        // MoveOnOrg/Spoke's knex-connect.js: with DB_MAX_POOL unset, the default 10 applies, so parseInt gives 10, not NaN.
        var result = AuditProject(("knexfile.js", $$"""
            {{destructuring}}
            const min = parseInt(DB_MIN_POOL, 10);
            const max = parseInt(DB_MAX_POOL, 10);
            module.exports = { production: { client: 'pg', connection: process.env.DATABASE_URL, pool: { min, max }, migrations: { directory: './migrations' } } };
            """));

        Assert.Equal(nan, result.Of("ignored-config").Any(f => f.Message.Contains("pool.max is NaN", StringComparison.Ordinal)));
    }

    [Fact]
    public void Named_exports_of_an_es_knexfile_are_not_environments_or_config_keys()
    {
        var result = AuditProject(("knexfile.mjs", """
            const production = { client: 'pg', connection: process.env.DATABASE_URL, migrations: { directory: './migrations' } };
            export const workerKnexOb = { client: 'pg', connection: process.env.WORKER_DATABASE_URL };
            export default { production };
            """));

        Assert.Equal(["production"], result.Input.Project.Knexfile!.Environments);
        Assert.DoesNotContain(result.Findings, f => f.Message.Contains("workerKnexOb", StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Test_and_script_clients_are_listed_with_their_role_and_neither_compared_nor_summed()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", Knexfile);
        repo.Write("src/db.js", "module.exports = require('knex')({ client: 'pg', connection: { connectionString: process.env.DATABASE_URL, ssl: { rejectUnauthorized: false } }, pool: { min: 2, max: 10 } });\n");
        repo.Write("test/helpers/db.js", "module.exports = require('knex')({ client: 'pg', connection: 'postgres://localhost/test', pool: { min: 0, max: 1 } });\n");
        repo.Write("scripts/backfill.js", "const { Pool } = require('pg');\nconst pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 90 });\n");
        repo.Write("src/users.spec.js", "const { Client } = require('pg');\nconst client = new Client({ connectionString: process.env.DATABASE_URL });\n");
        repo.Write("migrations/20250101000000_a.js", Audit.CreateTable("a"));
        repo.Commit();

        var result = Audit.Run(repo.Root);
        var text = await CliRunner.RunAsync("audit", repo.Root);

        Assert.Equal(
            [("knexfile.js", ClientRole.App), ("scripts/backfill.js", ClientRole.Script), ("src/db.js", ClientRole.App), ("src/users.spec.js", ClientRole.Test), ("test/helpers/db.js", ClientRole.Test)],
            result.Input.Configuration.Clients.Select(c => (c.File, c.Role)).OrderBy(c => c.File, StringComparer.Ordinal));
        Assert.Empty(result.Of("pool-mismatch"));
        Assert.Empty(result.Of("ssl-mismatch"));
        Assert.Empty(result.Of("pool-exhaustion-risk"));
        Assert.Contains("File: test/helpers/db.js:1 (test or fixture knex client: listed, not compared)", text.Stdout);
        Assert.Contains("File: scripts/backfill.js:2 (script or CLI pg Pool: listed, not compared)", text.Stdout);
    }

    [Fact]
    public void Configs_built_by_local_functions_are_followed_with_their_arguments()
    {
        var result = AuditProject(
            ("knexfile.js", """
                function buildSSLConfig(verify) {
                  const ssl = { rejectUnauthorized: verify };
                  return ssl;
                }
                module.exports = {
                  production: {
                    client: 'pg',
                    connection: { connectionString: process.env.DATABASE_URI, ssl: buildSSLConfig(false) },
                    pool: { min: 2, max: 10 },
                    migrations: { directory: './migrations' },
                  },
                };
                """),
            ("src/db.js", """
                const getMasterConfig = (max = 20) => ({ client: 'pg', connection: { connectionString: process.env.DB_URI, ssl: { rejectUnauthorized: false } }, pool: { min: 2, max } });
                module.exports = require('knex')(getMasterConfig());
                """));

        var knexfile = result.Input.Configuration.MigrationClient!.Settings[ScenarioIds.Production];
        Assert.Equal(SslState.NotVerified, knexfile.Ssl.State);
        var app = result.Input.Configuration.Clients.Single(c => c.File == "src/db.js").Settings[ScenarioIds.Production];
        Assert.Equal(20, app.Max.Number);
        Assert.Contains("DB_URI", app.ConnectionVariables);
        Assert.NotEmpty(result.Of("connection-env-mismatch"));
    }

    [Fact]
    public void A_config_function_with_branches_is_followed_per_scenario_and_a_loop_stays_unknown()
    {
        var result = AuditProject(
            ("knexfile.js", Knexfile),
            ("src/db.js", """
                function poolSize() {
                  if (process.env.WORKERS) return 5;
                  return 25;
                }
                function timeout() {
                  let total = 0;
                  for (const part of [1000, 2000]) total += part;
                  return total;
                }
                module.exports = require('knex')({ client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 2, max: poolSize(), acquireTimeoutMillis: timeout() } });
                """));

        var app = result.Input.Configuration.Clients.Single(c => c.File == "src/db.js");
        Assert.Equal(25, app.Settings[ScenarioIds.Production].Max.Number);
        Assert.Equal(5, app.Settings[ScenarioIds.ProductionFlagsTrue].Max.Number);
        Assert.Equal("unknown (timeout(): the function has loops (db.js:7), line 10)", app.Settings[ScenarioIds.Production].AcquireTimeoutMillis.Text);
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task A_knexfile_configured_under_conditions_is_evaluated_per_value_the_code_tells_apart()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", """
            const fs = require('fs');
            const databaseType = process.env.DB_TYPE || 'sqlite';
            const config = { client: 'better-sqlite3', connection: { filename: './data.db' }, useNullAsDefault: true };
            if (databaseType === 'postgresql') {
              config.client = 'pg';
              config.connection = { connectionString: process.env.DATABASE_URL, ssl: { rejectUnauthorized: false } };
              config.pool = { min: 0, max: 25 };
            }
            if (fs.existsSync('/etc/app/tuning.json')) {
              config.acquireConnectionTimeout = 5000;
            }
            module.exports = { production: config };
            """);
        repo.Write("src/server.js", "const port = process.env.PORT || 3000;\nconst debug = process.env.DEBUG;\nmodule.exports = { port, debug };\n");
        repo.Write("migrations/20250101000000_a.js", Audit.CreateTable("a"));
        repo.Commit();
        var result = Audit.Run(repo.Root);

        var configuration = result.Input.Configuration;
        var knexfile = configuration.MigrationClient!;
        var postgres = knexfile.Settings["production-DB_TYPE=postgresql"];
        Assert.Equal((0.0, 25.0, SslState.NotVerified), (postgres.Min.Number!.Value, postgres.Max.Number!.Value, postgres.Ssl.State));
        var unset = knexfile.Settings[ScenarioIds.Production];
        Assert.Equal((1.0, 1.0, SslState.Off), (unset.Min.Number!.Value, unset.Max.Number!.Value, unset.Ssl.State));

        // Only what the configuration reads makes the scenarios: PORT and DEBUG do not.
        Assert.Equal("production, external database URL, DB_TYPE unset", configuration.Scenarios[0].Description);
        Assert.Equal("production, external database URL, DB_TYPE = 'postgresql'", configuration.Scenarios.Single(s => s.Id == "production-DB_TYPE=postgresql").Description);

        // A condition only run time knows: never the default as a fact.
        Assert.Equal(
            "unknown (config.acquireConnectionTimeout = 5000: assigned only when fs.existsSync('/etc/app/tuning.json') (knexfile.js:9), line 10)",
            unset.AcquireTimeoutMillis.Text);
        var text = (await CliRunner.RunAsync("audit", repo.Root)).Stdout;
        Assert.Contains("acquireTimeoutMillis: unknown (config.acquireConnectionTimeout = 5000: assigned only when fs.existsSync('/etc/app/tuning.json') (knexfile.js:9), line 10)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pool_that_spreads_an_unknown_value_has_unknown_sizes_not_knexs_defaults()
    {
        var result = AuditProject(
            ("knexfile.js", Knexfile),
            ("src/db.js", """
                const settings = require('config');
                module.exports = require('knex')({
                  client: 'pg',
                  connection: { ...settings.db, connectionString: process.env.DATABASE_URL },
                  pool: { ...settings.pool, afterCreate(conn, done) { done(null, conn); } },
                });
                """));

        var app = result.Input.Configuration.Clients.Single(c => c.File == "src/db.js").Settings[ScenarioIds.Production];
        Assert.Equal("unknown (max: the object spreads or merges a value migaudit cannot know, line 5)", app.Max.Text);
        Assert.False(app.Min.Known);
        Assert.Equal(SslState.Unknown, app.Ssl.State);
        Assert.Empty(result.Of("pool-mismatch"));
        Assert.Empty(result.Of("ssl-mismatch"));
    }

    [Fact]
    public void Knexs_pool_default_is_unknown_when_the_client_is_only_known_at_run_time()
    {
        var result = AuditProject(
            ("knexfile.js", Knexfile),
            ("src/db.js", """
                const knex = require('knex');
                module.exports = function connectDb(dbConfig) {
                  return knex({ client: dbConfig.client, connection: dbConfig.connectionString });
                };
                """));

        var app = result.Input.Configuration.Clients.Single(c => c.File == "src/db.js");
        Assert.Equal(ClientRole.App, app.Role);
        Assert.Equal("unknown (knex's default depends on the client, dbConfig.client: min 2 and max 10, but 1 and 1 for SQLite)", app.Settings[ScenarioIds.Production].Max.Text);
        Assert.Empty(result.Of("pool-mismatch"));
    }
}
