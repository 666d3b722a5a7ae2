using System.Diagnostics;
using System.Security.Cryptography;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Hostile;

/// <summary>
/// Every hostile case (tests/fixtures/hostile, plus what only code can build) through audit, schema, fix and
/// fix --apply: the exit code expected, at most one line on stderr, no stack trace, nothing written outside.
/// </summary>
public sealed class HostileCorpusTests : IDisposable
{
    private const string Migration = "migrations/20250101000000_create_users.js";
    private readonly string outside = Path.Combine(Path.GetTempPath(), "migaudit-outside-" + Guid.NewGuid().ToString("n")[..8]);

    public HostileCorpusTests()
    {
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "precious.txt"), "precious");
    }

    public void Dispose() => Directory.Delete(outside, recursive: true);

    /// <summary>Expected exit codes: audit, schema, fix (dry run), fix --apply.</summary>
    public sealed record Case(string Fixture, int Audit, int Schema, int Fix, int Apply, Action<TempRepo, string>? Build = null);

    private static void MakeFifo(string path)
    {
        using var process = Process.Start("mkfifo", [path])!;
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }

    private static string Generated(string expression) => $"exports.up = (knex) => {expression};\nexports.down = async () => {{}};\n";

    // Files over migaudit's syntax budget are unknowns (exit 3): Node may load them or not, migaudit cannot tell.
    public static readonly Dictionary<string, Case> Cases = new()
    {
        ["throwing-knexfile"] = new("throwing-knexfile", 1, 0, 0, 0),
        ["looping-knexfile"] = new("looping-knexfile", 1, 0, 0, 0),
        ["etc-directory"] = new("etc-directory", 3, 0, 0, 0), // a folder outside the project: which migrations Knex runs there is unknown, never ready
        ["unparseable-knexfile"] = new("unparseable-knexfile", 1, 0, 0, 0),
        ["deep-call-chain"] = new("base", 3, 0, 0, 0, (repo, _) =>
            repo.Write("migrations/20250102000000_chain.js", Generated("knex.schema" + string.Concat(Enumerable.Repeat(".raw('select 1')", 10_000))))),
        ["long-concatenation"] = new("base", 3, 0, 0, 0, (repo, _) =>
            repo.Write("migrations/20250102000000_concat.js", Generated("knex.raw(" + string.Join(" + ", Enumerable.Repeat("'a'", 20_000)) + ")"))),
        ["deep-nesting"] = new("base", 3, 0, 0, 0, (repo, _) =>
            repo.Write("migrations/20250102000000_nested.js", Generated(string.Concat(Enumerable.Repeat("(() => ", 3_000)) + "knex.raw('a')" + string.Concat(Enumerable.Repeat(")()", 3_000))))),
        ["index-flood"] = new("base", 0, 0, 0, 0, (repo, _) =>
            repo.Write("migrations/20250102000000_indexes.js",
                "exports.up = async (knex) => {\n  await knex.schema.createTable('t', (t) => { t.increments('id'); t.integer('a'); });\n" +
                string.Concat(Enumerable.Range(0, 30_000).Select(i => $"  await knex.raw('CREATE INDEX i{i} ON t (a)');\n")) +
                "};\nexports.down = (knex) => knex.schema.dropTable('t');\n")),
        ["fifo-migration"] = new("base", 1, 0, 0, 0, (repo, _) => MakeFifo(repo.PathOf("migrations/20250102000000_fifo.js"))),
        ["fifo-knexfile"] = new("base", 1, 0, 0, 0, (repo, _) =>
        {
            File.Delete(repo.PathOf("knexfile.js"));
            MakeFifo(repo.PathOf("knexfile.js"));
        }),
        ["fifo-settings"] = new("base", 2, 2, 2, 2, (repo, _) => MakeFifo(repo.PathOf(".migauditrc.json"))),
        ["dev-zero-migration"] = new("base", 1, 0, 0, 0, (repo, _) => File.CreateSymbolicLink(repo.PathOf("migrations/20250102000000_zero.js"), "/dev/zero")),
        ["symlink-loop-folder"] = new("base", 1, 0, 0, 0, (repo, _) =>
        {
            File.Move(repo.PathOf(Migration), repo.PathOf("20250101000000_create_users.js"));
            Directory.Delete(repo.PathOf("migrations"));
            Directory.CreateSymbolicLink(repo.PathOf("migrations"), "migrations");
        }),
        ["escape-sequence-name"] = new("base", 0, 0, 0, 0, (repo, _) =>
            repo.Write("migrations/20250102000000_\u001b[31mred\u001b[0m.js", Generated("knex.raw('select 1')"))),
        ["quote-and-backslash-name"] = new("base", 0, 0, 0, 0, (repo, _) =>
            repo.Write("migrations/20250102000000_a\"b\\c.js", Generated("knex.raw('select 1')"))),
        ["injecting-deleted-migration"] = new("base", 1, 0, 0, 0, (repo, _) =>
        {
            repo.Write("migrations/20250102000000_x') OR true OR name IN ('y.js",
                "exports.up = (knex) => knex.schema.createTable('evil\" CASCADE; DROP TABLE users CASCADE; --', (t) => { t.increments('id'); });\nexports.down = async () => {};\n");
            repo.Commit("evil");
            repo.Git("tag", "v1.0.0");
            repo.Delete("migrations/20250102000000_x') OR true OR name IN ('y.js");
        }),
        ["docs-linked-outside"] = new("base", 1, 0, 0, 2, (repo, outside) =>
        {
            repo.Write("migrations/20250102000000_orders.js", Generated("knex.raw('select 1')"));
            repo.Commit("orders");
            repo.Git("tag", "v1.0.0");
            repo.Delete("migrations/20250102000000_orders.js");
            Directory.CreateSymbolicLink(repo.PathOf("docs"), outside);
        }),
    };

    public static TheoryData<string> CaseNames() => new(Cases.Keys);

    private Dictionary<string, string> OutsideState() =>
        Directory.EnumerateFiles(outside, "*", SearchOption.AllDirectories).ToDictionary(f => f, f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    [Theory]
    [Trait("Surface", "cli")]
    [MemberData(nameof(CaseNames))]
    public async Task Every_command_ends_with_its_exit_code_one_line_at_most_and_no_write_outside(string name)
    {
        var hostile = Cases[name];
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("hostile", hostile.Fixture));
        repo.Commit("fixture");
        hostile.Build?.Invoke(repo, outside);
        var before = OutsideState();

        foreach (var (args, expected) in new (string[] Args, int Exit)[]
                 {
                     (["audit", repo.Root], hostile.Audit),
                     (["schema", repo.Root], hostile.Schema),
                     (["fix", repo.Root], hostile.Fix),
                     (["fix", repo.Root, "--apply"], hostile.Apply),
                 })
        {
            var run = await CliRunner.RunAsync(args);
            var command = string.Join(' ', args.Where(a => a != repo.Root));
            Assert.True(expected == run.ExitCode, $"{name}: '{command}' exited {run.ExitCode}, expected {expected}; stderr: {run.Stderr}");
            Assert.True(run.Stderr.Count(c => c == '\n') <= 1, $"{name}: '{command}' wrote more than one line on stderr: {run.Stderr}");
            Assert.DoesNotContain("internal error", run.Stderr);
            Assert.DoesNotContain("\u001b", run.Stdout + run.Stderr);
            Assert.Equal(before, OutsideState());
        }
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Escape_sequences_in_names_are_shown_escaped()
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("hostile", "base"));
        Cases["escape-sequence-name"].Build!(repo, outside);
        var run = await CliRunner.RunAsync("audit", repo.Root);
        Assert.Contains("20250102000000_\\e[31mred\\e[0m.js", run.Stdout);
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Schema_states_the_files_it_could_not_replay()
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("hostile", "base"));
        repo.Write("migrations/20250102000000_broken.js", "exports.up = (knex) => {{{\n");
        var text = await CliRunner.RunAsync("schema", repo.Root);
        Assert.Contains("1 not replayed at all, so this schema is incomplete:\nskipped: 20250102000000_broken.js: line 2: Unexpected end of input\n", text.Stdout);
        var sql = await CliRunner.RunAsync("schema", repo.Root, "--format", "sql");
        Assert.Contains("-- INCOMPLETE: 20250102000000_broken.js was not replayed (line 2: Unexpected end of input)\n", sql.Stdout);
        var json = System.Text.Json.Nodes.JsonNode.Parse((await CliRunner.RunAsync("schema", repo.Root, "--format", "json")).Stdout)!;
        Assert.Equal("20250102000000_broken.js", json["schema"]!["skipped"]![0]!["migration"]!.GetValue<string>());
    }
}
