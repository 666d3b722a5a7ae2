using MigAudit.IO;
using System.Text.Json;
using Acornima.Ast;
using MigAudit.Core;
using MigAudit.Knex.JavaScript;
using MigAudit.Knex.Schema;

namespace MigAudit.Knex.Discovery;

/// <summary>
/// Finds the Knex configuration of a project without running it: a knexfile, else calls to
/// <c>knex.migrate.latest({...})</c> in the code, else a conventional migrations folder.
/// </summary>
public static partial class ProjectDiscovery
{
    public const string DefaultEnvironment = "production";

    /// <summary>How the note naming the knexfiles not audited begins: an audit of every migration set drops it.</summary>
    public const string SeveralKnexfilesNote = "several knexfiles found; ";

    private static readonly string[] KnexfileNames = ["knexfile.js", "knexfile.cjs", "knexfile.mjs", "knexfile.ts"];

    private static readonly string[] ConfigKeys = ["client", "connection", "migrations", "pool", "useNullAsDefault", "seeds"];

    /// <param name="cache">Parsed files shared with the rest of the audit, so the knexfile and its modules are parsed once.</param>
    public static KnexProject Discover(string root, DiscoveryOptions options, ParsedModuleCache? cache = null)
    {
        root = Path.GetFullPath(root);
        if (!Directory.Exists(root))
        {
            throw new ProjectException($"'{root}' is not a directory");
        }

        var notes = new List<string>();
        cache ??= new ParsedModuleCache();
        var evaluator = new StaticEvaluator(root, environment: null, cache);

        string? knexfilePath;
        var otherKnexfiles = new List<string>();

        // The project's own knex command (a package.json script): its --knexfile, --env and --migrations-directory
        // are what Knex uses, unless the command line of migaudit says otherwise.
        // Its --env is weighed when the environment is chosen: production, which migaudit audits, wins when the knexfile has it.
        var script = options.Script is { } chosen ? chosen.Command : DeployKnexCommands.Prefer(root, KnexScript.Find(root));
        var fromOption = options.MigrationDirectories.Count > 0;
        var fromScript = false;
        // Knex's working directory: --cwd (or "cd dir &&"), else the package folder npm runs scripts in.
        var scriptDirectory = script?.WorkingDirectory is { } cwd ? Path.GetFullPath(Path.Combine(root, cwd)) : root;
        if (options.MigrationDirectories.Count == 0 && script?.MigrationsDirectory is { } scriptMigrations)
        {
            fromScript = true;
            // Knex resolves it from its working directory: the knexfile's folder when --knexfile is given, else the package's.
            var baseDirectory = script.Knexfile is { } scriptKnexfile ? Path.GetDirectoryName(Path.GetFullPath(Path.Combine(scriptDirectory, scriptKnexfile)))! : scriptDirectory;
            options = options with { MigrationDirectories = [Path.GetFullPath(Path.Combine(baseDirectory, scriptMigrations))] };
            notes.Add($"migrations directory {Quoting.Printable(scriptMigrations)} is the one the '{Quoting.Printable(script.Name)}' script in {Quoting.Printable(script.PackageJson)} passes to knex (--migrations-directory)");
        }
        if (options.Knexfile is not null)
        {
            knexfilePath = Path.GetFullPath(Path.IsPathRooted(options.Knexfile) ? options.Knexfile : Path.Combine(root, options.Knexfile));
            if (!File.Exists(knexfilePath))
            {
                throw new ProjectException($"knexfile '{options.Knexfile}' does not exist");
            }
        }
        else if (script?.Knexfile is { } named && File.Exists(Path.GetFullPath(Path.Combine(scriptDirectory, named))))
        {
            // npm runs scripts in the package folder (or the script's --cwd), where the path is resolved.
            knexfilePath = Path.GetFullPath(Path.Combine(scriptDirectory, named));
            notes.Add($"knexfile {ProjectFiles.Relative(root, knexfilePath)} is the one the '{Quoting.Printable(script.Name)}' script in {Quoting.Printable(script.PackageJson)} passes to knex (--knexfile)");
        }
        else if (script?.Knexfile is { } built && CompiledKnexfile.Resolve(root, scriptDirectory, built) is { } compiled)
        {
            // --knexfile ./dist/config/knexfile.js: the build output knex loads in production, read through its source.
            knexfilePath = compiled.Source;
            if (compiled.Build is { } build)
            {
                evaluator.RunCompiled(build);
            }

            notes.Add(compiled.Describe(root, built, script.Name, script.PackageJson));
        }
        else if (script?.WorkingDirectory is not null && FindUpKnexfile(root, scriptDirectory) is { } foundUp)
        {
            knexfilePath = foundUp;
            notes.Add($"knexfile {ProjectFiles.Relative(root, knexfilePath)} is the one knex finds from the folder the '{Quoting.Printable(script.Name)}' script in {Quoting.Printable(script.PackageJson)} runs it in ({Quoting.Printable(script.WorkingDirectory)})");
        }
        else
        {
            var candidates = KnexfileCandidates(root);
            // Several knexfiles: the one the application's own code loads (and runs migrations with) is the one in use.
            if (candidates.Count > 1 && KnexfileTheAppLoads(root, candidates) is { } loaded)
            {
                candidates.Remove(loaded.Knexfile);
                candidates.Insert(0, loaded.Knexfile);
                notes.Add($"knexfile {ProjectFiles.Relative(root, loaded.Knexfile)} is the one {loaded.By} loads");
            }

            knexfilePath = candidates.FirstOrDefault() ?? ExampleKnexfile(root, notes);
            otherKnexfiles.AddRange(candidates.Skip(1).Select(p => ProjectFiles.Relative(root, p)));
            if (otherKnexfiles.Count > 0)
            {
                notes.Add($"{SeveralKnexfilesNote}auditing {ProjectFiles.Relative(root, knexfilePath!)} (others: {string.Join(", ", otherKnexfiles)}); choose one with --knexfile");
            }
        }

        KnexfileInfo? knexfile = null;
        string? environment = null;
        SettingChoice? environmentChoice = null;
        SettingChoice? folderChoice = null;
        MigrationSettings? settings = null;
        var sourceProblems = new List<SourceProblem>();
        var unknowns = new List<ReadinessUnknown>();
        JsObject? environmentConfig = null;
        KnexfileGaveUp? gaveUp = null;
        if (knexfilePath is not null)
        {
            var before = (notes.Count, sourceProblems.Count, unknowns.Count);
            var read = ReadKnexfile(root, knexfilePath, options, script, evaluator, cache, notes, sourceProblems, unknowns);
            read = CompiledRunInstead(root, knexfilePath, read, options, script, cache, notes, sourceProblems, unknowns, before);
            if (read.GaveUp is null && options.Knexfile is null && !fromScript && otherKnexfiles.Count > 0 &&
                OwnKnexfileInstead(root, read, otherKnexfiles, options, script, evaluator, cache, notes) is { } own)
            {
                knexfilePath = Path.Combine(root, own.Info.Path);
                otherKnexfiles.Remove(own.Info.Path);
                otherKnexfiles.Insert(0, read.Info.Path);
                read = own;
            }

            (knexfile, environment, environmentChoice, settings, environmentConfig, gaveUp) = read;
            knexfile = knexfile with { Example = IsExampleKnexfile(knexfilePath) };
            folderChoice = read.FolderChoice;
        }
        else if (options.Environment is not null)
        {
            notes.Add($"--env {options.Environment} ignored: no knexfile found");
        }

        if (gaveUp is not null)
        {
            // Static evaluation gave up on the knexfile (or a module it requires): audit the folder --migrations names,
            // else the one Knex would use by default, else the folders of migration-shaped files, and say which.
            if (gaveUp.NodeFailsToo)
            {
                // require() of the knexfile fails (or, on a FIFO, blocks) in Node as well: no knex command gets as far as a migration.
                sourceProblems.Add(new SourceProblem(gaveUp.File, gaveUp.Line, $"{Quoting.Printable(gaveUp.File)}{(gaveUp.Line is { } at ? ":" + at : string.Empty)} {Quoting.Printable(gaveUp.Reason)}: Node cannot load it either, so every knex command (migrate:latest included) fails before reading a migration", KnexFails: true, Key: "knexfile-load"));
            }
            else
            {
                unknowns.Add(new ReadinessUnknown($"migaudit could not evaluate {Quoting.Printable(gaveUp.File)}: {Quoting.Printable(gaveUp.Reason)}; the environment's migration settings (folder, table, loadExtensions, migrationSource) are not known", gaveUp.File, gaveUp.Line));
            }

            environmentChoice ??= new SettingChoice(ChoiceSource.Default, Quoting.Printable(gaveUp.Reason));
            if (options.MigrationDirectories.Count == 0)
            {
                (settings, folderChoice) = Fallback(root, knexfilePath!, gaveUp, notes, unknowns);
            }
        }

        if (options.MigrationDirectories.Count > 0)
        {
            var directories = options.MigrationDirectories
                .Select(d => ProjectFiles.Relative(root, Path.GetFullPath(Path.IsPathRooted(d) ? d : Path.Combine(root, d))))
                .ToList();
            foreach (var directory in directories.Where(d => !Directory.Exists(Path.Combine(root, d))))
            {
                throw new ProjectException($"migration directory '{directory}' does not exist");
            }

            // Knex's own --migrations-directory (a package.json script) sets migrations.directory, which makes Knex drop
            // a custom migrationSource for its folder listing. migaudit's --migrations only names the folders: a custom
            // source the app uses keeps its filter, sort and recorded names.
            settings ??= knexfilePath is null ? FromMigrateCalls(root, evaluator, notes, null) : null;
            var custom = fromScript ? null : settings?.CustomSource?.WithFolders(directories);
            if (custom is not null)
            {
                notes.Add($"--migrations {string.Join(", ", directories)}: the folders the custom migrationSource {Quoting.Printable(custom.Expression)} reads; its filter, sort and recorded names still apply");
            }

            settings = (settings ?? new MigrationSettings { Directories = directories, Source = ConfigSource.CommandLine }) with
            {
                Directories = directories,
                Source = ConfigSource.CommandLine,
                CustomSource = custom,
            };
            folderChoice = fromScript
                ? new SettingChoice(ChoiceSource.Script, $"from the '{Quoting.Printable(script!.Name)}' script in {Quoting.Printable(script!.PackageJson)} (--migrations-directory {Quoting.Printable(script.MigrationsDirectory!)})")
                : new SettingChoice(ChoiceSource.Option, fromOption ? "--migrations" : "migrations in .migauditrc.json");
        }

        if (settings is null && knexfilePath is null && FromMigrateCalls(root, evaluator, notes, unknowns) is { } fromCall)
        {
            settings = fromCall;
            folderChoice = fromCall.Source == ConfigSource.Convention
                ? new SettingChoice(ChoiceSource.MigrationShaped, $"the folders whose files look like migrations, because the migrations config of the migrate call in {fromCall.SourceFile}:{fromCall.SourceLine} cannot be followed")
                : new SettingChoice(ChoiceSource.MigrateCall, $"the migrate call in {fromCall.SourceFile}:{fromCall.SourceLine}");
        }

        if (settings is null && knexfilePath is null && FromConvention(root, notes) is { } conventional)
        {
            settings = conventional;
            folderChoice = new SettingChoice(ChoiceSource.Convention, $"no knexfile and no migrate call: the folder {conventional.Directories[0]}, by its name");
            unknowns.Add(new ReadinessUnknown($"no knexfile and no knex.migrate call: migaudit assumed the folder {Quoting.Printable(conventional.Directories[0])} holds the migrations production runs, by its name (name it with --migrations DIR)", null, null));
        }

        if (settings is null)
        {
            throw gaveUp is not null
                ? new ProjectException(NoMigrationsMessage(root, knexfilePath!, gaveUp, cache))
                : new ProjectException($"no Knex project found in '{root}': no knexfile, no knex.migrate.latest() call and no migrations folder (use --migrations DIR)");
        }

        if (settings.Source != ConfigSource.CommandLine)
        {
            settings = CompiledSources(root, settings, notes);
        }

        // A require cycle that throws is found in statements before any top-level throw or loop (its walk stops at
        // them), so it is what Node hits first.
        if (knexfilePath is not null && cache.File(Path.GetFullPath(knexfilePath)).Program is { } knexfileProgram &&
            (KnexfileLoad.CheckRequireCycles(root, knexfilePath, cache) ?? KnexfileLoad.Check(knexfileProgram, ProjectFiles.Relative(root, knexfilePath))) is { } loadProblem)
        {
            sourceProblems.Add(loadProblem);
        }

        if (settings.CustomSource is { Known: false } unknownSource)
        {
            sourceProblems.Add(new SourceProblem(unknownSource.File ?? settings.SourceFile, unknownSource.File is null ? settings.SourceLine : unknownSource.Line,
                $"the custom migrationSource ({Quoting.Printable(unknownSource.Expression)}) decides which migrations Knex runs and in what order, and migaudit cannot follow all of it: {Quoting.Printable(string.Join("; ", unknownSource.Unknowns))}", KnexFails: false, Key: "migration-source"));
        }

        var client = environmentConfig?.Get("client") ?? environmentConfig?.Get("dialect");
        if (client is not null && client.Line == 0)
        {
            client = client with { Line = environmentConfig!.Line };
        }

        // searchPath: 'crm' or ['crm', 'public']: unqualified table names live in the first schema.
        var defaultSchema = environmentConfig?.Get("searchPath") switch
        {
            JsString path => path.Value,
            JsArray { Items: [JsString first, ..] } => first.Value,
            _ => "public",
        };
        var transform = IdentifierTransformOf(environmentConfig, knexfilePath is null ? null : cache.File(Path.GetFullPath(knexfilePath)).Text, cache);
        if (transform == IdentifierTransform.Unknown)
        {
            notes.Add($"{knexfile?.Path}: wrapIdentifier renames identifiers in a way migaudit does not model; the real names may differ from the replayed ones");
        }

        var packageDirectory = knexfilePath is null ? root : NearestPackageDirectory(root, Path.GetDirectoryName(Path.GetFullPath(knexfilePath))!);
        var dialect = DialectDetection.Detect(client, knexfile?.Path ?? "knexfile", packageDirectory, gaveUp is null ? null : $"{gaveUp.File} could not be evaluated", options.Client, notes);
        return new KnexProject
        {
            Root = root,
            Dialect = dialect,
            DefaultSchema = defaultSchema,
            IdentifierTransform = transform,
            Knexfile = knexfile,
            Environment = environment,
            Settings = settings,
            SourceProblems = sourceProblems,
            OtherKnexfiles = otherKnexfiles,
            Notes = notes,
            Unknowns = unknowns,
            FolderChoice = folderChoice ?? new SettingChoice(ChoiceSource.Knexfile, knexfile?.Path ?? "the knexfile"),
            EnvironmentChoice = environmentChoice,
            KnexExtendedBy = KnexExtensions.Reason(packageDirectory, knexfilePath is null ? null : cache.File(Path.GetFullPath(knexfilePath)).Text, knexfile?.Path),
        };
    }

    /// <summary>
    /// The project's knexfiles, the application's likeliest first: source before build output, the application's
    /// before a test fixture's, an example's or vendored code's (however shallow), then the shallowest.
    /// </summary>
    public static List<string> KnexfileCandidates(string root) =>
        ProjectFiles.EnumerateFiles(root, name => KnexfileNames.Contains(name))
            .OrderBy(path => IsInBuildOutput(root, path))
            .ThenBy(path => ProjectFiles.IsInSideDirectory(ProjectFiles.Relative(root, path)))
            .ThenBy(path => ProjectFiles.Relative(root, path).Count(c => c == '/'))
            .ThenBy(path => Array.IndexOf(KnexfileNames, Path.GetFileName(path)))
            .ThenBy(path => path, StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// A TypeScript project whose knexfile points at its build output (./dist/migrations), which is not in the
    /// repository: Knex in production runs the compiled .js files, made from the sources beside it (src/migrations or
    /// migrations). Those sources are audited instead, and the report says so; Knex records the compiled names (.js).
    /// </summary>
    private static MigrationSettings CompiledSources(string root, MigrationSettings settings, List<string> notes)
    {
        var directories = new List<string>();
        var replaced = false;
        foreach (var directory in settings.Directories)
        {
            var parts = directory.Split('/');
            var build = Array.FindIndex(parts, ProjectFiles.BuildOutputDirectories.Contains);
            if (Directory.Exists(Path.Combine(root, directory)) || build < 0)
            {
                directories.Add(directory);
                continue;
            }

            var candidates = new[]
            {
                string.Join('/', parts.Take(build).Append("src").Concat(parts.Skip(build + 1))),
                string.Join('/', parts.Take(build).Concat(parts.Skip(build + 1))),
            };
            var source = candidates.FirstOrDefault(c => c.Length > 0 && Directory.Exists(Path.Combine(root, c)) &&
                                                        Directory.EnumerateFiles(Path.Combine(root, c), "*.ts").Any());
            if (source is null)
            {
                directories.Add(directory);
                continue;
            }

            directories.Add(source);
            replaced = true;
            notes.Add($"the migration directory {Quoting.Printable(directory)} is build output, not in the repository: auditing its TypeScript sources in {Quoting.Printable(source)}; Knex records the compiled names (.js instead of .ts) in {settings.TableName}");
        }

        return replaced
            ? settings with { Directories = directories, LoadExtensions = settings.LoadExtensions.Contains(".ts") ? settings.LoadExtensions : [.. settings.LoadExtensions, ".ts"], RecordedExtension = ".js" }
            : settings;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?:require\s*\(\s*|\bfrom\s+|import\s*\(\s*)['""](?<specifier>\.[^'""]*knexfile[^'""]*)['""]")]
    private static partial System.Text.RegularExpressions.Regex KnexfileImport();

    /// <summary>
    /// The knexfile the application's code requires or imports, outside tests, examples and vendored code; one
    /// loaded by a file that also calls knex.migrate wins over one that is only read.
    /// </summary>
    private static (string Knexfile, string By)? KnexfileTheAppLoads(string root, List<string> candidates)
    {
        (string Knexfile, string By, bool Migrates)? best = null;
        foreach (var file in ProjectFiles.EnumerateFiles(root, name => ScriptExtensions.Contains(MigrationNames.Extension(name)) && !KnexfileNames.Contains(name)))
        {
            var relative = ProjectFiles.Relative(root, file);
            if (IsInBuildOutput(root, file) || ProjectFiles.IsInSideDirectory(relative))
            {
                continue;
            }

            var source = SourceReader.Read(file);
            if (source.Problem is not null || !source.Text.Contains("knexfile", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (System.Text.RegularExpressions.Match match in KnexfileImport().Matches(source.Text))
            {
                var resolved = StaticEvaluator.ResolveLocal(Path.GetDirectoryName(file)!, match.Groups["specifier"].Value);
                if (resolved is null || !candidates.Contains(resolved))
                {
                    continue;
                }

                var migrates = source.Text.Contains(".migrate.", StringComparison.Ordinal);
                if (best is null || (migrates && !best.Value.Migrates))
                {
                    best = (resolved, relative, migrates);
                }
            }
        }

        return best is { } found ? (found.Knexfile, found.By) : null;
    }

    /// <summary>
    /// wrapIdentifier as migaudit can name it: lodash's snakeCase inside it, or the knexfile spreading objection's
    /// knexSnakeCaseMappers() or knex-stringcase (snake_case by default) into its configuration.
    /// </summary>
    private static IdentifierTransform IdentifierTransformOf(JsObject? config, string? knexfileText, ParsedModuleCache cache)
    {
        if (config?.Get("wrapIdentifier") is JsFunction wrap)
        {
            // The function may be written in a module the knexfile requires: read it from its own file.
            var body = ((Node)wrap.Function).Range;
            var source = cache.File(wrap.File).Text;
            var text = body.End <= source.Length ? source[body.Start..body.End] : string.Empty;
            return text.Contains("snakeCase(", StringComparison.Ordinal) || text.Contains("snake_case(", StringComparison.Ordinal)
                ? IdentifierTransform.SnakeCase
                : IdentifierTransform.Unknown;
        }

        return knexfileText is not null && (knexfileText.Contains("knexSnakeCaseMappers(", StringComparison.Ordinal) || knexfileText.Contains("knex-stringcase", StringComparison.Ordinal))
            ? IdentifierTransform.SnakeCase
            : config?.Get("wrapIdentifier") is { } other and not JsUndefined and not JsNull ? IdentifierTransform.Unknown : IdentifierTransform.None;
    }

    /// <summary>The knex CLI without --knexfile: knexfile.{js,mjs,ts} in the working folder or its parents (escalade), within the project.</summary>
    private static string? FindUpKnexfile(string root, string directory)
    {
        for (var current = directory; current.StartsWith(root, StringComparison.Ordinal); current = Path.GetDirectoryName(current)!)
        {
            foreach (var name in new[] { "knexfile.js", "knexfile.mjs", "knexfile.ts" })
            {
                if (File.Exists(Path.Combine(current, name)))
                {
                    return Path.Combine(current, name);
                }
            }

            if (current == root)
            {
                break;
            }
        }

        return null;
    }

    public static bool IsInBuildOutput(string root, string path) =>
        ProjectFiles.Relative(root, path).Split('/').SkipLast(1).Any(ProjectFiles.BuildOutputDirectories.Contains);

    /// <summary>What reading the knexfile gave: its settings for the chosen environment, or why static evaluation gave up.</summary>
    private sealed record KnexfileRead(KnexfileInfo Info, string? Environment, SettingChoice? EnvironmentChoice, MigrationSettings? Settings, JsObject? Config, KnexfileGaveUp? GaveUp = null)
    {
        /// <summary>Where the folder came from: the knexfile, or Knex's default when its environments could not be read.</summary>
        public SettingChoice? FolderChoice { get; init; }
    }

    private static KnexfileRead ReadKnexfile(string root, string path, DiscoveryOptions options, KnexScript? script, StaticEvaluator evaluator, ParsedModuleCache cache, List<string> notes, List<SourceProblem> problems, List<ReadinessUnknown> unknowns)
    {
        var relative = ProjectFiles.Relative(root, path);
        var unevaluated = new KnexfileInfo { Path = relative };
        if (cache.File(Path.GetFullPath(path)).Problem is { } problem)
        {
            // A parse error reads "knexfile.js:3: cannot be parsed: ..."; an I/O problem already says "cannot be read: ...".
            return new KnexfileRead(unevaluated, options.Environment, null, null, null, new KnexfileGaveUp(relative, problem.Line, problem.Kind is ParseProblemKind.Unreadable or ParseProblemKind.TooLarge
                ? problem.Message
                : $"cannot be parsed: {problem.Message}", problem.KnexFailsToo));
        }

        // An ES knexfile's default export is its configuration; its named exports are not environments.
        var exported = evaluator.Load(path)?.DefaultExport(evaluator) ?? evaluator.EvaluateModuleExports(path);
        if (exported is JsFunction function)
        {
            exported = ReturnValueOf(function, evaluator, path);
        }

        var (indexed, indexedBy) = IndexedByEnvironment(exported, relative, notes);
        if (indexedBy is not null && options.Environment is { } requested && InnerEnvironments(indexed, requested, relative, indexedBy, notes) is { } inner)
        {
            indexed = inner;
        }

        var result = ReadExported(root, path, relative, indexed, options, script, evaluator, notes, problems, unknowns);
        return result with { Info = result.Info with { EnvironmentVariable = indexedBy } };
    }

    private static KnexfileRead ReadExported(string root, string path, string relative, StaticValue exported, DiscoveryOptions options, KnexScript? script, StaticEvaluator evaluator, List<string> notes, List<SourceProblem> problems, List<ReadinessUnknown> unknowns)
    {
        var unevaluated = new KnexfileInfo { Path = relative };
        if (exported is JsUnknown { Alternatives: { } alternatives } && alternatives.Any(a => a.Value is JsObject))
        {
            // const config = process.env.DATABASE_URL ? {...} : {...}: the whole export is chosen by a condition.
            return ReadAlternatives(relative, alternatives, exported, options.Client, notes, problems, unknowns,
                (alternative, branchNotes, branchProblems, branchUnknowns) => ReadExported(root, path, relative, alternative.Value, options, script, evaluator, branchNotes, branchProblems, branchUnknowns));
        }

        if (exported is not JsObject all)
        {
            return new KnexfileRead(unevaluated, options.Environment, null, null, null, new KnexfileGaveUp(relative, exported.Line > 0 ? exported.Line : null,
                $"its exported configuration cannot be read statically ({StaticValueText.Describe(exported)}{(exported is JsUnknown { Reason.Length: > 0 } why ? ": " + why.Reason : string.Empty)})"));
        }

        var entries = EnvironmentEntries(all);
        var single = ConfigKeys.Any(k => all.Get(k) is not null) && entries.Count == 0;
        var environments = single ? [] : entries.Count > 0 ? entries : all.Keys.ToList();
        var info = new KnexfileInfo { Path = relative, Environments = environments, SingleConfiguration = single };

        string? environment;
        SettingChoice? environmentChoice;
        JsObject config;
        if (single)
        {
            environment = null;
            environmentChoice = null;
            config = all;
            if (options.Environment is not null)
            {
                notes.Add($"{relative} has a single configuration without environments; --env {options.Environment} does not change it");
            }
        }
        else if (environments.Count == 0 && all.Incomplete)
        {
            // e.g. module.exports = { [env]: loadFileConfigs().postgres }: an environment whose name or content only
            // running the file would tell. Audit Knex's defaults (./migrations beside the knexfile) and say so; when
            // that folder holds no migration, the default is no account of the project: give up to the fallback.
            if (!HasMigrationFiles(Path.Combine(Path.GetDirectoryName(path)!, "migrations")))
            {
                return new KnexfileRead(info, null, new SettingChoice(ChoiceSource.Default, "its environments are built at run time (computed keys)"), null, null,
                    new KnexfileGaveUp(relative, all.Line > 0 ? all.Line : null, "builds its environments at run time (computed keys)"));
            }

            var reason = $"{Quoting.Printable(relative)} builds its environments at run time (computed keys); migaudit assumed Knex's default migration settings (directory ./migrations beside the knexfile, table knex_migrations): pass --migrations DIR if the configuration says otherwise";
            problems.Add(new SourceProblem(relative, all.Line, reason, KnexFails: false, Key: "environment-unknown", Blocking: false));
            unknowns.Add(new ReadinessUnknown($"{Quoting.Printable(relative)} builds its environments at run time (computed keys): the migrations folder and settings production uses are not known; migaudit assumed Knex's defaults", relative, all.Line));
            var assumed = ReadMigrationSettings(root, evaluator.RunningDirectory(path), null, ConfigSource.Knexfile, relative, notes, evaluator) with { SourceLine = all.Line };
            return new KnexfileRead(info, null, new SettingChoice(ChoiceSource.Default, "its environments are built at run time (computed keys)"), assumed, null)
            {
                FolderChoice = new SettingChoice(ChoiceSource.KnexDefault, $"Knex's default ./migrations beside {Quoting.Printable(relative)}, whose environments are built at run time"),
            };
        }
        else
        {
            (environment, environmentChoice) = ChooseEnvironment(relative, environments, options.Environment, script, notes);
            if (all.Get(environment) is JsUnknown { Alternatives: { } branches } chosenByCondition && branches.Any(a => a.Value is JsObject))
            {
                // production: config, with config assigned under if/else in a module the knexfile requires.
                var (environmentInfo, chosenEnvironment, chosenBy) = (info, environment, environmentChoice);
                return ReadAlternatives(relative, branches, chosenByCondition, options.Client, notes, problems, unknowns, (alternative, branchNotes, _, branchUnknowns) =>
                    alternative.Value is JsObject branch
                        ? ReadEnvironment(root, path, relative, environmentInfo, chosenEnvironment, chosenBy, branch, evaluator, branchNotes, branchUnknowns)
                        : new KnexfileRead(environmentInfo, chosenEnvironment, chosenBy, null, null, new KnexfileGaveUp(relative, alternative.Value.Line > 0 ? alternative.Value.Line : null,
                            $"environment '{Quoting.Printable(chosenEnvironment)}' cannot be read statically ({StaticValueText.Describe(alternative.Value)})")));
            }

            if (all.Get(environment) is not JsObject chosen)
            {
                var value = all.Get(environment) ?? StaticValue.Undefined;
                return new KnexfileRead(info, environment, environmentChoice, null, null, new KnexfileGaveUp(relative, value.Line > 0 ? value.Line : all.Line > 0 ? all.Line : null,
                    $"environment '{Quoting.Printable(environment)}' cannot be read statically ({StaticValueText.Describe(value)}{(value is JsUnknown { Reason.Length: > 0 } why ? ": " + why.Reason : string.Empty)})"));
            }

            config = chosen;
        }

        return ReadEnvironment(root, path, relative, info, environment, environmentChoice, config, evaluator, notes, unknowns);
    }

    /// <summary>The migration settings of one environment's configuration (or of a single configuration).</summary>
    private static KnexfileRead ReadEnvironment(string root, string path, string relative, KnexfileInfo info, string? environment, SettingChoice? environmentChoice, JsObject config, StaticEvaluator evaluator, List<string> notes, List<ReadinessUnknown> unknowns)
    {
        if (config.Get("migrations") is null && config.Incomplete)
        {
            // { ...createKnexConfig(args) } from a module migaudit does not follow: the spread may well carry the
            // migrations settings, so "no migrations key, Knex's default folder" would be a guess.
            var name = environment is null ? "its configuration" : $"environment '{Quoting.Printable(environment)}'";
            return new KnexfileRead(info, environment, environmentChoice, null, null,
                new KnexfileGaveUp(relative, config.Line > 0 ? config.Line : null, $"{name} spreads or merges a value migaudit cannot read, which may set its migrations"));
        }

        var settings = ReadMigrationSettings(root, evaluator.RunningDirectory(path), config.Get("migrations"), ConfigSource.Knexfile, relative, notes, evaluator, unknowns)
            with
        { SourceLine = (config.Get("migrations") ?? config).Line };
        var directoryKey = (config.Get("migrations") as JsObject)?.Get("directory") is { } and not JsUndefined;
        return new KnexfileRead(info, environment, environmentChoice, settings, config)
        {
            FolderChoice = new SettingChoice(ChoiceSource.Knexfile, $"{Quoting.Printable(relative)}{(environment is null ? string.Empty : $", environment '{Quoting.Printable(environment)}'")}{(directoryKey || settings.CustomSource is not null ? string.Empty : ", which sets no migrations.directory: Knex's default ./migrations beside it")}"),
        };
    }

    /// <summary>
    /// The environment to audit: --env, else production when the knexfile has it (migaudit audits production, whatever
    /// a script passes), else the one the project's migrate script passes, else the only one, else development.
    /// </summary>
    private static (string, SettingChoice) ChooseEnvironment(string knexfile, List<string> environments, string? requested, KnexScript? script, List<string> notes)
    {
        if (environments.Count == 0)
        {
            throw new ProjectException($"{knexfile} exports no environments");
        }

        if (requested is not null)
        {
            return environments.Contains(requested)
                ? (requested, new SettingChoice(ChoiceSource.Option, $"--env {requested}"))
                : throw new ProjectException($"environment '{requested}' is not in {knexfile} (it has: {string.Join(", ", environments)})");
        }

        if (environments.Contains(DefaultEnvironment))
        {
            if (script?.Environment is { } passed && passed != DefaultEnvironment)
            {
                notes.Add($"the '{Quoting.Printable(script.Name)}' script in {Quoting.Printable(script.PackageJson)} passes --env {Quoting.Printable(passed)} to knex; migaudit audits {DefaultEnvironment}, which {knexfile} has (choose with --env)");
            }

            return (DefaultEnvironment, new SettingChoice(ChoiceSource.Default, $"{DefaultEnvironment}, migaudit's default"));
        }

        if (script?.Environment is { } scriptEnvironment && environments.Contains(scriptEnvironment))
        {
            var reason = $"from the '{Quoting.Printable(script.Name)}' script in {Quoting.Printable(script.PackageJson)} (--env)";
            notes.Add($"environment '{Quoting.Printable(scriptEnvironment)}' is the one the '{Quoting.Printable(script.Name)}' script in {Quoting.Printable(script.PackageJson)} passes to knex (--env)");
            return (scriptEnvironment, new SettingChoice(ChoiceSource.Script, reason));
        }

        var fallback = environments.Count == 1 ? environments[0] : environments.Contains("development") ? "development" : environments[0];
        notes.Add($"{knexfile} has no '{DefaultEnvironment}' environment; auditing '{fallback}' (choose with --env)");
        return (fallback, new SettingChoice(ChoiceSource.Default, environments.Count == 1 ? "the knexfile's only environment" : $"no '{DefaultEnvironment}' environment: '{fallback}'"));
    }

    /// <summary>
    /// What Knex's CLI gets from a knexfile that exports a function: it calls it with no arguments and awaits the
    /// result (knex 3.1.0 bin/cli.js openKnexfile: <c>if (typeof config === 'function') config = await config()</c>).
    /// </summary>
    public static StaticValue ReturnValueOf(JsFunction function, StaticEvaluator evaluator, string file) =>
        evaluator.Call(function, [], $"the function {Path.GetFileName(file)} exports");

    /// <param name="unknowns">Where a folder migaudit had to assume is recorded (null: the caller does not audit readiness from it).</param>
    public static MigrationSettings ReadMigrationSettings(string root, string baseDirectory, StaticValue? migrations, ConfigSource source, string sourceFile, List<string> notes, StaticEvaluator evaluator, List<ReadinessUnknown>? unknowns = null)
    {
        var config = migrations as JsObject;
        if (migrations is JsUnknown unknown)
        {
            notes.Add($"{sourceFile}: migrations settings cannot be read statically ({unknown.Expression}); using Knex's defaults");
            unknowns?.Add(new ReadinessUnknown($"the migrations settings cannot be read statically ({Quoting.Printable(unknown.Expression)}): migaudit assumed Knex's defaults (./migrations, table knex_migrations)", sourceFile, unknown.Line > 0 ? unknown.Line : null));
        }

        var directories = new List<string>();
        switch (config?.Get("directory"))
        {
            case null or JsUndefined:
                directories.Add("./migrations");
                break;
            case JsString directory:
                directories.Add(directory.Value);
                break;
            case JsArray array:
                foreach (var item in array.Items)
                {
                    if (item is JsString s)
                    {
                        directories.Add(s.Value);
                    }
                    else
                    {
                        notes.Add($"{sourceFile}: a migrations directory cannot be read statically ({StaticValueText.Describe(item)}); it is not audited");
                        unknowns?.Add(new ReadinessUnknown($"a migrations directory cannot be read statically ({Quoting.Printable(StaticValueText.Describe(item))}): its migrations are not audited", sourceFile, item.Line > 0 ? item.Line : null));
                    }
                }

                break;
            case var other:
                notes.Add($"{sourceFile}: migrations.directory cannot be read statically ({StaticValueText.Describe(other)}); using ./migrations");
                unknowns?.Add(new ReadinessUnknown($"migrations.directory cannot be read statically ({Quoting.Printable(StaticValueText.Describe(other))}): migaudit assumed ./migrations", sourceFile, other.Line > 0 ? other.Line : null));
                directories.Add("./migrations");
                break;
        }

        var (loadExtensions, unreadExtensions) = ReadLoadExtensions(config?.Get("loadExtensions"), sourceFile, notes);

        CustomMigrationSource? customSource = null;
        if (config?.Get("migrationSource") is { } migrationSource and not JsUndefined and not JsNull)
        {
            var fsOptionGiven = config.Get("directory") is { } d and not JsUndefined || config.Get("sortDirsSeparately") is { } s and not JsUndefined || config.Get("loadExtensions") is { } l and not JsUndefined;
            if (fsOptionGiven)
            {
                notes.Add($"{sourceFile}: migrationSource is set together with directory/sortDirsSeparately/loadExtensions; Knex warns and uses the directory listing");
            }
            else
            {
                customSource = CustomSourceReader.Read(migrationSource, migrationSource is JsUnknown unfollowed ? unfollowed.Expression : StaticValueText.Describe(migrationSource), evaluator, root);
                if (customSource.Known)
                {
                    notes.Add($"{sourceFile}: the custom migrationSource {Quoting.Printable(customSource.Expression)} ({customSource.File}:{customSource.Line}) was followed: it reads {string.Join(", ", customSource.Folders)}, keeps {customSource.FilterText ?? "every file"}, orders by {customSource.OrderText}, and Knex records {(customSource.NameForm == RecordedNameForm.WithoutExtension ? "the names without their extension" : "the file names")}");
                }
            }
        }

        string? assumedTable = null;

        // { ...unknown, directory } or Object.assign({ tableName }, unknown, { directory }): the unknown part may set the table.
        if (config?.Lookup("tableName") is JsUnknown unknownTable)
        {
            assumedTable = unknownTable.Alternatives is [{ Assumptions.Count: 0, Value: JsString fallback }] ? fallback.Value : MigrationSettings.DefaultTableName;
            notes.Add($"{sourceFile}: migrations.tableName cannot be read statically ({unknownTable.Reason}); using {assumedTable}");
            unknowns?.Add(new ReadinessUnknown($"migrations.tableName cannot be read statically ({Quoting.Printable(unknownTable.Reason)}): migaudit assumed {Quoting.Printable(assumedTable)}", sourceFile, unknownTable.Line > 0 ? unknownTable.Line : config.Line > 0 ? config.Line : null));
        }

        return new MigrationSettings
        {
            Directories = customSource is not null
                ? customSource.Folders
                : directories.Select(d => ProjectFiles.Relative(root, Path.GetFullPath(Path.IsPathRooted(d) ? d : Path.Combine(baseDirectory, d)))).Distinct().ToList(),
            LoadExtensions = loadExtensions,
            UnreadLoadExtensions = unreadExtensions,
            TableName = config?.Get("tableName") is JsString table ? table.Value : assumedTable ?? MigrationSettings.DefaultTableName,
            SchemaName = config?.Get("schemaName") is JsString schema ? schema.Value : null,
            SortDirsSeparately = config?.Get("sortDirsSeparately") is JsBoolean { Value: true },
            DisableMigrationsListValidation = config?.Get("disableMigrationsListValidation") is JsBoolean { Value: true },
            DisableTransactions = config?.Get("disableTransactions") is JsBoolean { Value: true },
            CustomSource = customSource,
            Source = source,
            SourceFile = sourceFile,
        };
    }

    private static readonly string[] ScriptExtensions = [".js", ".cjs", ".mjs", ".ts"];

    /// <summary>The folder of the package.json nearest above <paramref name="directory"/>, within the project; else <paramref name="outside"/> (the root by default).</summary>
    public static string NearestPackageDirectory(string root, string directory, string? outside = null)
    {
        for (var current = directory; current.StartsWith(root, StringComparison.Ordinal); current = Path.GetDirectoryName(current)!)
        {
            if (File.Exists(Path.Combine(current, "package.json")))
            {
                return current;
            }

            if (current == root)
            {
                break;
            }
        }

        return outside ?? root;
    }

    private static MigrationSettings? FromConvention(string root, List<string> notes)
    {
        var candidate = ProjectFiles.EnumerateFiles(root, name => MigrationSettings.DefaultLoadExtensions.Contains(MigrationNames.Extension(name)))
            .Select(Path.GetDirectoryName)
            .Where(d => Path.GetFileName(d) == "migrations")
            .Distinct()
            .OrderBy(d => d!.Count(c => c == '/'))
            .FirstOrDefault();
        if (candidate is null)
        {
            return null;
        }

        var relative = ProjectFiles.Relative(root, candidate);
        notes.Add($"no knexfile and no migrate call found: auditing the folder {relative} by convention (set it with --migrations)");
        return new MigrationSettings { Directories = [relative], Source = ConfigSource.Convention };
    }
}
