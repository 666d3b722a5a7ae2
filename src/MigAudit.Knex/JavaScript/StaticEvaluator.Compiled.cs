namespace MigAudit.Knex.JavaScript;

/// <summary>
/// Modules read from their TypeScript source but run compiled: <c>tsc</c> writes <c>config/knexfile.ts</c> to
/// <c>dist/config/knexfile.js</c> (tsconfig outDir/rootDir), and Node gives the compiled file its own folder as
/// <c>__dirname</c>. A knexfile that builds its migrations folder from <c>__dirname</c> then names the build output's
/// folder (dist/migrations), not the source's.
/// </summary>
public sealed partial class StaticEvaluator
{
    private TsBuild? compiledBy;

    /// <summary>From now on, TypeScript modules under the build's source root are read as its output runs them.</summary>
    public void RunCompiled(TsBuild build) => compiledBy = build;

    /// <summary>The file Node runs for a module: its build output when it is read as compiled, else the file itself.</summary>
    public string RunningFile(string file) =>
        compiledBy?.CompiledPathOf(file) ?? file;

    /// <summary>The folder Node gives a module as __dirname (and the knex CLI as its working folder when it is the knexfile).</summary>
    public string RunningDirectory(string file) => Path.GetDirectoryName(RunningFile(Path.GetFullPath(file)))!;
}

/// <summary>
/// A tsc build: sources below <paramref name="SourceRoot"/> (rootDir, else the folder the sources are in) written to
/// <paramref name="OutDir"/> with the emitted extension (.ts to .js, .mts to .mjs, .cts to .cjs; .d.ts emit nothing).
/// </summary>
public sealed record TsBuild(string SourceRoot, string OutDir, string TsConfigFile)
{
    private static readonly Dictionary<string, string> Emitted = new(StringComparer.Ordinal) { [".ts"] = ".js", [".mts"] = ".mjs", [".cts"] = ".cjs" };

    /// <summary>The extension tsc writes for a source extension (.ts to .js, .mts to .mjs, .cts to .cjs); null for any other.</summary>
    public static string? EmittedExtension(string sourceExtension) => Emitted.GetValueOrDefault(sourceExtension);

    public string? CompiledPathOf(string source)
    {
        var extension = Path.GetExtension(source);
        if (!Emitted.TryGetValue(extension, out var emitted) || source.EndsWith(".d" + extension, StringComparison.Ordinal) ||
            !source.StartsWith(SourceRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal) ||
            source.StartsWith(OutDir + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return null;
        }

        return Path.Combine(OutDir, Path.ChangeExtension(source[(SourceRoot.Length + 1)..], emitted));
    }

    /// <summary>
    /// The build that writes a compiled file (dist/config/knexfile.js) and the TypeScript source it is written from, when
    /// that source is in the repository: the nearest tsconfig.json's outDir, mapped back through rootDir (else the
    /// tsconfig's folder or its src folder).
    /// </summary>
    public static (TsBuild Build, string Source)? Writing(string root, string compiled)
    {
        var sourceExtension = Path.GetExtension(compiled) switch { ".js" => ".ts", ".mjs" => ".mts", ".cjs" => ".cts", _ => null };
        if (sourceExtension is null || TsConfig.Nearest(root, Path.GetDirectoryName(compiled)!) is not { OutDir: { } written } tsconfig)
        {
            return null;
        }

        // "outDir": "./dist/" reads as a folder with a trailing separator.
        var outDir = Path.TrimEndingDirectorySeparator(written);
        if (!compiled.StartsWith(outDir + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return null;
        }

        var inside = compiled[(outDir.Length + 1)..];
        foreach (var source in tsconfig.SourcesOf(compiled).Select(s => Path.ChangeExtension(s, sourceExtension)).Where(File.Exists))
        {
            var sourceRoot = source[..^(Path.ChangeExtension(inside, sourceExtension).Length + 1)];
            return (new TsBuild(sourceRoot, outDir, tsconfig.File), source);
        }

        return null;
    }
}
