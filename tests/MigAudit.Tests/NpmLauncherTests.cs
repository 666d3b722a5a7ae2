using System.Text.Json;
using System.Text.Json.Nodes;
using MigAudit.Tests.Support;

namespace MigAudit.Tests;

/// <summary>
/// The npm launcher's choice of binary (npm/migaudit/bin/migaudit.js, run in real Node by tests/node/launcher-choice.js)
/// for every platform it supports, with process.platform, process.arch and Node's report given: the packages for musl
/// Linux and win32-arm64 are built only on their own CI runners, so here the choice is what can be tested.
/// </summary>
public sealed class NpmLauncherTests
{
    private static readonly string[] Keys =
        ["linux-x64", "linux-arm64", "linux-x64-musl", "linux-arm64-musl", "darwin-x64", "darwin-arm64", "win32-x64", "win32-arm64"];

    /// <summary>(platform, arch, glibc version in Node's report or null on musl) -> the key of the binary to run.</summary>
    private static readonly (string Platform, string Arch, string? Glibc, string Key)[] Platforms =
    [
        ("linux", "x64", "2.36", "linux-x64"),
        ("linux", "arm64", "2.39", "linux-arm64"),
        ("linux", "x64", null, "linux-x64-musl"),
        ("linux", "arm64", null, "linux-arm64-musl"),
        ("darwin", "x64", null, "darwin-x64"),
        ("darwin", "arm64", null, "darwin-arm64"),
        ("win32", "x64", null, "win32-x64"),
        ("win32", "arm64", null, "win32-arm64"),
    ];

    [SkippableFact]
    public void Each_platform_runs_its_own_binary_from_the_platform_package_npm_installed()
    {
        Requires.Dependency(NodeKnex.ScriptsDirectory is not null, "node and tests/node");

        // npm installs the matching @migaudit package; npm before 10.4 ignores "libc" and installs both Linux ones,
        // and the launcher must still pick the one for this C library.
        var cases = Platforms.Select(p => Case(p.Platform, p.Arch, p.Glibc, installed: p.Platform == "linux" ? [p.Key.Replace("-musl", ""), p.Key.Replace("-musl", "") + "-musl"] : [p.Key]));
        var expected = Platforms.Select(p => $"/project/node_modules/@migaudit/{p.Key}/bin/{(p.Platform == "win32" ? "migaudit.exe" : "migaudit")} ({p.Key})");
        Assert.Equal(expected, Choose(cases));
    }

    [SkippableFact]
    public void The_self_contained_package_runs_the_binary_it_carries_first()
    {
        Requires.Dependency(NodeKnex.ScriptsDirectory is not null, "node and tests/node");
        var cases = Platforms.Select(p => Case(p.Platform, p.Arch, p.Glibc, bundled: [p.Key], installed: [p.Key]));
        var expected = Platforms.Select(p => $"native/{p.Key}/{(p.Platform == "win32" ? "migaudit.exe" : "migaudit")} ({p.Key})");
        Assert.Equal(expected, Choose(cases));
    }

    [SkippableFact]
    public void A_missing_or_unsupported_binary_is_an_error_that_says_what_to_do()
    {
        Requires.Dependency(NodeKnex.ScriptsDirectory is not null, "node and tests/node");
        JsonObject[] cases =
        [
            // A glibc binary does not run on musl (Alpine): the glibc package alone is not enough.
            Case("linux", "x64", null, installed: ["linux-x64"]),
            // A package built on a glibc machine, installed on Alpine.
            Case("linux", "x64", null, bundled: ["linux-x64"]),
            Case("freebsd", "x64", null),
            Case("linux", "ia32", "2.36"),
        ];
        Assert.Equal(
        [
            "error: the package @migaudit/linux-x64-musl, which holds migaudit's binary for this platform, is not installed. npm skips it when optional dependencies are turned off (--omit=optional, --no-optional) or when the lockfile was made on another platform: reinstall with optional dependencies, e.g. 'npm install --save-dev migaudit'",
            "error: this migaudit package was built for linux-x64 only (its native/ folder), and this machine is linux-x64-musl: build the package here (bash scripts/build-npm.sh in migaudit's repository) and install its artifacts/npm/local/migaudit-<version>-linux-x64-musl.tgz",
            $"error: migaudit has no native binary for freebsd-x64; supported: {string.Join(", ", Keys)}. Use the .NET tool instead: dotnet tool install -g migaudit",
            $"error: migaudit has no native binary for linux-ia32; supported: {string.Join(", ", Keys)}. Use the .NET tool instead: dotnet tool install -g migaudit",
        ], Choose(cases));
    }

    [SkippableFact]
    public void MIGAUDIT_BINARY_wins_over_every_package()
    {
        Requires.Dependency(NodeKnex.ScriptsDirectory is not null, "node and tests/node");
        var chosen = Case("linux", "x64", "2.36", bundled: ["linux-x64"], installed: ["linux-x64"]);
        chosen["env"] = new JsonObject { ["MIGAUDIT_BINARY"] = "/opt/migaudit/migaudit" };
        var unsupported = Case("freebsd", "x64", null);
        unsupported["env"] = new JsonObject { ["MIGAUDIT_BINARY"] = "/usr/local/bin/migaudit" };
        Assert.Equal(["/opt/migaudit/migaudit ()", "/usr/local/bin/migaudit ()"], Choose([chosen, unsupported]));
    }

    [SkippableFact]
    public void On_this_machine_Node_s_real_report_gives_the_key_npm_installs_here()
    {
        Requires.Dependency(NodeKnex.ScriptsDirectory is not null, "node and tests/node");
        var answer = NodeKnex.RunJson<List<JsonObject>>("launcher-choice.js", new JsonArray(new JsonObject { ["real"] = true }));
        // The tests run on glibc Linux, macOS or Windows; on Alpine this would be linux-x64-musl.
        Assert.Equal(NpmPackages.PlatformKey, Assert.Single(answer)["key"]!.GetValue<string>());
    }

    [Fact]
    public void The_launcher_package_names_a_platform_package_for_every_key_it_supports()
    {
        var root = Path.Combine(NodeKnex.ScriptsDirectory!, "..", "..", "npm", "migaudit");
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "package.json")));
        var optional = manifest.RootElement.GetProperty("optionalDependencies").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(Keys.Select(k => "@migaudit/" + k).Order(StringComparer.Ordinal), optional.Order(StringComparer.Ordinal));

        // scripts/build-npm.sh maps each .NET runtime identifier to one of these keys.
        var script = File.ReadAllText(Path.Combine(NodeKnex.ScriptsDirectory!, "..", "..", "scripts", "build-npm.sh"));
        foreach (var rid in new[] { "linux-x64", "linux-arm64", "linux-musl-x64", "linux-musl-arm64", "osx-x64", "osx-arm64", "win-x64", "win-arm64" })
        {
            Assert.Contains($"\n  {rid}) os=", script);
        }
    }

    private static JsonObject Case(string platform, string arch, string? glibc, string[]? bundled = null, string[]? installed = null) => new()
    {
        ["platform"] = platform,
        ["arch"] = arch,
        ["glibc"] = glibc,
        ["bundled"] = new JsonArray((bundled ?? []).Select(k => (JsonNode)k).ToArray()),
        ["installed"] = new JsonArray((installed ?? []).Select(k => (JsonNode)k).ToArray()),
    };

    /// <summary>Each answer as "binary (key)" or "error: message".</summary>
    private static List<string> Choose(IEnumerable<JsonObject> cases) =>
        NodeKnex.RunJson<List<JsonObject>>("launcher-choice.js", new JsonArray(cases.ToArray()))
            .Select(a => a["error"] is { } error ? "error: " + error.GetValue<string>() : $"{a["binary"]!.GetValue<string>()} ({a["key"]?.GetValue<string>()})")
            .ToList();
}
