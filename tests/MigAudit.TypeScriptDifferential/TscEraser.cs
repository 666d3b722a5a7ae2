using System.Diagnostics;
using System.Text.Json;

namespace MigAudit.TypeScriptDifferential;

/// <summary>One parse error the real TypeScript parser reported (1-based line and column).</summary>
public sealed record TscDiagnostic(int Line, int Column, string Message);

/// <summary>
/// What the real TypeScript compiler made of one file (tests/node/ts-erase.js): <see cref="Accepted"/> when its parser
/// reported no error, and <see cref="Output"/>, the JavaScript <c>ts.transpileModule</c> emits. <see cref="Error"/> is
/// set instead when the file could not be read.
/// </summary>
public sealed record TscResult(string Path, bool Accepted, IReadOnlyList<TscDiagnostic> Diagnostics, string Output, string? Error);

/// <summary>Runs tests/node/ts-erase.js (the real <c>typescript</c> package) over many files in one node process.</summary>
public static class TscEraser
{
    /// <summary>Whether <paramref name="nodeDirectory"/> (tests/node) has the typescript package installed.</summary>
    public static bool IsInstalled(string nodeDirectory) =>
        File.Exists(System.IO.Path.Combine(nodeDirectory, "node_modules", "typescript", "package.json"));

    /// <summary>
    /// Finds tests/node above <paramref name="start"/> (the repository's, wherever the caller runs from), or null.
    /// </summary>
    public static string? FindNodeDirectory(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            var candidate = System.IO.Path.Combine(directory.FullName, "tests", "node");
            if (File.Exists(System.IO.Path.Combine(candidate, "ts-erase.js")))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The compiler's answer for every file (absolute paths), keyed by path. Throws when node fails.</summary>
    public static IReadOnlyDictionary<string, TscResult> Erase(string nodeDirectory, IEnumerable<string> files)
    {
        var list = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"migaudit-ts-erase-{Guid.NewGuid():n}.txt");
        File.WriteAllLines(list, files);
        try
        {
            var start = new ProcessStartInfo("node")
            {
                WorkingDirectory = nodeDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(System.IO.Path.Combine(nodeDirectory, "ts-erase.js"));
            start.ArgumentList.Add(list);
            using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
            var stderr = process.StandardError.ReadToEndAsync();
            var results = new Dictionary<string, TscResult>(StringComparer.Ordinal);
            while (process.StandardOutput.ReadLine() is { } line)
            {
                var result = Read(line);
                results[result.Path] = result;
            }

            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"ts-erase.js failed ({process.ExitCode}): {stderr.Result}");
            }

            return results;
        }
        finally
        {
            File.Delete(list);
        }
    }

    private static TscResult Read(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var path = root.GetProperty("path").GetString()!;
        if (root.TryGetProperty("error", out var error))
        {
            return new TscResult(path, false, [], "", error.GetString());
        }

        var diagnostics = root.GetProperty("diagnostics").EnumerateArray()
            .Select(d => new TscDiagnostic(d.GetProperty("line").GetInt32(), d.GetProperty("column").GetInt32(), d.GetProperty("message").GetString()!))
            .ToList();
        return new TscResult(path, root.GetProperty("accepted").GetBoolean(), diagnostics, root.GetProperty("output").GetString()!, null);
    }
}
