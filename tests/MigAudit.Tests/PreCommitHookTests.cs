using System.Text.Json;
using MigAudit.Tests.Support;

namespace MigAudit.Tests;

/// <summary>
/// The pre-commit hook as a user of pre-commit (https://pre-commit.com) gets it: `repo:` this repository, `id: migaudit`.
/// pre-commit's node language installs the repository's root package.json into an environment of its own, which brings
/// the migaudit npm package in from the registry: here a stand-in registry serving the tarballs scripts/build-npm.sh
/// packed (MIGAUDIT_NPM_PACKAGES), as the registry would once they are published. Real pre-commit (Debian's 3.0.4),
/// real npm, a real git commit.
/// </summary>
public sealed class PreCommitHookTests
{
    private static string SourceRoot => Path.GetFullPath(Path.Combine(NodeKnex.ScriptsDirectory!, "..", ".."));

    private static bool PreCommitInstalled => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(d => File.Exists(Path.Combine(d, "pre-commit")));

    [Fact]
    public void The_hook_package_depends_on_the_migaudit_package_of_the_same_version()
    {
        using var hook = JsonDocument.Parse(File.ReadAllText(Path.Combine(SourceRoot, "package.json")));
        using var launcher = JsonDocument.Parse(File.ReadAllText(Path.Combine(SourceRoot, "npm", "migaudit", "package.json")));
        var version = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(Path.Combine(SourceRoot, "src", "MigAudit.Cli", "MigAudit.Cli.csproj")), "<Version>(.*)</Version>").Groups[1].Value;

        // An exact version: pre-commit pins the hook by the repository's rev, so the binary must be that rev's too.
        Assert.Equal(version, hook.RootElement.GetProperty("dependencies").GetProperty("migaudit").GetString());
        Assert.Equal(version, launcher.RootElement.GetProperty("version").GetString());
        Assert.Equal("npm/pre-commit/migaudit.js", hook.RootElement.GetProperty("bin").GetProperty("migaudit").GetString());
        Assert.True(hook.RootElement.GetProperty("private").GetBoolean());
    }

    [SkippableFact]
    [Trait("Surface", "npm")]
    public async Task Pre_commit_installs_the_npm_package_and_blocks_a_commit_that_stages_a_migration_without_down()
    {
        var packages = NpmPackages.RequireFolder();
        Requires.Dependency(PreCommitInstalled, "pre-commit (apt-get install pre-commit)");

        // The hook repository as pre-commit clones it: this repository's hook files at one commit.
        using var hookRepo = new TempRepo();
        foreach (var file in new[] { ".pre-commit-hooks.yaml", "package.json", "LICENSE", "npm/pre-commit/migaudit.js" })
        {
            hookRepo.Write(file, File.ReadAllText(Path.Combine(SourceRoot, file)));
        }

        var rev = hookRepo.Commit("hooks");

        // A Knex project that uses it.
        using var project = new TempRepo();
        project.CopyFixture(Path.Combine("missing-down", "good"));
        project.Write(".pre-commit-config.yaml", $"repos:\n  - repo: {hookRepo.Root}\n    rev: {rev}\n    hooks:\n      - id: migaudit\n");
        project.Commit("a good start");

        using var registry = new StandInNpmRegistry(packages);
        using var home = new TempRepo(init: false);
        var environment = new Dictionary<string, string?>
        {
            ["PRE_COMMIT_HOME"] = Path.Combine(home.Root, "pre-commit"),
            ["npm_config_registry"] = registry.Url,
            ["npm_config_cache"] = Path.Combine(home.Root, "npm-cache"),
            ["npm_config_update_notifier"] = "false",
            ["npm_config_audit"] = "false",
            ["npm_config_fund"] = "false",
        };

        // A migration without down, staged: the commit the hook must stop.
        project.Write("migrations/20250301000000_create_notes.js", "exports.up = (knex) => knex.schema.createTable('notes', (t) => { t.bigIncrements('id'); t.text('body'); });\n");
        project.Git("add", "migrations/20250301000000_create_notes.js");
        var blocked = await ChildProcess.RunAsync("pre-commit", ["run"], project.Root, environment);
        Assert.True(blocked.ExitCode == 1, blocked.Stdout + blocked.Stderr);
        Assert.Contains("migaudit (Knex migrations)", blocked.Stdout);
        Assert.Contains("Failed", blocked.Stdout);
        Assert.Contains("migrations/20250301000000_create_notes.js", blocked.Stdout);
        Assert.Contains("missing-down", blocked.Stdout);

        // npm fetched the launcher and this machine's binary package from the registry, not the other platforms' binaries.
        Assert.Contains("migaudit", registry.Requested);
        Assert.Contains(registry.Requested, r => r.StartsWith($"tarballs/migaudit-{NpmPackages.PlatformKey}-", StringComparison.Ordinal));
        Assert.DoesNotContain(registry.Requested, r => r.StartsWith("tarballs/absent-", StringComparison.Ordinal));

        // With a down, the same commit passes, and nothing to report is one line.
        project.Write("migrations/20250301000000_create_notes.js", "exports.up = (knex) => knex.schema.createTable('notes', (t) => { t.bigIncrements('id'); t.text('body'); });\nexports.down = (knex) => knex.schema.dropTable('notes');\n");
        project.Git("add", "migrations/20250301000000_create_notes.js");
        var passed = await ChildProcess.RunAsync("pre-commit", ["run", "--verbose"], project.Root, environment);
        Assert.True(passed.ExitCode == 0, passed.Stdout + passed.Stderr);
        Assert.True(passed.Stdout.Contains("migaudit: nothing to report in the staged changes (1 file; the whole project was read)", StringComparison.Ordinal), passed.Stdout);
    }
}
