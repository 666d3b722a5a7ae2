using System.Collections.Concurrent;
using System.Text.Json;
using Acornima.Ast;
using MigAudit.Core;
using MigAudit.Knex.Discovery;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Knex.Migrations;

/// <summary>
/// How Node loads a module Knex imports, and whether it rejects the module's syntax there. Knex 3.1's
/// lib/migrations/util/import-file.js import()s a file ending in .mjs, or any file but .cjs whose nearest package.json
/// says "type": "module" (get-package-type); it require()s the rest. Node then reads .mjs as ESM, .cjs as CommonJS, and
/// .js by that same "type". TypeScript and other compiled extensions go through loaders (ts-node, tsx) that decide on
/// their own: they are not judged here.
/// </summary>
public sealed class NodeModuleLoading(string root)
{
    /// <summary>The CommonJS wrapper's variables: undefined in an ES module, where a read throws a ReferenceError.</summary>
    private static readonly HashSet<string> CommonJsGlobals = ["require", "exports", "module", "__dirname", "__filename"];

    private readonly ConcurrentDictionary<string, PackageScope> scopes = new(StringComparer.Ordinal);
    private readonly Lazy<(RequireEsmSupport Support, string Evidence)> nodeVersions = new(() => NodeVersions.RequireEsm(root));
    private readonly ConcurrentDictionary<string, string?> loaders = new(StringComparer.Ordinal);

    /// <summary>The nearest package.json at or above a folder, within the project: its path and "type" (null when absent).</summary>
    private sealed record PackageScope(string? PackageJson, string? Type, bool Readable);

    public ModuleLoadProblem? Check(ParsedFile parsed, string fullPath)
    {
        if (parsed.Program is not { } program || parsed.Language != "js")
        {
            return null;
        }

        var extension = Path.GetExtension(fullPath);
        if (extension == ".mjs")
        {
            return EsModuleProblem(program, "its extension is .mjs");
        }

        if (extension == ".cjs")
        {
            return CommonJsProblem(program, "its extension is .cjs", requireEsm: false, packageJson: null);
        }

        if (extension != ".js")
        {
            return null;
        }

        var scope = ScopeOf(Path.GetDirectoryName(fullPath)!);
        if (!scope.Readable)
        {
            // Node refuses a malformed package.json while get-package-type skips it: what happens is not this check's to say.
            return null;
        }

        var package = scope.PackageJson is null ? null : Quoting.Printable(ProjectFiles.Relative(root, scope.PackageJson));
        return scope.Type switch
        {
            "module" => EsModuleProblem(program, $"it ends in .js and {package} has \"type\": \"module\""),
            "commonjs" => CommonJsProblem(program, $"it ends in .js and {package} has \"type\": \"commonjs\"", requireEsm: false, scope.PackageJson),
            _ => CommonJsProblem(program, package is null ? "it ends in .js and no package.json in the project sets \"type\"" : $"it ends in .js and {package} sets no \"type\"", requireEsm: true, scope.PackageJson),
        };
    }

    private static ModuleLoadProblem? EsModuleProblem(Acornima.Ast.Program program, string why)
    {
        var declared = new HashSet<string>(DeclaredNames(program), StringComparer.Ordinal);
        foreach (var statement in program.Body)
        {
            if (FirstGlobalEvaluated(statement, declared) is { } global)
            {
                var error = $"ReferenceError: {global.Name} is not defined in ES module scope" + (global.Name == "require" ? ", you can use import instead" : string.Empty);
                return new ModuleLoadProblem(global.Location.Start.Line, global.Name, error, "an ES module (import())", why, ModuleLoadCertainty.Certain);
            }
        }

        return null;
    }

    private ModuleLoadProblem? CommonJsProblem(Acornima.Ast.Program program, string why, bool requireEsm, string? packageJson)
    {
        var declaration = program.Body.FirstOrDefault(s => s is ImportDeclaration or ExportNamedDeclaration or ExportDefaultDeclaration or ExportAllDeclaration);
        if (declaration is null)
        {
            return null;
        }

        var topLevelAwait = program.Body.SelectMany(TopLevelAwaits).FirstOrDefault();
        var construct = declaration is ImportDeclaration ? "import" : "export";
        var syntaxError = topLevelAwait is not null && topLevelAwait.Start < declaration.Start
            ? "SyntaxError: await is only valid in async functions and the top level bodies of modules"
            : construct == "import" ? "SyntaxError: Cannot use import statement outside a module" : "SyntaxError: Unexpected token 'export'";
        var line = Math.Min(declaration.Location.Start.Line, topLevelAwait is not null && topLevelAwait.Start < declaration.Start ? topLevelAwait.Location.Start.Line : int.MaxValue);
        const string loadedAs = "CommonJS (require())";
        if (topLevelAwait is null && CompilingLoader(packageJson) is { } loader)
        {
            // "knex": "babel-node node_modules/.bin/knex", mocha --require @babel/register: a require hook compiles
            // import/export to CommonJS before Node sees it, so plain Node's SyntaxError says nothing certain.
            return new ModuleLoadProblem(line, construct, syntaxError, loadedAs, why, ModuleLoadCertainty.DependsOnLoader) { Loader = loader };
        }

        if (!requireEsm)
        {
            return new ModuleLoadProblem(line, construct, syntaxError, loadedAs, why, ModuleLoadCertainty.Certain);
        }

        // Without a "type", Node 20.19+ and 22.12+ detect the module syntax and require() loads it as an ES module,
        // unless it awaits at the top level; older versions throw the SyntaxError.
        if (topLevelAwait is not null)
        {
            return new ModuleLoadProblem(topLevelAwait.Location.Start.Line, "await", $"{syntaxError} (before Node 20.19 and 22.12), Error [ERR_REQUIRE_ASYNC_MODULE]: require() cannot be used on an ESM graph with top-level await (from them on)", loadedAs, why, ModuleLoadCertainty.Certain);
        }

        var (support, evidence) = nodeVersions.Value;
        return support switch
        {
            RequireEsmSupport.All => null,
            RequireEsmSupport.Some => new ModuleLoadProblem(line, construct, syntaxError, loadedAs, why, ModuleLoadCertainty.Certain, evidence),
            _ => new ModuleLoadProblem(line, construct, syntaxError, loadedAs, why, ModuleLoadCertainty.DependsOnNodeVersion, evidence),
        };
    }

    /// <summary>Words in a package.json script that put a compiling require hook in front of Node.</summary>
    private static readonly string[] LoaderWords = ["babel-node", "@babel/register", "babel-register", "-r esm", "--require esm", "ts-node", "tsx ", "sucrase", "--loader", "--experimental-loader", "--import"];

    private static readonly string[] BabelConfigs = [".babelrc", ".babelrc.js", ".babelrc.json", ".babelrc.cjs", "babel.config.js", "babel.config.json", "babel.config.cjs"];

    /// <summary>
    /// Where the package of a .js file (its nearest package.json, else the project's root one) shows a require hook
    /// that compiles ES module syntax: a script naming one, or a Babel configuration beside it. Null when none.
    /// </summary>
    private string? CompilingLoader(string? packageJson) => loaders.GetOrAdd(packageJson ?? string.Empty, path =>
    {
        var folders = new List<string>();
        if (path.Length > 0)
        {
            folders.Add(Path.GetDirectoryName(path)!);
        }

        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        if (!folders.Contains(full))
        {
            folders.Add(full);
        }

        foreach (var folder in folders)
        {
            var relativeFolder = ProjectFiles.Relative(root, folder);
            var prefix = relativeFolder is "" or "." ? string.Empty : relativeFolder + "/";
            if (BabelConfigs.FirstOrDefault(name => File.Exists(Path.Combine(folder, name))) is { } config)
            {
                return Quoting.Printable(prefix + config);
            }

            if (PackageJson.Read(folder) is not { } package)
            {
                continue;
            }

            if (package.TryGetProperty("babel", out _))
            {
                return Quoting.Printable($"{prefix}package.json \"babel\"");
            }

            if (package.TryGetProperty("scripts", out var scripts) && scripts.ValueKind == JsonValueKind.Object)
            {
                foreach (var script in scripts.EnumerateObject())
                {
                    if (script.Value.ValueKind == JsonValueKind.String && script.Value.GetString() is { } command &&
                        LoaderWords.FirstOrDefault(word => (command + " ").Contains(word, StringComparison.Ordinal)) is { } word)
                    {
                        return Quoting.Printable($"{prefix}package.json script \"{script.Name}\" ({word.Trim()})");
                    }
                }
            }
        }

        return null;
    });

    private PackageScope ScopeOf(string directory) => scopes.GetOrAdd(directory, folder =>
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        for (var current = folder; current is not null; current = Path.GetDirectoryName(current))
        {
            // Within the project only: a package.json above it belongs to the machine, not to the project.
            if (current != full && !current.StartsWith(full + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                break;
            }

            // Node's package scope lookup stops at a node_modules folder.
            if (Path.GetFileName(current) == "node_modules")
            {
                break;
            }

            if (File.Exists(Path.Combine(current, "package.json")))
            {
                var path = Path.Combine(current, "package.json");
                if (PackageJson.Read(current) is not { } package)
                {
                    return new PackageScope(path, null, false);
                }

                var type = package.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                return new PackageScope(path, type, true);
            }
        }

        return new PackageScope(null, null, true);
    });

    /// <summary>Every name the module declares at its top level (var, let, const, function, class, import).</summary>
    private static IEnumerable<string> DeclaredNames(Acornima.Ast.Program program)
    {
        foreach (var statement in program.Body)
        {
            var declaration = statement is ExportNamedDeclaration { Declaration: { } inner } ? inner : statement;
            switch (declaration)
            {
                case VariableDeclaration variables:
                    foreach (var id in variables.Declarations.SelectMany(d => SyntaxSearch.Descendants(d.Id)).OfType<Identifier>())
                    {
                        yield return id.Name;
                    }

                    break;
                case FunctionDeclaration { Id: { } name }:
                    yield return name.Name;
                    break;
                case ClassDeclaration { Id: { } name }:
                    yield return name.Name;
                    break;
                case ImportDeclaration import:
                    foreach (var specifier in import.Specifiers)
                    {
                        yield return specifier.Local.Name;
                    }

                    break;
            }
        }

        // A var anywhere at the top level (inside an if or a block) is hoisted to the module scope too.
        foreach (var variables in program.Body.SelectMany(s => Hoisted(s)))
        {
            yield return variables;
        }
    }

    private static IEnumerable<string> Hoisted(Node node)
    {
        foreach (var child in node.ChildNodes)
        {
            if (child is IFunction)
            {
                continue;
            }

            if (child is VariableDeclaration { Kind: VariableDeclarationKind.Var } variables)
            {
                foreach (var id in variables.Declarations.SelectMany(d => SyntaxSearch.Descendants(d.Id)).OfType<Identifier>())
                {
                    yield return id.Name;
                }
            }

            foreach (var name in Hoisted(child))
            {
                yield return name;
            }
        }
    }

    /// <summary>
    /// The first CommonJS variable a top-level statement reads whenever it runs, in evaluation order: only through
    /// expressions that always evaluate their parts (not a function body, a branch, the right of && or ||, a try, or
    /// the operand of typeof, which never throws), so the ReferenceError is certain.
    /// </summary>
    private static Identifier? FirstGlobalEvaluated(Node? node, HashSet<string> declared) => node switch
    {
        null => null,
        Identifier id => CommonJsGlobals.Contains(id.Name) && !declared.Contains(id.Name) ? id : null,
        ExpressionStatement e => FirstGlobalEvaluated(e.Expression, declared),
        VariableDeclaration v => v.Declarations.Select(d => FirstGlobalEvaluated(d.Init, declared)).FirstOrDefault(i => i is not null),
        ExportNamedDeclaration { Declaration: VariableDeclaration v } => FirstGlobalEvaluated(v, declared),
        ExportDefaultDeclaration { Declaration: Expression e } when e is not IFunction and not ClassExpression => FirstGlobalEvaluated(e, declared),
        AssignmentExpression { Left: Identifier } a => FirstGlobalEvaluated(a.Right, declared) ?? FirstGlobalEvaluated(a.Left, declared),
        AssignmentExpression { Left: MemberExpression } a => FirstGlobalEvaluated(a.Left, declared) ?? FirstGlobalEvaluated(a.Right, declared),
        AssignmentExpression a => FirstGlobalEvaluated(a.Right, declared),
        MemberExpression m => FirstGlobalEvaluated(m.Object, declared) ?? (m.Computed ? FirstGlobalEvaluated(m.Property, declared) : null),
        CallExpression c => FirstGlobalEvaluated(c.Callee, declared) ?? FirstOf(c.Arguments, declared),
        NewExpression n => FirstGlobalEvaluated(n.Callee, declared) ?? FirstOf(n.Arguments, declared),
        ChainExpression c => FirstGlobalEvaluated(c.Expression, declared),
        AwaitExpression a => FirstGlobalEvaluated(a.Argument, declared),
        SpreadElement s => FirstGlobalEvaluated(s.Argument, declared),
        ArrayExpression a => FirstOf(a.Elements, declared),
        SequenceExpression s => FirstOf(s.Expressions, declared),
        ObjectExpression o => o.Properties.Select(p => p switch
        {
            Property property => (property.Computed ? FirstGlobalEvaluated(property.Key, declared) : null) ??
                                 (property.Value is IFunction ? null : FirstGlobalEvaluated(property.Value, declared)),
            SpreadElement spread => FirstGlobalEvaluated(spread, declared),
            _ => null,
        }).FirstOrDefault(i => i is not null),
        LogicalExpression l => FirstGlobalEvaluated(l.Left, declared),
        BinaryExpression b => FirstGlobalEvaluated(b.Left, declared) ?? FirstGlobalEvaluated(b.Right, declared),
        ConditionalExpression c => FirstGlobalEvaluated(c.Test, declared),
        UnaryExpression { Operator: Acornima.Operator.TypeOf, Argument: Identifier } => null,
        UnaryExpression u => FirstGlobalEvaluated(u.Argument, declared),
        TemplateLiteral t => FirstOf(t.Expressions, declared),
        TaggedTemplateExpression t => FirstGlobalEvaluated(t.Tag, declared) ?? FirstOf(t.Quasi.Expressions, declared),
        _ => null,
    };

    private static Identifier? FirstOf<T>(IEnumerable<T?> nodes, HashSet<string> declared) where T : Node =>
        nodes.Select(n => FirstGlobalEvaluated(n, declared)).FirstOrDefault(i => i is not null);

    /// <summary>await outside any function (a top-level await, for await included), which only an ES module allows.</summary>
    private static IEnumerable<Node> TopLevelAwaits(Node statement)
    {
        var pending = new Stack<Node>();
        pending.Push(statement);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            if (node is AwaitExpression or ForOfStatement { Await: true })
            {
                yield return node;
            }

            foreach (var child in node.ChildNodes.Reverse())
            {
                if (child is not (IFunction or ClassDeclaration or ClassExpression))
                {
                    pending.Push(child);
                }
            }
        }
    }
}
