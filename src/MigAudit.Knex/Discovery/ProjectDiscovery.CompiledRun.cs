using MigAudit.Core;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Knex.Discovery;

/// <summary>
/// A TypeScript knexfile that only works compiled: its folder comes from __dirname and its loadExtensions (['.js'])
/// keep none of the .ts files there, so run from its source Knex finds no migration, while tsc's build of it
/// (dist/config/knexfile.js) runs the compiled ones in dist/migrations. Without a knex command that says which one
/// production runs, the compiled set is audited and the choice is an unknown at the knexfile's migrations setting.
/// </summary>
public static partial class ProjectDiscovery
{
    private static KnexfileRead CompiledRunInstead(string root, string knexfilePath, KnexfileRead read, DiscoveryOptions options, KnexScript? script, ParsedModuleCache cache,
        List<string> notes, List<SourceProblem> problems, List<ReadinessUnknown> unknowns, (int Notes, int Problems, int Unknowns) before)
    {
        if (read is not { GaveUp: null, Settings: { CustomSource: null } settings } || options.MigrationDirectories.Count > 0 ||
            Path.GetExtension(knexfilePath) is not (".ts" or ".mts" or ".cts") ||
            TsConfig.Nearest(root, Path.GetDirectoryName(knexfilePath)!) is not { OutDir: { } outDir } tsconfig)
        {
            return read;
        }

        var folders = settings.Directories.Select(d => Path.Combine(root, d)).Where(Directory.Exists).ToList();
        var typeScript = folders.SelectMany(f => Directory.EnumerateFiles(f, "*.ts")).Where(f => !f.EndsWith(".d.ts", StringComparison.Ordinal)).ToList();
        if (typeScript.Count == 0 || folders.Any(f => Directory.EnumerateFiles(f).Any(file => settings.LoadExtensions.Contains(MigrationNames.Extension(Path.GetFileName(file))))))
        {
            return read;
        }

        var build = new TsBuild(Path.TrimEndingDirectorySeparator(tsconfig.RootDir ?? Path.GetDirectoryName(tsconfig.File)!), Path.TrimEndingDirectorySeparator(outDir), tsconfig.File);
        if (build.CompiledPathOf(Path.GetFullPath(knexfilePath)) is not { } compiled)
        {
            return read;
        }

        var evaluator = new StaticEvaluator(root, environment: null, cache);
        evaluator.RunCompiled(build);
        List<string> compiledNotes = [];
        List<SourceProblem> compiledProblems = [];
        List<ReadinessUnknown> compiledUnknowns = [];
        var asBuilt = ReadKnexfile(root, knexfilePath, options, script, evaluator, cache, compiledNotes, compiledProblems, compiledUnknowns);
        if (asBuilt is not { GaveUp: null, Settings: { } builtSettings } || builtSettings.Directories.SequenceEqual(settings.Directories))
        {
            return read;
        }

        notes.RemoveRange(before.Notes, notes.Count - before.Notes);
        problems.RemoveRange(before.Problems, problems.Count - before.Problems);
        unknowns.RemoveRange(before.Unknowns, unknowns.Count - before.Unknowns);
        notes.AddRange(compiledNotes);
        problems.AddRange(compiledProblems);
        unknowns.AddRange(compiledUnknowns);
        var relative = ProjectFiles.Relative(root, knexfilePath);
        var line = settings.SourceLine > 0 ? settings.SourceLine : (int?)null;
        unknowns.Add(new ReadinessUnknown(
            $"run from its source, {Quoting.Printable(relative)} runs none of the {typeScript.Count} .ts files in {Quoting.Printable(string.Join(", ", settings.Directories))} (loadExtensions {string.Join(", ", settings.LoadExtensions)}); " +
            $"compiled by {Quoting.Printable(ProjectFiles.Relative(root, tsconfig.File))} to {Quoting.Printable(ProjectFiles.Relative(root, compiled))} it runs {Quoting.Printable(string.Join(", ", builtSettings.Directories))}, whose sources migaudit audits; no knex command in the project says which one production runs",
            relative, line));
        return asBuilt;
    }
}
