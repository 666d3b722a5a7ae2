using Acornima;
using Acornima.Ast;

namespace MigAudit.Knex.JavaScript;

/// <summary>A binding at module level: a declared variable, function, or an import.</summary>
public sealed class Binding
{
    private StaticValue? value;
    private bool evaluating;

    public Binding(Node? initializer, string? importSource = null, string? importName = null)
    {
        Initializer = initializer;
        ImportSource = importSource;
        ImportName = importName;
    }

    public Node? Initializer { get; }
    public string? ImportSource { get; }

    /// <summary>The bound name, set when the module collects its bindings.</summary>
    public string Name { get; internal set; } = string.Empty;

    /// <summary>The imported name: "default", "*", or a named export.</summary>
    public string? ImportName { get; }

    internal StaticValue Evaluate(StaticEvaluator evaluator, ModuleScope scope, int depth)
    {
        if (value is not null)
        {
            return value;
        }

        if (evaluating)
        {
            return new JsUnknown(scope.TextOf(Initializer), "refers to itself");
        }

        evaluating = true;
        try
        {
            value = ImportSource is not null ? EvaluateImport(evaluator, scope, depth)
                : Initializer is FunctionDeclaration function ? new JsFunction(function, scope.File)
                : evaluator.Evaluate(Initializer, scope, depth);

            // Later statements change it in order (config.pool = ..., under the conditions they run in); a mutation
            // that reads the binding itself sees the value so far, as JavaScript would.
            foreach (var mutation in scope.MutationsOf(Name))
            {
                value = evaluator.ApplyMutation(value, mutation, scope, depth);
            }

            return value;
        }
        finally
        {
            evaluating = false;
        }
    }

    private StaticValue EvaluateImport(StaticEvaluator evaluator, ModuleScope scope, int depth)
    {
        var exports = evaluator.Require(ImportSource!, scope, depth, ImportSource!);
        if (ImportName is "*" or "default")
        {
            return exports;
        }

        return exports is JsObject o ? o.Get(ImportName!) ?? StaticValue.Undefined : exports;
    }
}

/// <summary>One parsed module: its top-level bindings and how it exports.</summary>
public sealed class ModuleScope
{
    public ModuleScope(string file, string text, Acornima.Ast.Program program, StaticEvaluator? evaluator = null)
    {
        Evaluator = evaluator;
        File = file;
        Text = text;
        Program = program;
        CollectBindings();
        foreach (var (name, binding) in Bindings)
        {
            binding.Name = name;
        }

        Module = this;
    }

    private Dictionary<string, List<BindingMutation>>? mutations;

    /// <summary>The later changes of a top-level binding ("module" and "exports" for CommonJS exports), in source order.</summary>
    public IReadOnlyList<BindingMutation> MutationsOf(string name)
    {
        if (Module != this)
        {
            return Module.MutationsOf(name);
        }

        mutations ??= BindingMutations.Collect(this);
        return mutations.TryGetValue(name, out var list) ? list : [];
    }

    private ModuleScope(ModuleScope module, IReadOnlyDictionary<string, StaticValue> locals)
    {
        File = module.File;
        Text = module.Text;
        Program = module.Program;
        Bindings = module.Bindings;
        Evaluator = module.Evaluator;
        Module = module;
        Locals = locals;
    }

    /// <summary>The evaluator that loaded the module, for resolving what it requires (null when it is parsed alone).</summary>
    public StaticEvaluator? Evaluator { get; }

    /// <summary>The module-level scope (itself, unless this is a function's scope over it).</summary>
    public ModuleScope Module { get; }

    /// <summary>A function's parameters and <c>this</c>, when evaluating inside one.</summary>
    public IReadOnlyDictionary<string, StaticValue>? Locals { get; }

    public ModuleScope WithLocals(IReadOnlyDictionary<string, StaticValue> locals) => new(Module, locals);

    public string File { get; }
    public string Text { get; }
    public Acornima.Ast.Program Program { get; }
    public Dictionary<string, Binding> Bindings { get; } = new(StringComparer.Ordinal);

    public string TextOf(Node? node)
    {
        if (node is null)
        {
            return string.Empty;
        }

        var text = Text.Substring(node.Start, Math.Min(node.End, Text.Length) - node.Start);
        return text.Length > 200 ? text[..200] + "…" : text;
    }

    /// <summary>True when a bare call such as "join" was imported from node's path module.</summary>
    public bool ImportsFromPath(string name) =>
        Bindings.TryGetValue(name, out var binding) && binding.ImportSource is "path" or "node:path";

    /// <summary>module.exports as Knex sees it: CommonJS assignments, or an ES module's default export (Knex's CLI reads <c>config.default</c>).</summary>
    public StaticValue Exports(StaticEvaluator evaluator, int depth)
    {
        // CommonJS: module.exports = ... and exports.x = ..., in source order and under the conditions they run in.
        StaticValue commonJs = new JsObject([], false);
        var moduleChanges = Bindings.ContainsKey("module") ? [] : MutationsOf("module").Where(m => m.Path.Count > 0 && m.Path[0] == "exports").Select(m => m with { Path = [.. m.Path.Skip(1)] });
        var exportsChanges = Bindings.ContainsKey("exports") ? [] : MutationsOf("exports");
        var assignsCommonJs = false;
        foreach (var change in moduleChanges.Concat(exportsChanges).OrderBy(m => m.Start))
        {
            commonJs = evaluator.ApplyMutation(commonJs, change, this, depth + 1);
            assignsCommonJs = true;
        }

        var properties = new List<KeyValuePair<string, StaticValue>>();
        StaticValue? whole = null;
        var incomplete = false;
        foreach (var statement in Program.Body)
        {
            switch (statement)
            {
                case ExportDefaultDeclaration exportDefault:
                    whole = exportDefault.Declaration is IFunction function
                        ? new JsFunction(function, File)
                        : evaluator.Evaluate(exportDefault.Declaration, this, depth + 1);
                    break;
                case ExportNamedDeclaration named:
                    foreach (var (name, node) in NamedExports(named))
                    {
                        properties.Add(new(name, node is null ? new JsUnknown(name, "re-export") : Bindings.TryGetValue(name, out var b) && node is Identifier ? b.Evaluate(evaluator, this, depth + 1) : evaluator.Evaluate(node, this, depth + 1)));
                    }

                    break;
                case ExportAllDeclaration:
                    incomplete = true;
                    break;
            }
        }

        if (whole is null && properties.Count == 0 && !incomplete)
        {
            return assignsCommonJs ? WithoutDefaultWrapper(commonJs) : commonJs;
        }

        if (whole is JsObject wholeObject && properties.Count > 0)
        {
            return new JsObject([.. wholeObject.Properties, .. properties], wholeObject.Incomplete || incomplete);
        }

        if (whole is not null)
        {
            return WithoutDefaultWrapper(whole) with { FromDefaultExport = true };
        }

        var exports = new JsObject([.. (commonJs as JsObject)?.Properties ?? [], .. properties], incomplete);
        return WithoutDefaultWrapper(exports);
    }

    /// <summary>TypeScript's CommonJS output (exports.default = config) and a default export as Knex's CLI reads them: config.default.</summary>
    private static StaticValue WithoutDefaultWrapper(StaticValue exports) =>
        exports is JsObject o && o.Get("default") is { } inner and not JsUndefined ? inner with { FromDefaultExport = true } : exports;

    /// <summary>
    /// The ES module's default export alone, or null when it has none: what the knex CLI reads of an ES knexfile
    /// (config.default), without the named exports beside it (export { workerKnex }).
    /// </summary>
    public StaticValue? DefaultExport(StaticEvaluator evaluator) =>
        Program.Body.OfType<ExportDefaultDeclaration>().LastOrDefault() is { } exportDefault
            ? exportDefault.Declaration is IFunction function ? new JsFunction(function, File) : evaluator.Evaluate(exportDefault.Declaration, this, 1)
            : null;

    private static IEnumerable<(string Name, Node? Value)> NamedExports(ExportNamedDeclaration named)
    {
        switch (named.Declaration)
        {
            case FunctionDeclaration { Id: { } id } function:
                yield return (id.Name, (Node)function);
                break;
            case ClassDeclaration { Id: { } id } type:
                yield return (id.Name, (Node)type);
                break;
            case VariableDeclaration variables:
                foreach (var declarator in variables.Declarations)
                {
                    if (declarator.Id is Identifier id)
                    {
                        yield return (id.Name, declarator.Init);
                    }
                }

                break;
        }

        foreach (var specifier in named.Specifiers)
        {
            var exported = specifier.Exported is Identifier e ? e.Name : (specifier.Exported as StringLiteral)?.Value;
            if (exported is not null)
            {
                yield return (exported, named.Source is null ? specifier.Local : null);
            }
        }
    }

    private void CollectBindings()
    {
        foreach (var statement in Program.Body)
        {
            var declaration = statement switch
            {
                ExportNamedDeclaration { Declaration: { } d } => d,
                ExportDefaultDeclaration { Declaration: FunctionDeclaration f } => f,
                _ => statement,
            };
            switch (declaration)
            {
                case VariableDeclaration variables:
                    foreach (var declarator in variables.Declarations)
                    {
                        AddPattern(declarator.Id, declarator.Init);
                    }

                    break;
                case FunctionDeclaration { Id: { } id } function:
                    Bindings[id.Name] = new Binding(function);
                    break;
                case ClassDeclaration { Id: { } id } type:
                    Bindings[id.Name] = new Binding(type);
                    break;
                case ImportDeclaration import:
                    foreach (var specifier in import.Specifiers)
                    {
                        var (local, imported) = specifier switch
                        {
                            ImportDefaultSpecifier d => (d.Local.Name, "default"),
                            ImportNamespaceSpecifier n => (n.Local.Name, "*"),
                            ImportSpecifier s => (s.Local.Name, s.Imported is Identifier i ? i.Name : ((StringLiteral)s.Imported).Value),
                            _ => (null, null),
                        };
                        if (local is not null)
                        {
                            Bindings[local] = new Binding(null, import.Source.Value, imported);
                        }
                    }

                    break;
            }
        }
    }

    private void AddPattern(Node pattern, Expression? init)
    {
        switch (pattern)
        {
            case Identifier id:
                Bindings[id.Name] = new Binding(init);
                break;
            case ObjectPattern objectPattern when init is not null:
                // const { a, b: c } = require('x')  ->  a = require('x').a, c = require('x').b
                foreach (var property in objectPattern.Properties)
                {
                    if (property is Property { Key: Identifier key, Value: Identifier local })
                    {
                        Bindings[local.Name] = new Binding(new MemberExpression(init, key, false, false) { Location = init.Location, Range = init.Range });
                    }
                    else if (property is Property { Key: Identifier key2, Value: AssignmentPattern { Left: Identifier local2, Right: var fallback } })
                    {
                        // const { DB_MAX_POOL = 10 } = process.env: the default applies when the property is undefined,
                        // as in `process.env.DB_MAX_POOL === undefined ? 10 : process.env.DB_MAX_POOL`.
                        var member = new MemberExpression(init, key2, false, false) { Location = init.Location, Range = init.Range };
                        var undefinedName = new Identifier("undefined") { Location = init.Location, Range = init.Range };
                        var isUndefined = new NonLogicalBinaryExpression(Operator.StrictEquality, member, undefinedName) { Location = init.Location, Range = init.Range };
                        Bindings[local2.Name] = new Binding(new ConditionalExpression(isUndefined, fallback, member) { Location = init.Location, Range = init.Range });
                    }
                }

                break;
        }
    }
}
