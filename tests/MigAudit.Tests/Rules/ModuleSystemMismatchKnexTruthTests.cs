using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Rules;

/// <summary>
/// module-system-mismatch against real knex 3.1.0 and this machine's node: every error the rule quotes is the one the
/// knex CLI prints for that file alone, and every module the rule accepts migrates on a real PostgreSQL database.
/// </summary>
public sealed class ModuleSystemMismatchKnexTruthTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private const string Rule = "module-system-mismatch";

    private static readonly (string File, int Line, string Error)[] BadCases =
    [
        ("migrations/20250102000000_create_emails.js", 2, "ReferenceError: exports is not defined in ES module scope"),
        ("migrations/20250103000000_create_names.js", 1, "ReferenceError: require is not defined in ES module scope, you can use import instead"),
        ("migrations/20250104000000_create_nicknames.js", 9, "ReferenceError: module is not defined in ES module scope"),
        ("migrations/20250105000000_create_cities.cjs", 1, "SyntaxError: Unexpected token 'export'"),
        ("migrations/20250106000000_create_countries.cjs", 1, "SyntaxError: Cannot use import statement outside a module"),
        ("legacy/20250107000000_create_phones.js", 1, "SyntaxError: Unexpected token 'export'"),
    ];

    [Fact]
    public void Bad_fixture_finds_each_file_node_rejects_with_its_error()
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine(Rule, "bad"));
        repo.Commit("fixture");
        var result = Audit.Run(repo.Root);
        Assert.Equal(BadCases.Select(c => (c.File, c.Line)), result.Findings.Select(f => (f.File!, f.Line!.Value)));
        Assert.All(result.Findings, f => Assert.Equal((Rule, true, true, Severity.High), (f.Rule, f.Blocking, f.PredictsKnexFailure, f.Severity)));
        foreach (var (finding, expected) in result.Findings.Zip(BadCases))
        {
            Assert.Contains($"it throws \"{expected.Error}\"", finding.Message);
        }

        Assert.Equal("Knex loads 20250102000000_create_emails.js as an ES module (import()) because it ends in .js and package.json has \"type\": \"module\", and Node rejects its CommonJS exports at line 2: it throws \"ReferenceError: exports is not defined in ES module scope\", so 'knex migrate:latest' fails on every database where it is pending (a fresh one included) and applies nothing of the batch, since Knex loads every pending migration before running any.", result.Findings[0].Message);
        Assert.Equal("Knex loads 20250107000000_create_phones.js as CommonJS (require()) because it ends in .js and legacy/package.json has \"type\": \"commonjs\", and Node rejects its ES module export at line 1: it throws \"SyntaxError: Unexpected token 'export'\", so 'knex migrate:latest' fails on every database where it is pending (a fresh one included) and applies nothing of the batch, since Knex loads every pending migration before running any.", result.Findings[5].Message);
        Assert.False(result.Ready);
    }

    [SkippableFact]
    public async Task Real_knex_fails_on_each_bad_migration_with_the_quoted_error()
    {
        RequireKnexAndPostgres();
        foreach (var (file, _, error) in BadCases)
        {
            // One bad file at a time beside the first migration: knex stops at the first module it cannot load.
            using var repo = new TempRepo(init: false);
            repo.CopyFixture(Path.Combine(Rule, "bad"));
            foreach (var (other, _, _) in BadCases.Where(c => c.File != file))
            {
                repo.Delete(other);
            }

            var run = await KnexLatestAsync(repo, "knexfile.js");
            Assert.True(run.ExitCode != 0, $"{file}: knex succeeded\n{run.Stdout}{run.Stderr}");
            Assert.Contains(error, run.Stdout + run.Stderr);
        }
    }

    [SkippableFact]
    public async Task Real_knex_migrates_the_good_fixtures()
    {
        RequireKnexAndPostgres();
        using var repo = new TempRepo(init: false);
        repo.CopyFixture(Path.Combine(Rule, "good"));
        var run = await KnexLatestAsync(repo, "knexfile.js");
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Contains("Batch 1 run: 6 migrations", run.Stdout);

        // The concurrently fixture's quoted and computed config keys: knex runs those migrations outside a transaction,
        // or PostgreSQL refuses CREATE INDEX CONCURRENTLY.
        using var concurrently = new TempRepo(init: false);
        concurrently.CopyFixture(Path.Combine("concurrently-in-transaction", "good"));
        run = await KnexLatestAsync(concurrently, "knexfile.js");
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Contains("Batch 1 run: 4 migrations", run.Stdout);
    }

    [SkippableTheory]
    [InlineData("module", "knexfile.js", "module.exports = Config;", 3, "ReferenceError: module is not defined in ES module scope")]
    [InlineData("module", "knexfile.js", "const path = require('path');\nexport default Config;", 3, "ReferenceError: require is not defined in ES module scope, you can use import instead")]
    [InlineData("commonjs", "knexfile.js", "export default Config;", 3, "SyntaxError: Unexpected token 'export'")]
    [InlineData(null, "knexfile.cjs", "export default Config;", 3, "SyntaxError: Unexpected token 'export'")]
    [InlineData(null, "knexfile.mjs", "exports.production = Config.production;", 3, "ReferenceError: exports is not defined in ES module scope")]
    [InlineData("module", "knexfile.js", "export default Config;", null, null)]
    [InlineData("module", "knexfile.cjs", "module.exports = Config;", null, null)]
    [InlineData(null, "knexfile.mjs", "import path from 'path';\nexport default Config;", null, null)]
    [InlineData("commonjs", "knexfile.js", "module.exports = Config;", null, null)]
    public async Task A_knexfile_node_rejects_is_found_and_real_knex_fails_on_it(string? type, string knexfile, string body, int? line, string? error)
    {
        using var repo = new TempRepo();
        repo.Write("package.json", type is null ? "{ \"private\": true }\n" : $"{{ \"private\": true, \"type\": \"{type}\" }}\n");
        repo.Write(knexfile, "// the connection is read from the environment\nconst Config = { production: { client: 'pg', connection: process.env.DATABASE_URL } };\n" + body + "\n");
        repo.Write("migrations/20250101000000_create_users.cjs", Audit.CreateTable("users"));
        repo.Commit();
        var result = Audit.Run(repo.Root);
        var findings = result.Of(Rule);
        if (error is null)
        {
            Assert.Empty(findings);
        }
        else
        {
            var finding = Assert.Single(findings);
            Assert.Equal((knexfile, line), (finding.File, finding.Line));
            Assert.True(finding.Blocking);
            Assert.Contains($"it throws \"{error}\", so every knex CLI command (migrate:latest included) fails before it reads a migration", finding.Message);
        }

        RequireKnexAndPostgres();
        var run = await KnexLatestAsync(repo, knexfile);
        if (error is null)
        {
            Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        }
        else
        {
            Assert.True(run.ExitCode != 0, run.Stdout + run.Stderr);
            Assert.Contains(error, run.Stdout + run.Stderr);
        }
    }

    [Theory]
    [InlineData("{ \"scripts\": { \"knex\": \"npx babel-node ./node_modules/.bin/knex\" } }", null, "package.json script \"knex\" (babel-node)")]
    [InlineData("{ \"scripts\": { \"migrate\": \"node -r esm node_modules/.bin/knex migrate:latest\" } }", null, "package.json script \"migrate\" (-r esm)")]
    [InlineData("{ \"private\": true }", ".babelrc", ".babelrc")]
    [InlineData("{ \"private\": true }", null, null)]
    public void Es_module_syntax_where_the_project_shows_a_compiling_require_hook_is_not_certain(string packageJson, string? babelConfig, string? loader)
    {
        // aragonone/court-backend: "knex": "npx babel-node ./node_modules/.bin/knex" and a knexfile that exports with
        // export *: plain Node throws, but knex runs under babel-node, which compiles the file to CommonJS first.
        using var repo = new TempRepo();
        repo.Write("package.json", packageJson + "\n");
        repo.Write(".nvmrc", "18.20.4\n");
        if (babelConfig is not null)
        {
            repo.Write(babelConfig, "{ \"presets\": [\"@babel/preset-env\"] }\n");
        }

        repo.Write("knexfile.js", "module.exports = { production: { client: 'pg', connection: process.env.DATABASE_URL } };\n");
        repo.Write("migrations/20250101000000_create_users.js", "export async function up(knex) {\n  await knex.schema.createTable('users', (t) => t.increments('id'));\n}\n\nexport async function down(knex) {\n  await knex.schema.dropTable('users');\n}\n");
        repo.Commit();
        var finding = Assert.Single(Audit.Run(repo.Root).Of(Rule));
        if (loader is null)
        {
            Assert.Equal((true, Severity.High), (finding.Blocking, finding.Severity));
            return;
        }

        Assert.Equal((false, Severity.Medium, false), (finding.Blocking, finding.Severity, finding.PredictsKnexFailure));
        Assert.Contains($"The project shows a require hook that compiles ES modules ({loader}): if knex runs under it, Knex loads the file", finding.Message);
    }

    [SkippableTheory]
    [InlineData(null, null, "DependsOnNodeVersion")]
    [InlineData("\"engines\": { \"node\": \">=18\" }", null, "DependsOnNodeVersion")]
    [InlineData("\"engines\": { \"node\": \"^20.19.0 || >=22.12.0\" }", null, "")]
    [InlineData("\"engines\": { \"node\": \">=24\" }", null, "")]
    [InlineData(null, ".nvmrc", "Blocking")]
    [InlineData("\"engines\": { \"node\": \">=22.12\" }", ".nvmrc", "Blocking")]
    public async Task Es_module_syntax_in_a_package_without_type_depends_on_the_node_version(string? engines, string? nvmrc, string expected)
    {
        using var repo = new TempRepo();
        repo.Write("package.json", engines is null ? "{ \"private\": true }\n" : $"{{ \"private\": true, {engines} }}\n");
        if (nvmrc is not null)
        {
            repo.Write(nvmrc, "18.20.4\n");
        }

        repo.Write("knexfile.js", "module.exports = { production: { client: 'pg', connection: process.env.DATABASE_URL } };\n");
        repo.Write("migrations/20250101000000_create_users.js", "export async function up(knex) {\n  await knex.schema.createTable('users', (t) => t.increments('id'));\n}\n\nexport async function down(knex) {\n  await knex.schema.dropTable('users');\n}\n");
        repo.Commit();
        var findings = Audit.Run(repo.Root).Of(Rule);
        switch (expected)
        {
            case "":
                Assert.Empty(findings);
                break;
            case "Blocking":
                var blocking = Assert.Single(findings);
                Assert.True(blocking.Blocking);
                Assert.Equal(1, blocking.Line);
                Assert.Contains("on the Node version the project declares (.nvmrc '18.20.4'): it throws \"SyntaxError: Unexpected token 'export'\"", blocking.Message);
                break;
            default:
                var depends = Assert.Single(findings);
                Assert.Equal((false, Severity.Medium, false), (depends.Blocking, depends.Severity, depends.PredictsKnexFailure));
                Assert.Contains("Node 20.19+ and 22.12+ load it anyway (require() of an ES module); older versions (before 20.19, 21.x, 22.0 to 22.11) throw \"SyntaxError: Unexpected token 'export'\"", depends.Message);
                break;
        }

        // Both sides on real knex: with require(esm) switched off (as before Node 20.19 and 22.12) it fails as quoted;
        // with it on (the default of this machine's node, when it is 20.19+ or 22.12+) it migrates.
        RequireKnexAndPostgres();
        var without = await KnexLatestAsync(repo, "knexfile.js", "--no-experimental-require-module");
        Assert.True(without.ExitCode != 0, without.Stdout + without.Stderr);
        Assert.Contains("SyntaxError: Unexpected token 'export'", without.Stderr + without.Stdout);
        if (await NodeHasRequireEsmAsync())
        {
            var with = await KnexLatestAsync(repo, "knexfile.js");
            Assert.True(with.ExitCode == 0, with.Stdout + with.Stderr);
        }
    }

    private static void RequireKnexAndPostgres()
    {
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        Requires.Postgres();
    }

    /// <summary>'knex migrate:latest' from knex's own CLI on a new database of the throwaway server.</summary>
    private async Task<CliResult> KnexLatestAsync(TempRepo repo, string knexfile, string? nodeOptions = null)
    {
        if (!Directory.Exists(repo.PathOf("node_modules")))
        {
            NodeKnex.LinkInto(repo);
        }

        var postgres = server.Postgres!;
        var database = "modules_" + Guid.NewGuid().ToString("n")[..8];
        await LiveDatabase.ExecuteAsync(postgres.ConnectionString, $"CREATE DATABASE {database}");
        var cli = Path.Combine(NodeKnex.ScriptsDirectory!, "node_modules", "knex", "bin", "cli.js");
        return await ChildProcess.RunAsync("node", [cli, "migrate:latest", "--knexfile", repo.PathOf(knexfile), "--env", "production"], repo.Root,
            new Dictionary<string, string?> { ["DATABASE_URL"] = postgres.Url(database), ["NODE_OPTIONS"] = nodeOptions });
    }

    private static async Task<bool> NodeHasRequireEsmAsync() =>
        (await ChildProcess.RunAsync("node", ["-p", "process.features.require_module === true"])).Stdout.Trim() == "true";
}
