using MigAudit.Core;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Knex.Discovery;

/// <summary>
/// A knex command whose --knexfile is build output that is not in the repository (<c>--knexfile ./dist/database/config.js</c>,
/// or <c>./dist/config/knexfile.ts</c>, a name tsc never writes). knex 3.1.0 bin/cli.js loads the file when it exists, else
/// looks for <c>knexfile.{js,mjs,coffee,ts,eg,ls}</c> from the named file's folder up (<c>findUpConfig(cwd, 'knexfile', ...)</c>,
/// with <c>cwd = path.dirname(path.resolve(argv.knexfile))</c>). In the built application that finds the knexfile tsc
/// wrote: the one read here is its TypeScript source, with the build's __dirname.
/// </summary>
/// <param name="Source">The knexfile to read: the TypeScript source of the compiled one, or a knexfile in the repository the search reaches.</param>
/// <param name="Compiled">The file knex loads at run time.</param>
/// <param name="Build">The tsc build that writes <paramref name="Compiled"/>; null when knex reaches a knexfile of the repository.</param>
public sealed record CompiledKnexfile(string Source, string Compiled, TsBuild? Build, bool FoundUp)
{
    private static readonly string[] FindUpExtensions = ["js", "mjs", "coffee", "ts", "eg", "ls"];

    /// <summary>What knex loads for a --knexfile <paramref name="named"/> in build output absent from the repository; null otherwise.</summary>
    public static CompiledKnexfile? Resolve(string root, string workingDirectory, string named)
    {
        var full = Path.GetFullPath(Path.Combine(workingDirectory, named));
        if (File.Exists(full) || !ProjectDiscovery.IsInBuildOutput(root, full))
        {
            return null;
        }

        if (TsBuild.Writing(root, full) is { } direct)
        {
            return new CompiledKnexfile(direct.Source, full, direct.Build, FoundUp: false);
        }

        for (var directory = Path.GetDirectoryName(full)!; directory.StartsWith(root, StringComparison.Ordinal); directory = Path.GetDirectoryName(directory)!)
        {
            foreach (var candidate in FindUpExtensions.Select(extension => Path.Combine(directory, "knexfile." + extension)))
            {
                if (File.Exists(candidate))
                {
                    return new CompiledKnexfile(candidate, candidate, null, FoundUp: true);
                }

                if (TsBuild.Writing(root, candidate) is { } written)
                {
                    return new CompiledKnexfile(written.Source, candidate, written.Build, FoundUp: true);
                }
            }

            if (directory == root)
            {
                break;
            }
        }

        return null;
    }

    /// <summary>The report's note: which file knex loads, why, and what is read for it.</summary>
    public string Describe(string root, string named, string command, string where)
    {
        var compiled = ProjectFiles.Relative(root, Compiled);
        var loads = FoundUp
            ? $"{Quoting.Printable(named)} is not a file the build writes, so knex loads the knexfile it finds from that folder up, {Quoting.Printable(compiled)}"
            : $"knex loads {Quoting.Printable(compiled)}";
        return Build is null
            ? $"the '{Quoting.Printable(command)}' command in {Quoting.Printable(where)} passes --knexfile {loads}"
            : $"the '{Quoting.Printable(command)}' command in {Quoting.Printable(where)} passes --knexfile {Quoting.Printable(named)}: {loads}, which tsc writes from {Quoting.Printable(ProjectFiles.Relative(root, Source))} ({Quoting.Printable(ProjectFiles.Relative(root, Build.TsConfigFile))} outDir): migaudit reads that source as the build runs it (its __dirname is {Quoting.Printable(ProjectFiles.Relative(root, Path.GetDirectoryName(Compiled)!))})";
    }
}
