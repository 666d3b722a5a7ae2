using MigAudit.IO;

namespace MigAudit.Knex.Discovery;

/// <summary>
/// The knex command production runs when it is not a package.json script: <c>knex migrate:latest</c> in a shell script
/// that a Dockerfile, a docker-compose file or a package.json script starts (<c>command: ["./scripts/migrate.sh"]</c>),
/// or in a Dockerfile's RUN, CMD or ENTRYPOINT. Its --knexfile, --env and --migrations-directory are read as a
/// package.json script's are. Files for development, tests, CI or local use (by their path: docker-compose.dev.yml,
/// docker/local/, test.sh) are not how production migrates and are never read, and nothing is run.
/// </summary>
public static class DeployKnexCommands
{
    private static readonly string[] SideWords = ["test", "spec", "e2e", "dev", "local", "ci", "seed", "make", "fixture", "mock", "example", "demo", "devcontainer"];

    private const int MaxFileSize = 256 * 1024;

    /// <summary>
    /// The package.json script when it runs migrate:latest (the project's own migrate command); otherwise a deploy
    /// file's migrate:latest, which is what production runs; otherwise the package.json script (another knex command,
    /// or the knexfile a scaffolding command names).
    /// </summary>
    public static KnexScript? Prefer(string root, KnexScript? fromPackageJson) =>
        fromPackageJson is { RunsLatest: true } ? fromPackageJson : Find(Path.GetFullPath(root)) ?? fromPackageJson;

    public static KnexScript? Find(string root)
    {
        var files = ProjectFiles.EnumerateFiles(root, name => IsDockerfile(name) || IsComposeFile(name) || name == "package.json" || name.EndsWith(".sh", StringComparison.Ordinal), maxDepth: 6)
            .Where(path => !IsSidePath(ProjectFiles.Relative(root, path)) && !ProjectDiscovery.IsInBuildOutput(root, path))
            .OrderBy(path => ProjectFiles.Relative(root, path).Count(c => c == '/'))
            .ThenBy(path => path, StringComparer.Ordinal)
            .ToList();
        var starters = files.Where(path => !path.EndsWith(".sh", StringComparison.Ordinal)).Select(path => (Path: path, Text: StartingText(path))).ToList();
        foreach (var dockerfile in starters.Where(s => IsDockerfile(Path.GetFileName(s.Path))))
        {
            if (FirstMigrate(root, dockerfile.Path, DockerfileCommands(dockerfile.Text)) is { } found)
            {
                return found;
            }
        }

        foreach (var script in files.Where(path => path.EndsWith(".sh", StringComparison.Ordinal)))
        {
            var name = Path.GetFileName(script);
            if (starters.Any(s => s.Text.Contains(name, StringComparison.Ordinal)) && Read(script) is { } text &&
                FirstMigrate(root, script, ShellScriptReader.Read(text)) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private static bool IsDockerfile(string name) =>
        name == "Dockerfile" || name.StartsWith("Dockerfile.", StringComparison.Ordinal) || name.EndsWith(".Dockerfile", StringComparison.Ordinal) || name.EndsWith(".dockerfile", StringComparison.Ordinal);

    private static bool IsComposeFile(string name) =>
        (name.StartsWith("docker-compose", StringComparison.Ordinal) || name.StartsWith("compose", StringComparison.Ordinal)) &&
        (name.EndsWith(".yml", StringComparison.Ordinal) || name.EndsWith(".yaml", StringComparison.Ordinal));

    /// <summary>A path (folder or file name) for development, tests, CI or local use: docker/local/, docker-compose.dev.yml, scripts/test-db.sh.</summary>
    private static bool IsSidePath(string relative) =>
        ProjectFiles.IsInSideDirectory(relative) ||
        relative.Split(['/', '.', '-', '_'], StringSplitOptions.RemoveEmptyEntries).Any(part => SideWords.Any(word => part.Equals(word, StringComparison.OrdinalIgnoreCase) || (word.Length > 3 && part.StartsWith(word, StringComparison.OrdinalIgnoreCase))));

    /// <summary>The text that can start a shell script: a Dockerfile or compose file whole, a package.json's non-side scripts.</summary>
    private static string StartingText(string path)
    {
        if (Path.GetFileName(path) != "package.json")
        {
            return Read(path) ?? string.Empty;
        }

        if (PackageJson.Read(Path.GetDirectoryName(path)!)?.Section("scripts") is not { } scripts)
        {
            return string.Empty;
        }

        return string.Join('\n', scripts.EnumerateObject()
            .Where(s => s.Value.ValueKind == System.Text.Json.JsonValueKind.String && !KnexScript.IsSideScript(s.Name))
            .Select(s => s.Value.GetString()));
    }

    private static string? Read(string path)
    {
        try
        {
            return new FileInfo(path).Length > MaxFileSize ? null : SafeRead.Text(path);
        }
        catch (UnreadableFileException)
        {
            return null;
        }
    }

    /// <summary>RUN, CMD and ENTRYPOINT instructions (shell form, or exec form as a JSON array), read as shell commands.</summary>
    private static List<ShellScriptReader.Command> DockerfileCommands(string text)
    {
        var commands = new List<ShellScriptReader.Command>();
        var shell = new System.Text.StringBuilder();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var start = i;
            var instruction = lines[i].Trim();
            while (instruction.EndsWith('\\') && i + 1 < lines.Length)
            {
                instruction = instruction[..^1] + " " + lines[++i].Trim();
            }

            var keyword = instruction.Split(' ', 2)[0].ToUpperInvariant();
            if (keyword is not ("RUN" or "CMD" or "ENTRYPOINT") || instruction.Length <= keyword.Length)
            {
                continue;
            }

            var body = instruction[keyword.Length..].Trim();
            if (body.StartsWith('['))
            {
                try
                {
                    using var array = System.Text.Json.JsonDocument.Parse(body);
                    if (array.RootElement.ValueKind != System.Text.Json.JsonValueKind.Array)
                    {
                        continue;
                    }

                    body = string.Join(' ', array.RootElement.EnumerateArray().Select(e => e.ValueKind == System.Text.Json.JsonValueKind.String ? e.GetString() : e.GetRawText()));
                }
                catch (System.Text.Json.JsonException)
                {
                    continue;
                }
            }

            // One statement per instruction, on the instruction's first line (ShellScriptReader numbers from 1).
            shell.Clear().Append('\n', start).Append(body.Replace("\n", " ", StringComparison.Ordinal));
            commands.AddRange(ShellScriptReader.Read(shell.ToString()));
        }

        return commands;
    }

    /// <summary>The first knex migrate:latest among the commands, as a script: its folder is the nearest package.json's (where npm, pnpm and npx run knex from), else the file's own.</summary>
    private static KnexScript? FirstMigrate(string root, string file, List<ShellScriptReader.Command> commands)
    {
        foreach (var command in commands)
        {
            var words = command.Words.ToList();
            if (!words.Contains("migrate:latest") || !words.Any(w => w == "knex" || w.EndsWith("knex/bin/cli.js", StringComparison.Ordinal)))
            {
                continue;
            }

            var knexfile = KnexScript.Flag(words, "--knexfile");
            var environment = KnexScript.Flag(words, "--env");
            var directory = KnexScript.Flag(words, "--migrations-directory");
            var cwd = KnexScript.Flag(words, "--cwd");
            if (new[] { knexfile, environment, directory, cwd }.Any(value => value?.Contains('$', StringComparison.Ordinal) == true))
            {
                // A value only the environment knows ("--knexfile $KNEXFILE"): not a fact to audit from.
                continue;
            }

            var folder = PackageFolder(root, Path.GetDirectoryName(file)!);
            if (knexfile is not null && !Resolves(root, folder, knexfile) && Resolves(root, Path.GetDirectoryName(file)!, knexfile))
            {
                folder = Path.GetDirectoryName(file)!;
            }

            if (cwd is not null)
            {
                folder = Path.GetFullPath(Path.Combine(folder, cwd));
            }

            var relativeFolder = ProjectFiles.Relative(root, folder);
            return new KnexScript("knex migrate:latest", knexfile, environment, directory, relativeFolder == "." ? null : relativeFolder)
            {
                PackageJson = $"{ProjectFiles.Relative(root, file)}:{command.Line}",
                RunsLatest = true,
            };
        }

        return null;
    }

    private static bool Resolves(string root, string folder, string knexfile) =>
        File.Exists(Path.Combine(folder, knexfile)) || CompiledKnexfile.Resolve(root, folder, knexfile) is not null;

    private static string PackageFolder(string root, string directory) => ProjectDiscovery.NearestPackageDirectory(root, directory, outside: directory);
}
