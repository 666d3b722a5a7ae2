using System.Text.Json.Nodes;
using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests;

/// <summary>Hostile or broken input gets a finding or a one-line error, never a crash.</summary>
public sealed class BadInputTests
{
    private static TempRepo Project()
    {
        var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Write("migrations/20250101000000_create_users.js", Audit.CreateTable("users"));
        return repo;
    }

    [Fact]
    public void Binary_file_is_unparseable()
    {
        using var repo = Project();
        repo.WriteBytes("migrations/20250102000000_blob.js", [0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0x02]);
        repo.Commit();
        var finding = Assert.Single(Audit.Run(repo.Root).Of("unparseable-migration"));
        Assert.Contains("binary content", finding.Message);
    }

    [Fact]
    public void Non_utf8_bytes_in_a_string_are_read_like_node_does()
    {
        using var repo = Project();
        var text = System.Text.Encoding.Latin1.GetBytes("exports.up = async (knex) => knex.raw(\"select 'caf\u00e9'\");\nexports.down = async (knex) => knex.raw('select 1');\n");
        repo.WriteBytes("migrations/20250102000000_latin1.js", text);
        repo.Commit();
        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Findings);
        Assert.True(result.Migration("20250102000000_latin1.js").Module.HasDown);
    }

    [Fact]
    public void Five_megabyte_migration_is_parsed()
    {
        using var repo = Project();
        var seeds = string.Concat(Enumerable.Repeat("  await knex('countries').insert({ code: 'XX', name: 'Some country name that is long enough' });\n", 55_000));
        repo.Write("migrations/20250102000000_seed_countries.js", "exports.up = async (knex) => {\n" + seeds + "};\nexports.down = async (knex) => knex('countries').del();\n");
        repo.Commit();
        Assert.True(new FileInfo(repo.PathOf("migrations/20250102000000_seed_countries.js")).Length > 5_000_000);
        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Findings);
        Assert.Equal(55_003, result.Migration("20250102000000_seed_countries.js").Module.Down!.Line);
    }

    [Fact]
    public void Symlinked_migration_is_followed_and_broken_symlink_is_unparseable()
    {
        using var repo = Project();
        repo.Write("shared/20250102000000_shared.js", Audit.CreateTable("shared"));
        File.CreateSymbolicLink(repo.PathOf("migrations/20250102000000_shared.js"), "../shared/20250102000000_shared.js");
        File.CreateSymbolicLink(repo.PathOf("migrations/20250103000000_gone.js"), "../shared/missing.js");
        repo.Commit();
        var result = Audit.Run(repo.Root);
        Assert.True(result.Migration("20250102000000_shared.js").IsSymlink);
        Assert.True(result.Migration("20250102000000_shared.js").Module.HasDown);
        var finding = Assert.Single(result.Findings);
        Assert.Equal("unparseable-migration", finding.Rule);
        Assert.Contains("broken symbolic link", finding.Message);
    }

    [Fact]
    public void Unreadable_file_does_not_crash_the_audit()
    {
        using var repo = Project();
        repo.Write("migrations/20250102000000_secret.js", Audit.CreateTable("secret"));
        repo.Commit();
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.SetUnixFileMode(repo.PathOf("migrations/20250102000000_secret.js"), UnixFileMode.None);
        var result = Audit.Run(repo.Root);

        // Root reads it anyway; anyone else gets a finding saying it cannot be read.
        var module = result.Migration("20250102000000_secret.js").Module;
        Assert.True(module.HasDown || module.ParseProblem!.Message.StartsWith("cannot be read", StringComparison.Ordinal));
    }

    [Fact]
    public void Knexfile_whose_migrations_directory_is_missing_is_not_ready_and_quotes_knex()
    {
        // Checked with real knex's FsMigrations: readdir of a missing folder rejects with ENOENT.
        using var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Commit();
        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Input.Migrations);
        var finding = Assert.Single(result.Findings);
        Assert.Equal("migration-source-unknown", finding.Rule);
        Assert.True(finding.Blocking);
        Assert.Equal($"migration directory 'migrations' does not exist: Knex's readdir fails there and 'knex migrate:latest' stops with \"ENOENT: no such file or directory, scandir '{repo.PathOf("migrations")}'\".", finding.Message);
        Assert.False(result.Ready);
    }

    [Fact]
    public void An_empty_migrations_folder_is_a_one_line_error_never_ready()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        Directory.CreateDirectory(repo.PathOf("migrations"));
        var error = Assert.Throws<MigAudit.Core.ProjectException>(() => Audit.Run(repo.Root));
        Assert.StartsWith("no migrations found: looked in 'migrations' (from knexfile.js) for .co, .coffee", error.Message);
        Assert.EndsWith("point migaudit at them with --migrations DIR or --knexfile FILE", error.Message);
    }

    [Fact]
    public void Unparseable_knexfile_is_a_one_line_project_error()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("knexfile.js", "module.exports = {\n  production: {\n");
        var error = Assert.Throws<MigAudit.Core.ProjectException>(() => Audit.Run(repo.Root));
        Assert.StartsWith("knexfile.js:3: cannot be parsed:", error.Message);
    }

    private const string Usage = " (run 'migaudit --help' for usage)";

    /// <summary>Every command's path, URL and name options and arguments given '', unknown options, and addresses that name nothing.</summary>
    public static TheoryData<string[], string> BadCommandLines() => new()
    {
        { ["audit", ""], "migaudit: PATH needs a folder, not an empty string" + Usage },
        { [""], "migaudit: PATH needs a folder, not an empty string" + Usage },
        { ["audit", ".", "--output", ""], "migaudit: --output needs a file name, not an empty string" + Usage },
        { ["audit", ".", "-o", ""], "migaudit: --output needs a file name, not an empty string" + Usage },
        { ["audit", ".", "--env", ""], "migaudit: --env needs a knexfile environment name, not an empty string" + Usage },
        { ["audit", ".", "--knexfile", ""], "migaudit: --knexfile needs a file name, not an empty string" + Usage },
        { ["audit", ".", "--migrations", ""], "migaudit: --migrations needs a folder, not an empty string" + Usage },
        { ["audit", ".", "--migrations", "migrations", ""], "migaudit: --migrations needs a folder, not an empty string" + Usage },
        { ["audit", ".", "--baseline", ""], "migaudit: --baseline needs a file name, not an empty string" + Usage },
        { ["audit", ".", "--write-baseline", ""], "migaudit: --write-baseline needs a file name, not an empty string" + Usage },
        { ["audit", "--cwd", ""], "migaudit: --cwd needs a folder, not an empty string" + Usage },
        { ["--cwd", ""], "migaudit: --cwd needs a folder, not an empty string" + Usage },
        { ["audit", ".", "--branch", ""], "migaudit: --branch needs a branch, not an empty string" + Usage },
        { ["audit", ".", "--changed-since", ""], "migaudit: --changed-since needs a git reference, not an empty string" + Usage },
        { ["audit", ".", "--format", ""], "migaudit: --format needs a value, not an empty string" + Usage },
        { ["audit", ".", "--fail-on", ""], "migaudit: --fail-on needs a value, not an empty string" + Usage },
        { ["schema", ""], "migaudit: PATH needs a folder, not an empty string" + Usage },
        { ["schema", ".", "--env", ""], "migaudit: --env needs a knexfile environment name, not an empty string" + Usage },
        { ["schema", ".", "--knexfile", ""], "migaudit: --knexfile needs a file name, not an empty string" + Usage },
        { ["schema", ".", "--migrations", ""], "migaudit: --migrations needs a folder, not an empty string" + Usage },
        { ["demo", "--path", ""], "migaudit: --path needs a folder, not an empty string" + Usage },
        { ["demo", "--output", ""], "migaudit: --output needs a file name, not an empty string" + Usage },
        { ["init", ""], "migaudit: PATH needs a folder, not an empty string" + Usage },
        { ["verify", ""], "migaudit: PATH needs a folder, not an empty string" + Usage },
        { ["verify", ".", "--database", ""], "migaudit: --database needs a database URL, not an empty string" + Usage },
        { ["verify", ".", "--env", ""], "migaudit: --env needs a knexfile environment name, not an empty string" + Usage },
        { ["verify", ".", "--env-file", ""], "migaudit: --env-file needs a file name, not an empty string" + Usage },
        { ["verify", ".", "--set", ""], "migaudit: --set needs KEY=VALUE, not an empty string" + Usage },
        { ["drift", "", "--database", "postgres://localhost/app"], "migaudit: PATH needs a folder, not an empty string" + Usage },
        { ["drift", ".", "--database", ""], "migaudit: --database needs a database URL, not an empty string" + Usage },
        { ["drift", ".", "--database", "postgres://localhost/app", "--env", ""], "migaudit: --env needs a knexfile environment name, not an empty string" + Usage },
        { ["plan", "", "--database", "postgres://localhost/app"], "migaudit: PATH needs a folder, not an empty string" + Usage },
        { ["plan", ".", "--database", ""], "migaudit: --database needs a database URL, not an empty string" + Usage },
        { ["plan", ".", "--database", "postgres://localhost/app", "--env", ""], "migaudit: --env needs a knexfile environment name, not an empty string" + Usage },
        { ["fix", ""], "migaudit: PATH needs a folder, not an empty string" + Usage },
        { ["fix", ".", "--rule", ""], "migaudit: --rule needs a rule id, not an empty string" + Usage },
        { ["restore", ""], "migaudit: NAME needs a migration file name, not an empty string" + Usage },
        { ["restore", "20250101000000_x.js", "--path", ""], "migaudit: --path needs a folder, not an empty string" + Usage },
        { ["explain", ""], "migaudit: ID needs a rule id, not an empty string" + Usage },

        // Addresses libpq would refuse, refused before anything runs (an empty host or a blank address is libpq's
        // default socket, as for psql, and fails only when connecting).
        { ["plan", ".", "--database", "postgres://u:p@host:abc/db"], "migaudit: --database: the database address has an invalid port number: \"abc\"" + Usage },

        // An unknown option is one, wherever it is, and not a folder named '--bogus'.
        { ["--bogus"], "migaudit: unknown option '--bogus'" + Usage },
        { ["audit", "--silent"], "migaudit: unknown option '--silent'" + Usage },
        { ["audit", "--silent", "."], "migaudit: unknown option '--silent'" + Usage },
        { ["audit", ".", "--silent", "-x"], "migaudit: unknown options '--silent', '-x'" + Usage },
        { ["schema", ".", "--bogus"], "migaudit: unknown option '--bogus'" + Usage },
        { ["verify", "--keep", "--bogus"], "migaudit: unknown option '--bogus'" + Usage },
        { ["audit", ".", "extra"], "migaudit: unexpected argument 'extra'" + Usage },
        { ["audit", ".", "--", "--weird"], "migaudit: unexpected argument '--weird'" + Usage },
    };

    [Theory]
    [Trait("Surface", "cli")]
    [MemberData(nameof(BadCommandLines))]
    public async Task Bad_command_line_is_one_usage_line_naming_the_argument(string[] args, string expected)
    {
        var run = await CliRunner.RunAsync(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(expected + "\n", run.Stderr.ReplaceLineEndings("\n"));
        Assert.Empty(run.Stdout);
    }

    /// <summary>Baselines migaudit did not write, each with the JSON path at fault.</summary>
    public static TheoryData<string, string> BadBaselines() => new()
    {
        { """{"schemaVersion":2,"findings":[1,"x",null]}""", "findings[0] is a number, not an object with a fingerprint" },
        { """{"schemaVersion":2,"findings":[{"fingerprint":"a"},null]}""", "findings[1] is null, not an object with a fingerprint" },
        { """{"schemaVersion":2,"findings":{"fingerprint":"a"}}""", "findings is an object, not an array" },
        { """{"schemaVersion":2}""", "findings is missing, not an array" },
        { """{"schemaVersion":2,"findings":[{"fingerprint":1e400}]}""", "findings[0].fingerprint is a number, not a string" },
        { """{"schemaVersion":2,"findings":[{"rule":"missing-down"}]}""", "findings[0].fingerprint is missing, not a string" },
        { """{"schemaVersion":1e400,"findings":[]}""", "schemaVersion is 1e400, not 1 or 2" },
        { """{"schemaVersion":99999999999999999999999999999999999999,"findings":[]}""", "schemaVersion is a number, not 1 or 2" },
        { """{"schemaVersion":"2","findings":[]}""", "schemaVersion is a string, not 1 or 2" },
        { """{"schemaVersion":2,"findings":[],"schemaVersion":3}""", "schemaVersion is given twice" },
        { """{"schemaVersion":2,"findings":[{"fingerprint":"a","fingerprint":"b"}]}""", "findings[0].fingerprint is given twice" },
        { "[1,2]", "the document is an array, not an object with schemaVersion 1 or 2 and a findings array" },
    };

    [Theory]
    [Trait("Surface", "cli")]
    [MemberData(nameof(BadBaselines))]
    public async Task Malformed_baseline_is_one_usage_line_naming_the_json_path(string baseline, string why)
    {
        using var repo = Project();
        repo.Commit();
        repo.Write("baseline.json", baseline);
        var run = await CliRunner.RunAsync("audit", repo.Root, "--baseline", repo.PathOf("baseline.json"));
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"migaudit: baseline {repo.PathOf("baseline.json")} is not a migaudit baseline: {why}\n", run.Stderr.ReplaceLineEndings("\n"));
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Baseline_that_is_not_json_says_where()
    {
        using var repo = Project();
        repo.Commit();
        repo.Write("baseline.json", "{\"schemaVersion\":2,\n\"findings\":[");
        var run = await CliRunner.RunAsync("audit", repo.Root, "--baseline", repo.PathOf("baseline.json"));
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"migaudit: baseline {repo.PathOf("baseline.json")} is not valid JSON (line 2): Expected depth to be zero at the end of the JSON payload\n", run.Stderr.ReplaceLineEndings("\n"));
    }

    /// <summary>Settings whose values name nothing, or name it twice, or could be put into a report's links.</summary>
    public static TheoryData<string, string> BadSettings() => new()
    {
        { """{"migrations":""}""", "'migrations' must not be an empty string" },
        { """{"migrations":["migrations",""]}""", "'migrations[1]' must not be an empty string" },
        { """{"migrations":["mig\u0000rations"]}""", "'migrations[0]' contains a NUL character" },
        { """{"knexfile":""}""", "'knexfile' must not be an empty string" },
        { """{"knexfile":"knexfile.js\u0000"}""", "'knexfile' contains a NUL character" },
        { """{"environment":""}""", "'environment' must not be an empty string" },
        { """{"mainline":""}""", "'mainline' must not be an empty string" },
        { """{"releases":""}""", "'releases' must not be an empty string" },
        { """{"tenantColumn":""}""", "'tenantColumn' must not be an empty string" },
        { """{"ignore":["legacy/",""]}""", "'ignore[1]' must not be an empty string" },
        { """{"docsUrl":""}""", "'docsUrl' must not be an empty string" },
        { """{"docsUrl":"javascript:alert(1)//"}""", "'docsUrl' must be an absolute http:// or https:// URL" },
        { """{"failOn":1e400}""", "'failOn' must be a string" },
        { """{"failOn":"high","failOn":"never"}""", "'failOn' is given twice" },
        { """{"rules":{"missing-down":"off","missing-down":"high"}}""", "'rules.missing-down' is given twice" },
        { """{"rules":{"missing-down":1e400}}""", "rules.missing-down must be \"off\", \"low\", \"medium\" or \"high\"" },
    };

    [Theory]
    [Trait("Surface", "cli")]
    [MemberData(nameof(BadSettings))]
    public async Task Malformed_settings_are_one_usage_line_naming_the_key(string settings, string why)
    {
        using var repo = Project();
        repo.Commit();
        repo.Write(".migauditrc.json", settings);
        var run = await CliRunner.RunAsync("audit", repo.Root);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"migaudit: .migauditrc.json: {why}\n", run.Stderr.ReplaceLineEndings("\n"));

        repo.Delete(".migauditrc.json");
        repo.Write("package.json", $"{{ \"name\": \"app\", \"migaudit\": {settings} }}");
        var package = await CliRunner.RunAsync("audit", repo.Root);
        Assert.Equal(2, package.ExitCode);
        Assert.Equal($"migaudit: package.json (\"migaudit\"): {why}\n", package.Stderr.ReplaceLineEndings("\n"));
    }

    private static async Task<(int ExitCode, JsonNode Report)> AuditJsonAsync(TempRepo repo)
    {
        var run = await CliRunner.RunAsync("audit", repo.Root, "--format", "json");
        return (run.ExitCode, JsonNode.Parse(run.Stdout)!);
    }

    private static JsonNode FindingOf(JsonNode report, string rule) =>
        Assert.Single(report["findings"]!.AsArray(), f => f!["rule"]!.GetValue<string>() == rule)!;

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Migration_over_the_syntax_budget_is_never_ready()
    {
        // 1,500 concatenations nest 1,500 levels deep, over migaudit's budget of 1,000; Node loads such a file (checked
        // with node 20: 10,000 chained calls or 20,000 concatenations load), so Knex would run something unknown.
        using var repo = Project();
        repo.Write("migrations/20250102000000_long_sql.js",
            "exports.up = (knex) =>\n  knex.raw(" + string.Join(" +\n    ", Enumerable.Repeat("'select 1 '", 1_500)) + ");\nexports.down = async () => {};\n");
        repo.Commit();

        var (exit, report) = await AuditJsonAsync(repo);

        // Not ready, not "not ready" either: whether Knex fails is not known, so the verdict is UNKNOWN (exit 3).
        Assert.Equal(3, exit);
        Assert.Equal("unknown", report["verdict"]!.GetValue<string>());
        var finding = FindingOf(report, "unparseable-migration");
        // The line is where the 1,001st level starts: the operand 1,000 levels down, 505 lines into the expression.
        Assert.Equal(("migrations/20250102000000_long_sql.js", 507, false, "high", false),
            (finding["file"]!.GetValue<string>(), finding["line"]!.GetValue<int>(), finding["blocking"]!.GetValue<bool>(), finding["severity"]!.GetValue<string>(), finding["predictsKnexFailure"]!.GetValue<bool>()));
        Assert.Equal(
            "20250102000000_long_sql.js was not analysed (line 507): the syntax nests more than 1000 levels deep here (long chains of calls or of '+' nest one level each), over migaudit's syntax budget, so migaudit cannot tell what it does. Node may well load and run it: this audit cannot say the project is ready.",
            finding["message"]!.GetValue<string>());
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Migration_larger_than_migaudit_reads_is_never_ready()
    {
        // 17 MB ending in a syntax error: Node reads it all and fails at the end, but migaudit reads at most 16 MB, so
        // it cannot know that; it must not call the project ready. (Its size is refused before a byte is read.)
        using var repo = Project();
        repo.Commit();
        var line = "  await knex('countries').insert({ code: 'XX', name: 'Some country name that is long enough' });\n";
        var body = new System.Text.StringBuilder("exports.up = async (knex) => {\n");
        while (body.Length < 17 * 1024 * 1024)
        {
            body.Append(line);
        }

        repo.Write("migrations/20250102000000_seed_everything.js", body.Append("};\nexports.down = async () => {};\n}}}\n").ToString());

        var (exit, report) = await AuditJsonAsync(repo);

        Assert.Equal(3, exit);
        Assert.Equal("unknown", report["verdict"]!.GetValue<string>());
        Assert.Contains(report["unknowns"]!.AsArray(), u => u!["file"]!.GetValue<string>() == "migrations/20250102000000_seed_everything.js");
        var finding = FindingOf(report, "unparseable-migration");
        Assert.Equal(("migrations/20250102000000_seed_everything.js", 1, false, false),
            (finding["file"]!.GetValue<string>(), finding["line"]!.GetValue<int>(), finding["blocking"]!.GetValue<bool>(), finding["predictsKnexFailure"]!.GetValue<bool>()));
        Assert.Equal(
            "20250102000000_seed_everything.js could not be read: it is larger than 16 MB; migaudit does not read files that large. Node would still load it ('knex migrate:latest' requires every pending migration), so what it does, and whether it even parses, is unknown: this audit cannot say the project is ready.",
            finding["message"]!.GetValue<string>());
    }

    private const string KnexfileRequiringConfig = """
        const config = require('./config');

        module.exports = {
          production: {
            client: 'pg',
            connection: config.databaseUrl,
            migrations: { directory: './migrations' },
          },
        };
        """;

    /// <summary>
    /// config.js modules that read the knexfile back while it is still loading (its exports still {}), each with the
    /// line of that require, the line Node throws at and its TypeError; Knexfile_cycle_matches_node checks each
    /// against real Node.
    /// </summary>
    public static TheoryData<string, int, int, string, string> ThrowingCycles() => new()
    {
        {
            "const connection = require('./knexfile').production.connection;\nmodule.exports = { databaseUrl: process.env.DATABASE_URL, connection };\n",
            1, 1, "require('./knexfile').production.connection", "Cannot read properties of undefined (reading 'connection')"
        },
        {
            "require('dotenv').config();\nconst knexfile = require('./knexfile');\nmodule.exports = { databaseUrl: knexfile.production.connection };\n",
            2, 3, "knexfile.production.connection", "Cannot read properties of undefined (reading 'connection')"
        },
        {
            "const { production } = require('./knexfile');\nconst { connection } = production;\nmodule.exports = { databaseUrl: connection };\n",
            1, 2, "{ connection }", "Cannot destructure property 'connection' of 'production' as it is undefined."
        },
        {
            "const knexfile = require('./knexfile');\nmodule.exports = { databaseUrl: knexfile.production() };\n",
            1, 2, "knexfile.production()", "knexfile.production is not a function"
        },
    };

    [Theory]
    [Trait("Surface", "cli")]
    [MemberData(nameof(ThrowingCycles))]
    public async Task Knexfile_that_throws_through_a_require_cycle_is_not_ready(string config, int requireLine, int line, string expression, string error)
    {
        using var repo = Project();
        repo.Write("knexfile.js", KnexfileRequiringConfig);
        repo.Write("config.js", config);
        repo.Commit();

        var (exit, report) = await AuditJsonAsync(repo);

        Assert.Equal(1, exit);
        Assert.Equal("not-ready", report["verdict"]!.GetValue<string>());
        var finding = FindingOf(report, "migration-source-unknown");
        Assert.Equal(("config.js", line, true, true),
            (finding["file"]!.GetValue<string>(), finding["line"]!.GetValue<int>(), finding["blocking"]!.GetValue<bool>(), finding["predictsKnexFailure"]!.GetValue<bool>()));
        Assert.Equal(
            $"knexfile.js throws when Node loads it: knexfile.js:1 requires config.js, config.js:{requireLine} requires knexfile.js back while knexfile.js is still loading, and knexfile.js's exports are still empty then, " +
            $"so {expression} at config.js:{line} throws \"TypeError: {error}\": every knex command (migrate:latest included) fails before reading a migration.",
            finding["message"]!.GetValue<string>());
    }

    [SkippableTheory]
    [MemberData(nameof(ThrowingCycles))]
    public void Knexfile_cycle_matches_node(string config, int requireLine, int line, string expression, string error)
    {
        Requires.Dependency(NodeKnex.Available, "node with tests/node installed (run 'npm ci' in tests/node)");
        using var repo = Project();
        repo.Write("knexfile.js", KnexfileRequiringConfig);
        repo.Write("config.js", config);
        NodeKnex.LinkInto(repo);

        // What real Node says when it loads the knexfile, as the knex CLI does before anything else.
        var node = NodeKnex.RunJson<List<JsonObject>>("evaluate-module.js", new JsonArray(new JsonObject { ["file"] = repo.PathOf("knexfile.js"), ["env"] = new JsonObject() }));
        Assert.Equal(error, node[0]["error"]?.GetValue<string>());
        var message = Assert.Single(Audit.Run(repo.Root).Of("migration-source-unknown")).Message;
        Assert.Contains($"config.js:{requireLine} requires knexfile.js back", message);
        Assert.Contains($"so {expression} at config.js:{line} throws \"TypeError: {error}\"", message);
    }

    private const string KnexfileExportingStagingFirst =
        "exports.staging = { client: 'pg' };\nconst config = require('./config');\nexports.production = { client: 'pg', connection: config.databaseUrl, migrations: { directory: './migrations' } };\n";

    /// <summary>Cycles Node loads without throwing: no finding.</summary>
    public static TheoryData<string, string> HarmlessCycles() => new()
    {
        // Read only inside a function: it runs after the knexfile has loaded.
        { KnexfileRequiringConfig, "module.exports = { databaseUrl: process.env.DATABASE_URL, later: () => require('./knexfile').production.connection };\n" },
        // One level deep: undefined, no throw.
        { KnexfileRequiringConfig, "const production = require('./knexfile').production;\nmodule.exports = { databaseUrl: production };\n" },
        // An optional chain.
        { KnexfileRequiringConfig, "module.exports = { databaseUrl: require('./knexfile').production?.connection };\n" },
        // A key every object has through Object.prototype.
        { KnexfileRequiringConfig, "module.exports = { databaseUrl: require('./knexfile').toString.name };\n" },
        // Reassigned before it is read.
        { KnexfileRequiringConfig, "let knexfile = require('./knexfile');\nknexfile = { production: {} };\nmodule.exports = { databaseUrl: knexfile.production.connection };\n" },
        // Assigned before the knexfile's require: exports.staging exists by then.
        { KnexfileExportingStagingFirst, "module.exports = { databaseUrl: require('./knexfile').staging.client };\n" },
    };

    [SkippableTheory]
    [MemberData(nameof(HarmlessCycles))]
    public void Require_cycle_that_node_loads_is_no_finding(string knexfile, string config)
    {
        using var repo = Project();
        repo.Write("knexfile.js", knexfile);
        repo.Write("config.js", config);
        repo.Commit();

        Assert.Empty(Audit.Run(repo.Root).Of("migration-source-unknown"));

        Requires.Dependency(NodeKnex.Available, "node with tests/node installed (run 'npm ci' in tests/node)");
        var node = NodeKnex.RunJson<List<JsonObject>>("evaluate-module.js", new JsonArray(new JsonObject { ["file"] = repo.PathOf("knexfile.js"), ["env"] = new JsonObject() }));
        Assert.Null(node[0]["error"]);
    }
}
