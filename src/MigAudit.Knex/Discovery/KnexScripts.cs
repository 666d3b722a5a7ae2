using System.Text.Json;

namespace MigAudit.Knex.Discovery;

/// <summary>
/// How a package.json script runs the knex CLI: the knexfile, environment and migrations directory it passes
/// (--knexfile, --env, --migrations-directory, with a space or '='), and the folder it runs in (--cwd, or a
/// "cd server &amp;&amp;" before it). Read, never run. A script that runs migrate:latest wins over other knex scripts, as
/// it is the project's own migrate command. Scripts for tests, local development, seeds and scaffolding
/// (migrate:make, seed:*, names with test, dev, local, seed...) are not how production migrates and are never read.
/// </summary>
/// <param name="WorkingDirectory">Relative to the package folder; Knex resolves a relative --knexfile from it, and
/// without --knexfile looks for a knexfile there and in its parents.</param>
public sealed record KnexScript(string Name, string? Knexfile, string? Environment, string? MigrationsDirectory, string? WorkingDirectory = null)
{
    /// <summary>The package.json the script is in, relative to the project ("package.json", "packages/db/package.json").</summary>
    public string PackageJson { get; init; } = "package.json";

    /// <summary>Whether the command is knex migrate:latest, the project's own migrate command.</summary>
    public bool RunsLatest { get; init; }

    public static KnexScript? Find(string root) =>
        // migrate:latest first (the project's own migrate command), then other knex commands, then the knexfile a
        // scaffolding command names; the first package in depth order within each.
        Ranked(root).OrderBy(f => f.Rank).Select(f => f.Script).FirstOrDefault();

    /// <summary>
    /// Every knex migrate:latest command of the project's scripts, in the order <see cref="Find"/> weighs them: a
    /// workspace whose packages each migrate their own database ("migration:run": "knex migrate:latest --env default
    /// &amp;&amp; knex migrate:latest --env secure") runs several migration sets.
    /// </summary>
    public static IReadOnlyList<KnexScript> FindMigrateCommands(string root) =>
        Ranked(root).Where(f => f.Rank == 0).Select(f => f.Script).ToList();

    private static List<(KnexScript Script, int Rank)> Ranked(string root)
    {
        // The root package's scripts first; in a workspace whose root runs no knex command, the packages' own
        // ("packages/database": "knex migrate:latest --knexfile knexfile.mjs"), run by npm in their folders.
        var found = ScriptsOf(root, string.Empty);
        if (found.Count == 0)
        {
            foreach (var packageJson in ProjectFiles.EnumerateFiles(root, name => name == "package.json", maxDepth: 4)
                         .Select(path => ProjectFiles.Relative(root, path))
                         .Where(relative => relative.Contains('/', StringComparison.Ordinal) && !ProjectFiles.IsInSideDirectory(relative) && !ProjectDiscovery.IsInBuildOutput(root, Path.Combine(root, relative)))
                         .OrderBy(relative => relative.Count(c => c == '/'))
                         .ThenBy(relative => relative, StringComparer.Ordinal))
            {
                found.AddRange(ScriptsOf(Path.Combine(root, Path.GetDirectoryName(packageJson)!), Path.GetDirectoryName(packageJson)!.Replace('\\', '/')));
            }
        }

        return found;
    }

    /// <summary>The knex commands of one package.json's scripts, with their folder relative to the project.</summary>
    private static List<(KnexScript Script, int Rank)> ScriptsOf(string packageFolder, string prefix)
    {
        var found = new List<(KnexScript Script, int Rank)>();
        var packageJsonPath = prefix.Length == 0 ? "package.json" : prefix + "/package.json";
        if (Discovery.PackageJson.Read(packageFolder) is not { } package || package.Section("scripts") is not { } scripts)
        {
            return found;
        }

        foreach (var script in scripts.EnumerateObject().Where(s => s.Value.ValueKind == JsonValueKind.String && !IsSideScript(s.Name)))
        {
            // "knex migrate:latest --env production && node server.js": each command of the line on its own.
            string? changedDirectory = null;
            foreach (var command in NpmScriptVariables.Expand(script.Value.GetString()!, package).Split(["&&", "||", ";"], StringSplitOptions.None))
            {
                var words = command.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim('"', '\'')).ToList();
                if (words is ["cd", var directory])
                {
                    changedDirectory = changedDirectory is null ? directory : Path.Join(changedDirectory, directory);
                    continue;
                }

                if (!words.Any(w => w == "knex" || w.EndsWith("knex/bin/cli.js", StringComparison.Ordinal)))
                {
                    continue;
                }

                var cwd = Flag(words, "--cwd") is { } flag ? (changedDirectory is null ? flag : Path.Join(changedDirectory, flag)) : changedDirectory;
                var folder = prefix.Length == 0 ? cwd : cwd is null ? prefix : Path.Join(prefix, cwd);

                // knex migrate:make writes a new file and seed:* fill a database: neither runs the migrations, and their
                // --migrations-directory or --env (often a test folder, a local database) says nothing of production.
                // Their --knexfile is still the project's knexfile ("db:migrate:create": "knex --knexfile
                // ./src/database/config.ts migrate:make"), the weakest evidence of which file that is.
                if (words.Any(w => w is "migrate:make" or "init" || w.StartsWith("seed:", StringComparison.Ordinal)))
                {
                    if (Flag(words, "--knexfile") is { } scaffolded)
                    {
                        found.Add((new KnexScript(script.Name, scaffolded, null, null, folder) { PackageJson = packageJsonPath }, 2));
                    }

                    continue;
                }

                var parsed = new KnexScript(script.Name, Flag(words, "--knexfile"), Flag(words, "--env"), Flag(words, "--migrations-directory"), folder) { PackageJson = packageJsonPath, RunsLatest = words.Contains("migrate:latest") };
                if (parsed.Knexfile is not null || parsed.Environment is not null || parsed.MigrationsDirectory is not null || parsed.WorkingDirectory is not null)
                {
                    found.Add((parsed, words.Contains("migrate:latest") ? 0 : 1));
                }
            }
        }

        return found;
    }

    private static readonly string[] SideScriptWords = ["test", "spec", "e2e", "dev", "local", "seed", "make", "fixture", "mock", "example", "demo"];

    /// <summary>A script named for tests, local development, seeds or scaffolding ("migrate:make:test", "db:seed", "test:migrate"): not production's.</summary>
    public static bool IsSideScript(string name) =>
        name.Split([':', '-', '_', '.', ' '], StringSplitOptions.RemoveEmptyEntries)
            .Any(part => SideScriptWords.Any(word => part.StartsWith(word, StringComparison.OrdinalIgnoreCase)));

    internal static string? Flag(List<string> words, string flag)
    {
        for (var i = 0; i < words.Count; i++)
        {
            if (words[i] == flag && i + 1 < words.Count && !words[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                return words[i + 1];
            }

            if (words[i].StartsWith(flag + "=", StringComparison.Ordinal))
            {
                return words[i][(flag.Length + 1)..];
            }
        }

        return null;
    }
}
