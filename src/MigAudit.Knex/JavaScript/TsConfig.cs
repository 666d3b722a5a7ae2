using System.Text.Json;

namespace MigAudit.Knex.JavaScript;

/// <summary>
/// What a tsconfig.json says about where modules are (compilerOptions outDir, rootDir, baseUrl, paths), following
/// a relative <c>extends</c> chain as TypeScript does: a setting of the extending file wins, and a path in a
/// file is relative to that file's folder. An <c>extends</c> of a package (@tsconfig/node18) is not followed.
/// </summary>
public sealed record TsConfig(string File, string? OutDir, string? RootDir, string? BaseUrl, IReadOnlyList<(string Pattern, IReadOnlyList<string> Targets)> Paths, string PathsBase)
{
    private const int MaxExtends = 8;

    /// <summary>The nearest tsconfig.json from a folder up to <paramref name="root"/> (inclusive), read; null when there is none or it is unreadable.</summary>
    public static TsConfig? Nearest(string root, string directory)
    {
        for (var current = directory; current.StartsWith(root, StringComparison.Ordinal); current = Path.GetDirectoryName(current)!)
        {
            var candidate = Path.Combine(current, "tsconfig.json");
            if (System.IO.File.Exists(candidate))
            {
                return Read(candidate);
            }

            if (current == root)
            {
                break;
            }
        }

        return null;
    }

    public static TsConfig? Read(string file)
    {
        string? outDir = null, rootDir = null, baseUrl = null, pathsBase = null;
        List<(string, IReadOnlyList<string>)>? paths = null;
        var current = file;
        for (var hop = 0; hop < MaxExtends && current is not null && System.IO.File.Exists(current); hop++)
        {
            JsonElement options;
            string? extends;
            try
            {
                using var document = JsonDocument.Parse(System.IO.File.ReadAllText(current), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
                var rootElement = document.RootElement;
                if (rootElement.ValueKind != JsonValueKind.Object)
                {
                    return null;
                }

                options = rootElement.TryGetProperty("compilerOptions", out var o) && o.ValueKind == JsonValueKind.Object ? o.Clone() : default;
                extends = rootElement.TryGetProperty("extends", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            }
            catch (Exception error) when (error is JsonException or IOException or UnauthorizedAccessException)
            {
                return hop == 0 ? null : new TsConfig(file, outDir, rootDir, baseUrl, paths ?? [], pathsBase ?? Path.GetDirectoryName(file)!);
            }

            var folder = Path.GetDirectoryName(current)!;
            string? PathOption(string name) =>
                options.ValueKind == JsonValueKind.Object && options.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? Path.GetFullPath(Path.Combine(folder, v.GetString()!)) : null;
            outDir ??= PathOption("outDir");
            rootDir ??= PathOption("rootDir");
            baseUrl ??= PathOption("baseUrl");
            if (paths is null && options.ValueKind == JsonValueKind.Object && options.TryGetProperty("paths", out var map) && map.ValueKind == JsonValueKind.Object)
            {
                paths = map.EnumerateObject()
                    .Select(p => (p.Name, (IReadOnlyList<string>)(p.Value.ValueKind == JsonValueKind.Array ? p.Value.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!).ToList() : [])))
                    .ToList();

                // Without baseUrl, paths are relative to the tsconfig that declares them (TypeScript 4.1+).
                pathsBase = folder;
            }

            current = extends is not null && extends.StartsWith('.') ? ResolveExtends(folder, extends) : null;
        }

        return new TsConfig(file, outDir, rootDir, baseUrl, paths ?? [], baseUrl ?? pathsBase ?? Path.GetDirectoryName(file)!);
    }

    private static string ResolveExtends(string folder, string extends)
    {
        var full = Path.GetFullPath(Path.Combine(folder, extends));
        return System.IO.File.Exists(full) || full.EndsWith(".json", StringComparison.Ordinal) ? full : full + ".json";
    }

    /// <summary>The files a path alias stands for (@/db/config with "@/*": ["./src/*"]), in the order TypeScript tries them.</summary>
    public IEnumerable<string> AliasTargets(string specifier)
    {
        foreach (var (pattern, targets) in Paths)
        {
            var star = pattern.IndexOf('*', StringComparison.Ordinal);
            string? captured = star < 0
                ? (pattern == specifier ? string.Empty : null)
                : specifier.Length >= pattern.Length - 1 && specifier.StartsWith(pattern[..star], StringComparison.Ordinal) && specifier.EndsWith(pattern[(star + 1)..], StringComparison.Ordinal)
                    ? specifier[star..(specifier.Length - (pattern.Length - star - 1))]
                    : null;
            if (captured is null)
            {
                continue;
            }

            foreach (var target in targets)
            {
                yield return Path.GetFullPath(Path.Combine(PathsBase, target.Replace("*", captured, StringComparison.Ordinal)));
            }
        }
    }

    /// <summary>
    /// A file of the build output (outDir) mapped back to where its source is (rootDir, else the tsconfig's folder
    /// or its src folder, the usual roots when rootDir is not set); null when the path is not in the outDir.
    /// </summary>
    public IEnumerable<string> SourcesOf(string compiled)
    {
        if (OutDir is null || !compiled.StartsWith(OutDir + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            yield break;
        }

        var inside = compiled[(OutDir.Length + 1)..];
        var folder = Path.GetDirectoryName(File)!;
        foreach (var sourceRoot in RootDir is not null ? [RootDir] : new[] { folder, Path.Combine(folder, "src") })
        {
            yield return Path.Combine(sourceRoot, inside);
        }
    }
}
