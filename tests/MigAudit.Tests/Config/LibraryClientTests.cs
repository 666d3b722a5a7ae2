using System.Text.Json.Nodes;
using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Config;

/// <summary>
/// The other PostgreSQL client libraries: migaudit's static reading of each client's pool size and TLS must be what the
/// real package computes (tests/node/library-settings.js builds the client and stops it before the network).
/// </summary>
public sealed class LibraryClientTests
{
    private const string Url = "postgres://app:secret@db.example.com:5432/app";

    /// <summary>Library, the import line, the call building the client (args are JSON, valid JavaScript too), and the JSON arguments for node.</summary>
    private static readonly (string Library, string Import, string Build, string Arguments)[] Cases =
    [
        ("sequelize", "const { Sequelize } = require('sequelize');", "new Sequelize", $"[\"{Url}\"]"),
        ("sequelize", "const Sequelize = require('sequelize');", "new Sequelize", $"[\"{Url}\", {{\"ssl\": true, \"pool\": {{\"max\": 20}}}}]"),
        ("sequelize", "import { Sequelize } from 'sequelize';", "new Sequelize", $"[\"{Url}\", {{\"dialectOptions\": {{\"ssl\": {{\"rejectUnauthorized\": false}}}}}}]"),
        ("sequelize", "import Sequelize from 'sequelize';", "new Sequelize", $"[\"{Url}?sslmode=require\"]"),
        ("sequelize", "const { Sequelize } = require('sequelize');", "new Sequelize", $"[\"{Url}?ssl=true\", {{\"dialectOptions\": {{\"ssl\": false}}}}]"),
        ("sequelize-typescript", "import { Sequelize } from 'sequelize-typescript';", "new Sequelize", "[{\"dialect\": \"postgres\", \"url\": \"postgres://app@db.example.com/app?sslmode=require\", \"pool\": {\"max\": 9}}]"),
        ("sequelize", "const { Sequelize } = require('sequelize');", "new Sequelize", "[\"app\", \"app\", \"secret\", {\"dialect\": \"postgres\", \"host\": \"db.example.com\", \"dialectOptions\": {\"ssl\": true}, \"pool\": {\"max\": 8}}]"),
        ("postgres", "const postgres = require('postgres');", "postgres", $"[\"{Url}\"]"),
        ("postgres", "import postgres from 'postgres';", "postgres", $"[\"{Url}?sslmode=require\", {{\"max\": 3}}]"),
        ("postgres", "import postgres from 'postgres';", "postgres", "[{\"host\": \"db.example.com\", \"ssl\": true, \"max\": 15}]"),
        ("postgres", "import postgres from 'postgres';", "postgres", $"[\"{Url}?ssl=disable\", {{\"ssl\": \"prefer\"}}]"),
        ("pg-promise", "const pgp = require('pg-promise')();", "pgp", $"[\"{Url}\"]"),
        ("pg-promise", "import pgPromise from 'pg-promise';\nconst pgp = pgPromise({});", "pgp", $"[{{\"connectionString\": \"{Url}\", \"ssl\": {{\"rejectUnauthorized\": false}}, \"max\": 30}}]"),
        ("typeorm", "import { DataSource } from 'typeorm';", "new DataSource", $"[{{\"type\": \"postgres\", \"url\": \"{Url}\"}}]"),
        ("typeorm", "const { DataSource } = require('typeorm');", "new DataSource", $"[{{\"type\": \"postgres\", \"url\": \"{Url}\", \"ssl\": true, \"poolSize\": 7}}]"),
        ("typeorm", "const typeorm = require('typeorm');", "new typeorm.DataSource", "[{\"type\": \"postgres\", \"host\": \"db.example.com\", \"ssl\": {\"rejectUnauthorized\": false}, \"poolSize\": 5, \"extra\": {\"max\": 12}}]"),
        ("pg-pool", "const { Pool } = require('pg');", "new Pool", $"[{{\"connectionString\": \"{Url}?sslmode=no-verify\", \"max\": 25}}]"),
    ];

    [SkippableFact]
    public void Each_librarys_pool_size_and_tls_are_what_the_real_package_computes()
    {
        Requires.Dependency(NodeKnex.Available, "node with tests/node installed (run 'npm ci' in tests/node)");
        using var repo = new TempRepo();
        repo.Write("knexfile.js", "module.exports = { production: { client: 'pg', connection: process.env.DATABASE_URL } };\n");
        repo.Write("migrations/20250101000000_a.js", Audit.CreateTable("a"));
        var nodeCases = new JsonArray();
        for (var i = 0; i < Cases.Length; i++)
        {
            var (library, import, build, arguments) = Cases[i];
            repo.Write($"src/client{i:00}.js", $"{import}\nmodule.exports = {build}({arguments[1..^1]});\n");
            nodeCases.Add(new JsonObject { ["library"] = library, ["args"] = JsonNode.Parse(arguments), ["env"] = new JsonObject() });
        }

        repo.Commit();
        var expected = NodeKnex.RunJson<List<JsonObject>>("library-settings.js", nodeCases);
        var clients = Audit.Run(repo.Root).Input.Configuration.Clients;
        for (var i = 0; i < Cases.Length; i++)
        {
            var client = Assert.Single(clients, c => c.File == $"src/client{i:00}.js");
            var settings = client.Settings[ScenarioIds.Production];
            var state = settings.Ssl.Id;
            var truth = expected[i];
            Assert.True(truth["error"] is null, $"case {i}: node failed: {truth["error"]}");
            Assert.Equal((Cases[i].Library, truth["max"]!.GetValue<double>(), truth["ssl"]!.GetValue<string>()), (Cases[i].Library, settings.Max.Number ?? -1, state));
        }
    }

    private static TempRepo Project(params (string Path, string Content)[] files)
    {
        var repo = new TempRepo();
        foreach (var (path, content) in files)
        {
            repo.Write(path, content);
        }

        repo.Write("migrations/20250101000000_a.js", Audit.CreateTable("a"));
        repo.Commit();
        return repo;
    }

    private const string KnexfileWithTls = """
        module.exports = {
          production: {
            client: 'pg',
            connection: { connectionString: process.env.DATABASE_URL, ssl: { rejectUnauthorized: false } },
            pool: { min: 2, max: 10 },
          },
        };
        """;

    [Fact]
    [Trait("Surface", "cli")]
    public async Task A_sequelize_client_on_the_knexfiles_url_without_tls_is_an_ssl_mismatch_and_its_top_level_ssl_is_reported_ignored()
    {
        using var repo = Project(
            ("knexfile.js", KnexfileWithTls),
            ("src/models/index.js", """
                const { Sequelize } = require('sequelize');
                module.exports = new Sequelize(process.env.DATABASE_URL, {
                  ssl: true,
                  pool: { max: 15 },
                });
                """));
        var result = Audit.Run(repo.Root);

        var sequelize = Assert.Single(result.Input.Configuration.Clients, c => c.Kind == ClientKind.Sequelize);
        var settings = sequelize.Settings[ScenarioIds.Production];
        Assert.Equal((ClientRole.App, 15.0, 0.0, SslState.Off), (sequelize.Role, settings.Max.Number!.Value, settings.Min.Number!.Value, settings.Ssl.State));
        Assert.Equal("0 (sequelize's default)", settings.Min.Text);
        var mismatch = Assert.Single(result.Of("ssl-mismatch"));
        Assert.Equal(("src/models/index.js", 2), (mismatch.File, mismatch.Line));
        var ignored = Assert.Single(result.Of("ignored-config"), f => f.Message.Contains("'ssl'", StringComparison.Ordinal));
        Assert.Contains("a top-level 'ssl' is ignored by Sequelize's postgres dialect", ignored.Message, StringComparison.Ordinal);
        Assert.Empty(result.Of("pool-mismatch"));

        var json = JsonNode.Parse((await CliRunner.RunAsync("audit", repo.Root, "--format", "json")).Stdout)!;
        var client = json["configuration"]!["clients"]!.AsArray().Single(c => c!["kind"]!.GetValue<string>() == "sequelize")!;
        Assert.Equal(("sequelize", "app", "postgresql"), (client["library"]!.GetValue<string>(), client["role"]!.GetValue<string>(), client["settings"]!["production"]!["dialect"]!.GetValue<string>()));
    }

    [Fact]
    public void A_sails_datastore_ignores_the_urls_ssl_parameter_and_its_production_override_applies()
    {
        using var repo = Project(
            ("knexfile.js", KnexfileWithTls),
            ("package.json", """{ "name": "sails-app", "dependencies": { "sails": "1.5.0", "sails-postgresql": "5.0.1", "knex": "3.1.0", "pg": "8.13.1" } }"""),
            ("config/datastores.js", """
                module.exports.datastores = {
                  default: {
                    adapter: 'sails-postgresql',
                    url: process.env.DATABASE_URL + '?ssl=true',
                  },
                };
                """),
            ("config/env/production.js", """
                module.exports = {
                  datastores: { default: { max: 4 } },
                };
                """));
        var result = Audit.Run(repo.Root);

        var sails = Assert.Single(result.Input.Configuration.Clients, c => c.Kind == ClientKind.SailsDatastore);
        Assert.Equal("config/datastores.js:2 [default]", sails.Label);
        var production = sails.Settings[ScenarioIds.Production];
        Assert.Equal((4.0, SslState.Off), (production.Max.Number!.Value, production.Ssl.State));
        Assert.Contains("the URL's ssl parameters are ignored by sails-postgresql", production.Ssl.Source, StringComparison.Ordinal);
        Assert.Equal(10, sails.Settings[ScenarioIds.Local].Max.Number);
        Assert.Single(result.Of("ssl-mismatch"));
    }

    [SkippableFact]
    public void A_sails_datastores_pool_and_tls_are_what_sails_postgresql_computes()
    {
        Requires.Dependency(NodeKnex.Available, "node with tests/node installed (run 'npm ci' in tests/node)");
        string[] datastores =
        [
            $"{{\"adapter\": \"sails-postgresql\", \"url\": \"{Url}?ssl=true\"}}",
            $"{{\"adapter\": \"sails-postgresql\", \"url\": \"{Url}\", \"ssl\": {{\"rejectUnauthorized\": false}}, \"max\": 4}}",
            $"{{\"adapter\": \"sails-postgresql\", \"url\": \"{Url}\", \"ssl\": true}}",
        ];
        var nodeCases = new JsonArray(datastores.Select(d => (JsonNode)new JsonObject { ["library"] = "sails-postgresql", ["args"] = new JsonArray(JsonNode.Parse(d)), ["env"] = new JsonObject() }).ToArray());
        var expected = NodeKnex.RunJson<List<JsonObject>>("library-settings.js", nodeCases);
        for (var i = 0; i < datastores.Length; i++)
        {
            using var repo = Project(("knexfile.js", KnexfileWithTls), ("config/datastores.js", $"module.exports.datastores = {{ default: {datastores[i]} }};\n"));
            var settings = Assert.Single(Audit.Run(repo.Root).Input.Configuration.Clients, c => c.Kind == ClientKind.SailsDatastore).Settings[ScenarioIds.Production];
            var state = settings.Ssl.Id;
            Assert.True(expected[i]["error"] is null, $"case {i}: node failed: {expected[i]["error"]}");
            Assert.Equal((expected[i]["max"]!.GetValue<double>(), expected[i]["ssl"]!.GetValue<string>()), (settings.Max.Number ?? -1, state));
        }
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Clients_of_other_databases_are_listed_with_why_and_neither_compared_nor_summed()
    {
        using var repo = Project(
            ("knexfile.js", KnexfileWithTls),
            ("src/monitors/postgres.js", """
                const { Client } = require('pg');
                async function check(connectionString) {
                  const config = { connectionString, max: 1 };
                  const client = new Client(config);
                  await client.connect();
                }
                module.exports = { check };
                """),
            ("src/analytics.js", """
                const { Pool } = require('pg');
                module.exports = new Pool({ connectionString: process.env.ANALYTICS_DATABASE_URL, max: 95 });
                """),
            ("src/legacy.js", """
                const { Sequelize } = require('sequelize');
                module.exports = new Sequelize(process.env.DATABASE_URL, { dialect: 'mysql', pool: { max: 90 } });
                """),
            ("src/db.js", """
                const knex = require('knex');
                module.exports = knex({ client: 'pg', connection: { connectionString: process.env.DB_URI, ssl: { rejectUnauthorized: false } } });
                """),
            ("src/connect.js", """
                const knex = require('knex');
                // The app's own connection, handed in by its startup code: an argument outside an integrations folder stays the app's.
                module.exports = function connectDb(dbConfig) {
                  return knex({ client: 'pg', connection: dbConfig.connectionString });
                };
                """));
        var result = Audit.Run(repo.Root);

        var roles = result.Input.Configuration.Clients.Where(c => c.Kind != ClientKind.KnexfileEnvironment).OrderBy(c => c.File, StringComparer.Ordinal)
            .Select(c => (c.File, c.Role, c.RoleReason)).ToList();
        Assert.Equal(
            [
                ("src/analytics.js", ClientRole.OtherDatabase, "connection from ANALYTICS_DATABASE_URL, another database than the migrations' DATABASE_URL"),
                ("src/connect.js", ClientRole.App, null),
                ("src/db.js", ClientRole.App, null),
                ("src/legacy.js", ClientRole.OtherDatabase, "a MySQL client beside PostgreSQL migrations"),
                ("src/monitors/postgres.js", ClientRole.OtherDatabase, "connection from the argument 'connectionString' of the function that builds it, in the integrations folder 'monitors/'"),
            ],
            roles);

        // The app's own client on DB_URI is still compared: same family of variables, so a real mismatch with DATABASE_URL.
        Assert.Equal("src/db.js", Assert.Single(result.Of("connection-env-mismatch")).File);
        Assert.Empty(result.Of("pool-exhaustion-risk"));
        Assert.Empty(result.Of("ssl-mismatch"));
        var text = (await CliRunner.RunAsync("audit", repo.Root)).Stdout;
        Assert.Contains("File: src/analytics.js:2 (pg Pool of another database: listed, not compared)", text, StringComparison.Ordinal);
        Assert.Contains("  why:                  connection from the argument 'connectionString' of the function that builds it, in the integrations folder 'monitors/'", text, StringComparison.Ordinal);
        Assert.DoesNotContain("DIFFERENT", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_prisma_datasource_reads_its_url_variable_and_its_pool_comes_from_connection_limit_or_the_machine()
    {
        using var repo = Project(
            ("knexfile.js", KnexfileWithTls),
            ("prisma/schema.prisma", """
                generator client {
                  provider = "prisma-client-js"
                }

                datasource db {
                  provider = "postgresql"
                  url      = env("DATABASE_URL")
                }
                """),
            ("reports/schema.prisma", """
                datasource reports {
                  provider = "postgresql"
                  url      = "postgresql://reports@db.example.com/reports?connection_limit=3&sslmode=disable"
                }
                """));
        var result = Audit.Run(repo.Root);

        var prisma = result.Input.Configuration.Clients.Where(c => c.Kind == ClientKind.Prisma).OrderBy(c => c.File, StringComparer.Ordinal).ToList();
        Assert.Equal(["prisma/schema.prisma:5 [db]", "reports/schema.prisma:1 [reports]"], prisma.Select(c => c.Label));
        var main = prisma[0].Settings[ScenarioIds.Production];
        Assert.Equal(("num_physical_cpus * 2 + 1, or the driver adapter's pool from Prisma 7 (prisma's default)", false, SslState.Unknown), (main.Max.Text, main.Max.Known, main.Ssl.State));
        Assert.Equal(["DATABASE_URL"], main.ConnectionVariables);
        var reports = prisma[1].Settings[ScenarioIds.Production];
        Assert.Equal((3.0, SslState.Off), (reports.Max.Number!.Value, reports.Ssl.State));
        Assert.Empty(result.Of("connection-env-mismatch"));
    }

    [Fact]
    public void Mikro_orm_postgres_js_and_pg_promise_clients_are_found_through_their_imports()
    {
        using var repo = Project(
            ("knexfile.js", KnexfileWithTls),
            ("src/mikro-orm.config.ts", """
                import { defineConfig } from '@mikro-orm/postgresql';
                export default defineConfig({ clientUrl: process.env.DATABASE_URL, pool: { max: 6 } });
                """),
            ("src/sql.ts", """
                import postgres from 'postgres';
                export const sql = postgres(process.env.DATABASE_URL!, { ssl: 'require', idle_timeout: 20 });
                """),
            ("src/pgp.js", """
                const initOptions = {};
                const pgp = require('pg-promise')(initOptions);
                module.exports = pgp({ connectionString: process.env.DATABASE_URL, ssl: true });
                """));
        var clients = Audit.Run(repo.Root).Input.Configuration.Clients.Where(c => c.Kind != ClientKind.KnexfileEnvironment)
            .ToDictionary(c => c.Kind, c => c.Settings[ScenarioIds.Production]);

        Assert.Equal([ClientKind.MikroOrm, ClientKind.PgPromise, ClientKind.PostgresJs], clients.Keys);
        Assert.Equal((6.0, SqlDialect.PostgreSQL, false), (clients[ClientKind.MikroOrm].Max.Number!.Value, clients[ClientKind.MikroOrm].Dialect!.Value, clients[ClientKind.MikroOrm].Min.Known));
        Assert.Equal((10.0, SslState.NotVerified, 20000.0), (clients[ClientKind.PostgresJs].Max.Number!.Value, clients[ClientKind.PostgresJs].Ssl.State, clients[ClientKind.PostgresJs].IdleTimeoutMillis.Number!.Value));
        Assert.Equal((10.0, SslState.Verified), (clients[ClientKind.PgPromise].Max.Number!.Value, clients[ClientKind.PgPromise].Ssl.State));
    }

    [Fact]
    public void Every_librarys_pool_counts_in_the_total_with_its_own_default_and_an_unknown_one_is_named_not_added()
    {
        using var repo = Project(
            ("knexfile.js", "module.exports = { production: { client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 2, max: 40 } } };\n"),
            ("src/models.js", "const { Sequelize } = require('sequelize');\nmodule.exports = new Sequelize(process.env.DATABASE_URL, { pool: { max: 30 } });\n"),
            ("src/sql.js", "const postgres = require('postgres');\nmodule.exports = postgres(process.env.DATABASE_URL);\n"),
            ("prisma/schema.prisma", "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n"));
        var finding = Assert.Single(Audit.Run(repo.Root).Of("pool-exhaustion-risk"));

        Assert.StartsWith("Pool maxima add up to 80 = 40 (knexfile.js:1 [production]) + 30 (src/models.js:2) + 10 (src/sql.js:2)", finding.Message, StringComparison.Ordinal);
        Assert.EndsWith("Not counted, their size unknown: prisma/schema.prisma:1 [db] (num_physical_cpus * 2 + 1, or the driver adapter's pool from Prisma 7 (prisma's default)).", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sails_datastore_declared_only_for_production_or_in_sails_0_12_connections_is_found()
    {
        using var repo = Project(
            ("knexfile.js", KnexfileWithTls),
            ("config/env/production.js", """
                module.exports = {
                  datastores: {
                    default: { adapter: 'sails-postgresql', url: process.env.DATABASE_URL, ssl: { rejectUnauthorized: false } },
                  },
                  models: { migrate: 'safe' },
                };
                """),
            ("legacy/config/connections.js", """
                module.exports.connections = {
                  postgres: { adapter: 'sails-postgresql', url: process.env.DATABASE_URL, ssl: true, poolSize: 3 },
                };
                """));
        var result = Audit.Run(repo.Root);

        var datastores = result.Input.Configuration.Clients.Where(c => c.Kind == ClientKind.SailsDatastore).OrderBy(c => c.File, StringComparer.Ordinal).ToList();
        Assert.Equal(["config/env/production.js:3 [default]", "legacy/config/connections.js:2 [postgres]"], datastores.Select(c => c.Label));
        Assert.Equal(SslState.NotVerified, datastores[0].Settings[ScenarioIds.Production].Ssl.State);
        Assert.Equal("unknown (default: not declared when NODE_ENV=development)", datastores[0].Settings[ScenarioIds.Local].Max.Text);
        Assert.Equal(SslState.Verified, datastores[1].Settings[ScenarioIds.Production].Ssl.State);
        Assert.Equal("unknown (poolSize 3: read by sails-postgresql before 1.0, ignored from 1.0 (then pg's 10))", datastores[1].Settings[ScenarioIds.Production].Max.Text);

        // Same TLS verification as the knexfile for the first; TLS verified against not verified for the second.
        Assert.Equal("legacy/config/connections.js", Assert.Single(result.Of("ssl-mismatch")).File);
    }
}
