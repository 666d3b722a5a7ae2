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
    public static KnexScript? Find(string root)
    {
        if (PackageJson.Read(root)?.Section("scripts") is not { } scripts)
        {
            return null;
        }

        var found = new List<(KnexScript Script, bool Latest)>();
        foreach (var script in scripts.EnumerateObject().Where(s => s.Value.ValueKind == JsonValueKind.String && !IsSideScript(s.Name)))
        {
            // "knex migrate:latest --env production && node server.js": each command of the line on its own.
            string? changedDirectory = null;
            foreach (var command in script.Value.GetString()!.Split(["&&", "||", ";"], StringSplitOptions.None))
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

                // knex migrate:make writes a new file and seed:* fill a database: neither runs the migrations, and their
                // --migrations-directory or --env (often a test folder, a local database) says nothing of production.
                if (words.Any(w => w is "migrate:make" or "init" || w.StartsWith("seed:", StringComparison.Ordinal)))
                {
                    continue;
                }

                var cwd = Flag(words, "--cwd") is { } flag ? (changedDirectory is null ? flag : Path.Join(changedDirectory, flag)) : changedDirectory;
                var parsed = new KnexScript(script.Name, Flag(words, "--knexfile"), Flag(words, "--env"), Flag(words, "--migrations-directory"), cwd);
                if (parsed.Knexfile is not null || parsed.Environment is not null || parsed.MigrationsDirectory is not null || parsed.WorkingDirectory is not null)
                {
                    found.Add((parsed, words.Contains("migrate:latest")));
                }
            }
        }

        return found.OrderByDescending(f => f.Latest).Select(f => f.Script).FirstOrDefault();
    }

    private static readonly string[] SideScriptWords = ["test", "spec", "e2e", "dev", "local", "seed", "make", "fixture", "mock", "example", "demo"];

    /// <summary>A script named for tests, local development, seeds or scaffolding ("migrate:make:test", "db:seed", "test:migrate"): not production's.</summary>
    public static bool IsSideScript(string name) =>
        name.Split([':', '-', '_', '.', ' '], StringSplitOptions.RemoveEmptyEntries)
            .Any(part => SideScriptWords.Any(word => part.StartsWith(word, StringComparison.OrdinalIgnoreCase)));

    private static string? Flag(List<string> words, string flag)
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
