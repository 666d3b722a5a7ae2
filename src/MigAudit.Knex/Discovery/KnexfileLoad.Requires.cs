using Acornima.Ast;
using MigAudit.Core;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Knex.Discovery;

public static partial class KnexfileLoad
{
    /// <summary>Keys every object has through Object.prototype: reading them from an empty exports object is not undefined.</summary>
    private static readonly HashSet<string> PrototypeKeys =
    [
        "constructor", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable", "toLocaleString", "toString", "valueOf",
        "__proto__", "__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__",
    ];

    /// <summary>Modules followed at most: a knexfile's own config modules are a handful.</summary>
    private const int MaxModules = 200;

    /// <summary>
    /// A require cycle that throws while Node loads the knexfile. Node runs a CommonJS module's top level when it is
    /// first required, and a require() of a module that is still loading returns that module's exports as they are
    /// at that moment: the empty object Node starts with, plus whatever its top level assigned before the require.
    /// So when knexfile.js requires config.js, and config.js reads <c>require('./knexfile').production.connection</c>,
    /// <c>production</c> is still undefined (knexfile.js assigns <c>module.exports</c> after its require), reading
    /// <c>connection</c> of it throws "TypeError: Cannot read properties of undefined", and every knex command stops.
    /// The requires the top levels run are followed in Node's order, and the first throw that is certain is reported.
    /// Only plain top-level statements are followed (declarations and expression statements, evaluated operand by
    /// operand but never into a function body, the right of && or ||, a branch of ?: or an optional chain): after
    /// any other statement what runs is not certain, and nothing more is claimed. Only CommonJS .js/.cjs files are
    /// followed (an ES module's cycle fails differently, at link time).
    /// </summary>
    public static SourceProblem? CheckRequireCycles(string root, string knexfile, ParsedModuleCache cache) =>
        IsCommonJs(Path.GetFullPath(knexfile), Path.GetFullPath(root)) ? new CycleLoader(root, cache).Run(Path.GetFullPath(knexfile)) : null;

    /// <summary>.cjs, or .js in a package that is not "type": "module" (Node then loads .js files as ES modules).</summary>
    private static bool IsCommonJs(string file, string root)
    {
        if (file.EndsWith(".cjs", StringComparison.Ordinal))
        {
            return true;
        }

        if (!file.EndsWith(".js", StringComparison.Ordinal))
        {
            return false;
        }

        for (var directory = Path.GetDirectoryName(file); directory is not null && directory.StartsWith(root, StringComparison.Ordinal); directory = Path.GetDirectoryName(directory))
        {
            if (File.Exists(Path.Combine(directory, "package.json")))
            {
                return PackageJson.Read(directory) is not { } package || !package.TryGetProperty("type", out var type) || type.ValueKind != System.Text.Json.JsonValueKind.String || type.GetString() != "module";
            }
        }

        return true;
    }

    /// <summary>What a value is, as far as a cycle goes: the exports of a module still loading, certainly undefined, or anything else.</summary>
    private abstract record Value
    {
        public static readonly Value Unknown = new UnknownValue();
    }

    private sealed record UnknownValue : Value;

    /// <param name="File">The module still loading.</param>
    /// <param name="Keys">The keys its exports can have at this moment (every key any assignment so far may have added).</param>
    /// <param name="RequiredAt">The line of the require() that returned them.</param>
    private sealed record PartialExports(string File, IReadOnlySet<string> Keys, int RequiredAt) : Value;

    /// <summary>A key the partial exports do not have yet, read from them.</summary>
    private sealed record Undefined(PartialExports From, string Key) : Value;

    /// <summary>What a module's top level assigns to its exports, statement by statement; null when it uses its exports in another way.</summary>
    private sealed record ExportsShape(IReadOnlyList<(int Statement, IReadOnlyList<string>? Keys)> Assignments)
    {
        /// <summary>The keys the exports may have once the statements before <paramref name="statement"/> ran; null when unknown.</summary>
        public IReadOnlySet<string>? KeysBefore(int statement)
        {
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (index, assigned) in Assignments.Where(a => a.Statement < statement))
            {
                if (assigned is null)
                {
                    return null;
                }

                keys.UnionWith(assigned);
            }

            return keys;
        }
    }

    private sealed class ModuleRun(string file, string relative, Acornima.Ast.Program program, string text)
    {
        public string File { get; } = file;
        public string Relative { get; } = relative;
        public Acornima.Ast.Program Program { get; } = program;
        public string Text { get; } = text;
        public bool Loading { get; set; } = true;

        /// <summary>The top-level statement running now (while loading, the one whose require is in progress).</summary>
        public int Statement { get; set; }

        public ExportsShape? Shape { get; set; }

        /// <summary>Whether its require() calls are Node's (it declares no require of its own and passes none around).</summary>
        public bool OwnRequire { get; set; }

        /// <summary>Names assigned or declared more than once anywhere in the module: their value at a later statement is not certain.</summary>
        public HashSet<string> Reassigned { get; set; } = [];

        /// <summary>Top-level names bound once, to a value that matters here.</summary>
        public Dictionary<string, Value> Constants { get; } = new(StringComparer.Ordinal);

        public string TextOf(Node node) => node.Range.End <= Text.Length ? Text[node.Range.Start..node.Range.End] : string.Empty;
    }

    /// <summary>A throw found, or an end of what can be followed (process.exit, an uncertain statement).</summary>
    private sealed record Stop(SourceProblem? Problem);

    private sealed class CycleLoader(string root, ParsedModuleCache cache)
    {
        private readonly string root = Path.GetFullPath(root);
        private readonly Dictionary<string, ModuleRun?> modules = new(StringComparer.Ordinal);

        /// <summary>The requires in progress, outermost first: who required whom, at which line.</summary>
        private readonly List<(ModuleRun From, int Line)> chain = [];

        public SourceProblem? Run(string knexfile) => Load(knexfile)?.Problem;

        /// <summary>Runs a module's top level as Node would on its first require; a Stop when it throws (or following must end).</summary>
        private Stop? Load(string file)
        {
            if (modules.Count >= MaxModules || cache.File(file) is not { Program: { } program, IsModuleSyntax: false } parsed)
            {
                modules[file] = null;
                return null;
            }

            var module = new ModuleRun(file, ProjectFiles.Relative(root, file), program, parsed.Text);
            modules[file] = module;
            (module.Shape, module.OwnRequire, module.Reassigned) = Analyse(module);
            for (var index = 0; index < program.Body.Count; index++)
            {
                module.Statement = index;
                var statement = program.Body[index];
                switch (statement)
                {
                    case ExpressionStatement expression:
                        if (Evaluate(expression.Expression, module, out _) is { } stop)
                        {
                            return stop;
                        }

                        break;
                    case VariableDeclaration declaration:
                        foreach (var declarator in declaration.Declarations.Where(d => d.Init is not null))
                        {
                            if (Evaluate(declarator.Init!, module, out var value) is { } failed)
                            {
                                return failed;
                            }

                            if (Bind(declarator.Id, value, declarator.Init!, module) is { } thrown)
                            {
                                return thrown;
                            }
                        }

                        break;
                    case FunctionDeclaration or EmptyStatement:
                        break;
                    case ForStatement or ForInStatement or ForOfStatement or WhileStatement or DoWhileStatement:
                        // It may never end: nothing after it is certain.
                        return new Stop(null);
                    default:
                        // if, try, a block, a class: not followed. Certain to be passed through only when it can neither
                        // leave the module (throw, return, process.exit) nor load another (require).
                        if (SyntaxSearch.Contains(statement, n => n is ThrowStatement or ReturnStatement || n is CallExpression call && (IsRequire(call) || IsProcessExit(call))))
                        {
                            return new Stop(null);
                        }

                        break;
                }
            }

            module.Loading = false;
            return null;
        }

        private static bool IsRequire(CallExpression call) => call.Callee is Identifier { Name: "require" };

        private static bool IsProcessExit(CallExpression call) =>
            call.Callee is MemberExpression { Computed: false, Object: Identifier { Name: "process" }, Property: Identifier { Name: "exit" } };

        /// <summary>Binds a declaration's names; destructuring what is certainly undefined throws.</summary>
        private Stop? Bind(Node pattern, Value value, Node init, ModuleRun module)
        {
            switch (pattern)
            {
                case Identifier id when !module.Reassigned.Contains(id.Name):
                    module.Constants[id.Name] = value;
                    return null;
                case ObjectPattern objectPattern:
                    foreach (var property in objectPattern.Properties)
                    {
                        if (property is not Property { Computed: false, Key: Identifier key } member)
                        {
                            return null;
                        }

                        if (value is Undefined undefined)
                        {
                            // const { connection } = production: V8 names the destructured expression.
                            return Render(init) is { } source
                                ? Throw(module, objectPattern, $"Cannot destructure property '{key.Name}' of '{source}' as it is undefined.", undefined)
                                : new Stop(null);
                        }

                        var read = Read(value, key.Name);
                        if (member.Value is ObjectPattern { Properties: [Property { Computed: false, Key: Identifier nested }, ..] } inner && read is Undefined missing)
                        {
                            // const { production: { connection } } = require('./knexfile'): V8 reads connection of undefined.
                            return Throw(module, inner, $"Cannot read properties of undefined (reading '{nested.Name}')", missing);
                        }

                        if (member.Value is Identifier local && !module.Reassigned.Contains(local.Name))
                        {
                            module.Constants[local.Name] = read;
                        }
                    }

                    return null;
                default:
                    return null;
            }
        }

        /// <summary>Evaluates an expression's operands in Node's order, as far as certain; a Stop when it throws.</summary>
        private Stop? Evaluate(Node node, ModuleRun module, out Value value)
        {
            value = Value.Unknown;
            switch (node)
            {
                case ParenthesizedExpression parenthesized:
                    return Evaluate(parenthesized.Expression, module, out value);
                case Identifier id:
                    value = module.Constants.GetValueOrDefault(id.Name) ?? Value.Unknown;
                    return null;
                case CallExpression { Optional: false, Arguments: [StringLiteral specifier] } required when IsRequire(required) && module.OwnRequire:
                    return Require(specifier.Value, required, module, out value);
                case CallExpression call when IsRequire(call) || IsProcessExit(call):
                    // A require of something only run time knows, or the end of the process: nothing after it is certain.
                    return new Stop(null);
                case CallExpression { Optional: false } call:
                    {
                        if (Evaluate(call.Callee, module, out var callee) is { } stop)
                        {
                            return stop;
                        }

                        foreach (var argument in call.Arguments)
                        {
                            if (Evaluate(argument is SpreadElement spread ? spread.Argument : argument, module, out _) is { } thrown)
                            {
                                return thrown;
                            }
                        }

                        // k.production() with production undefined: V8 names the callee.
                        return callee is Undefined undefined && Render(call.Callee) is { } source
                            ? Throw(module, call, $"{source} is not a function", undefined)
                            : null;
                    }

                case NewExpression created:
                    foreach (var part in created.Arguments.Prepend(created.Callee))
                    {
                        if (Evaluate(part is SpreadElement spread ? spread.Argument : part, module, out _) is { } stop)
                        {
                            return stop;
                        }
                    }

                    return null;
                case MemberExpression { Optional: false } member:
                    {
                        if (Evaluate(member.Object, module, out var target) is { } stop)
                        {
                            return stop;
                        }

                        var key = PropertyName(member);
                        if (member.Computed && Evaluate(member.Property, module, out _) is { } thrown)
                        {
                            return thrown;
                        }

                        if (target is Undefined undefined)
                        {
                            return key is null ? new Stop(null) : Throw(module, member, $"Cannot read properties of undefined (reading '{key}')", undefined);
                        }

                        value = key is null ? Value.Unknown : Read(target, key);
                        return null;
                    }

                case AssignmentExpression { Operator: Acornima.Operator.Assignment } assignment:
                    {
                        Value target = Value.Unknown;
                        var key = assignment.Left is MemberExpression { Optional: false } left ? PropertyName(left) : null;
                        if (assignment.Left is MemberExpression { Optional: false } leftMember && Evaluate(leftMember.Object, module, out target) is { } stop)
                        {
                            return stop;
                        }

                        if (Evaluate(assignment.Right, module, out value) is { } thrown)
                        {
                            return thrown;
                        }

                        return target is Undefined undefined && key is not null
                            ? Throw(module, assignment.Left, $"Cannot set properties of undefined (setting '{key}')", undefined)
                            : null;
                    }

                case LogicalExpression logical:
                    // Acornima's LogicalExpression is a BinaryExpression: only its left is certain to run.
                    return Evaluate(logical.Left, module, out _);
                case BinaryExpression binary:
                    return Evaluate(binary.Left, module, out _) ?? Evaluate(binary.Right, module, out _);
                case ConditionalExpression conditional:
                    return Evaluate(conditional.Test, module, out _);
                case UnaryExpression unary:
                    return Evaluate(unary.Argument, module, out _);
                case SequenceExpression sequence:
                    foreach (var expression in sequence.Expressions)
                    {
                        if (Evaluate(expression, module, out value) is { } stop)
                        {
                            return stop;
                        }
                    }

                    return null;
                case TemplateLiteral template:
                    return EvaluateAll(template.Expressions, module);
                case ArrayExpression array:
                    return EvaluateAll(array.Elements.Select(e => e is SpreadElement spread ? spread.Argument : e), module);
                case ObjectExpression obj:
                    foreach (var member in obj.Properties)
                    {
                        var stop = member switch
                        {
                            SpreadElement spread => Evaluate(spread.Argument, module, out _),
                            Property { Kind: PropertyKind.Init, Method: false } property =>
                                (property.Computed ? Evaluate(property.Key, module, out _) : null) ?? Evaluate(property.Value, module, out _),
                            _ => null,
                        };
                        if (stop is not null)
                        {
                            return stop;
                        }
                    }

                    return null;
                default:
                    // Literals, functions and classes (not run here), optional chains, await, yield: nothing certain to follow.
                    return null;
            }
        }

        private Stop? EvaluateAll(IEnumerable<Node?> nodes, ModuleRun module)
        {
            foreach (var node in nodes)
            {
                if (node is not null && Evaluate(node, module, out _) is { } stop)
                {
                    return stop;
                }
            }

            return null;
        }

        /// <summary>require('./x'): the module's exports once it has run, or, when it is still loading, its exports as they are now.</summary>
        private Stop? Require(string specifier, CallExpression call, ModuleRun module, out Value value)
        {
            value = Value.Unknown;
            if (!specifier.StartsWith('.') || StaticEvaluator.ResolveLocal(Path.GetDirectoryName(module.File)!, specifier) is not { } resolved ||
                !resolved.StartsWith(root, StringComparison.Ordinal) || !IsCommonJs(resolved, root))
            {
                // A package, a JSON file or an ES module: its exports are not followed, but it loads no project module
                // migaudit would have to follow first (a package requiring back into the project is not followed).
                return null;
            }

            if (modules.TryGetValue(resolved, out var loaded))
            {
                if (loaded is { Loading: true, Shape: { } shape } && shape.KeysBefore(loaded.Statement) is { } keys)
                {
                    value = new PartialExports(resolved, keys, call.Location.Start.Line);
                }

                return null;
            }

            chain.Add((module, call.Location.Start.Line));
            var stop = Load(resolved);
            chain.RemoveAt(chain.Count - 1);
            return stop;
        }

        private static Value Read(Value target, string key) =>
            target is PartialExports partial && !partial.Keys.Contains(key) && !PrototypeKeys.Contains(key)
                ? new Undefined(partial, key)
                : Value.Unknown;

        private Stop Throw(ModuleRun module, Node at, string error, Undefined undefined)
        {
            // The cycle: the requires in progress from the knexfile down to this module, then the require back.
            var names = chain.Select(c => c.From).Append(module).ToList();
            var hops = chain.Select((c, i) => $"{Quoting.Printable(c.From.Relative)}:{c.Line} requires {Quoting.Printable(names[i + 1].Relative)}");
            var target = Quoting.Printable(ProjectFiles.Relative(root, undefined.From.File));
            var back = $"{Quoting.Printable(module.Relative)}:{undefined.From.RequiredAt} requires {target} back while {target} is still loading";
            var exports = undefined.From.Keys.Count == 0
                ? "still empty"
                : $"only {string.Join(", ", undefined.From.Keys.Order(StringComparer.Ordinal).Select(k => $"'{k}'"))} so far";
            var line = at.Location.Start.Line;
            var expression = module.TextOf(at) is { Length: > 0 and <= 100 } text && !text.Contains('\n', StringComparison.Ordinal) ? $"{Quoting.Printable(text)} at " : string.Empty;
            var message =
                $"{Quoting.Printable(names[0].Relative)} throws when Node loads it: {string.Join(", ", hops.Append(back))}, and {target}'s exports are {exports} then, " +
                $"so {expression}{Quoting.Printable(module.Relative)}:{line} throws \"TypeError: {error}\": every knex command (migrate:latest included) fails before reading a migration";
            return new Stop(new SourceProblem(module.Relative, line, message, KnexFails: true, Key: "knexfile-load"));
        }

        private static string? PropertyName(MemberExpression member) => member switch
        {
            { Computed: false, Property: Identifier name } => name.Name,
            { Computed: true, Property: StringLiteral literal } => literal.Value,
            _ => null,
        };

        /// <summary>How V8 names an expression in a TypeError: k.production, require(...).production; null for anything else.</summary>
        private static string? Render(Node node) => node switch
        {
            Identifier id => id.Name,
            ParenthesizedExpression parenthesized => Render(parenthesized.Expression),
            MemberExpression { Computed: false, Optional: false, Property: Identifier name } member => Render(member.Object) is { } target ? $"{target}.{name.Name}" : null,
            CallExpression { Optional: false } call => Render(call.Callee) is { } callee ? $"{callee}(...)" : null,
            _ => null,
        };

        /// <summary>
        /// What the module assigns to its exports, and whether its require() is Node's. Any use of module.exports or
        /// exports other than plain top-level assignments (module.exports = {...}, exports.x = ..., module.exports.x =
        /// ...), or of module itself as a value, makes the shape unknown: a function could add keys at any time.
        /// </summary>
        private static (ExportsShape? Shape, bool OwnRequire, HashSet<string> Reassigned) Analyse(ModuleRun module)
        {
            var assignments = new List<(int Statement, IReadOnlyList<string>? Keys)>();
            var allowed = new HashSet<Node>(ReferenceEqualityComparer.Instance);
            for (var index = 0; index < module.Program.Body.Count; index++)
            {
                if (module.Program.Body[index] is not ExpressionStatement { Expression: AssignmentExpression { Operator: Acornima.Operator.Assignment, Left: MemberExpression { Computed: false } left } assignment })
                {
                    continue;
                }

                if (IsModuleExports(left))
                {
                    // module.exports = { ... }: its keys, unless a spread or a computed key hides some.
                    allowed.Add(left.Object);
                    assignments.Add((index, assignment.Right is ObjectExpression obj && obj.Properties.All(p => p is Property { Computed: false, Key: Identifier or StringLiteral })
                        ? obj.Properties.Cast<Property>().Select(p => p.Key is Identifier id ? id.Name : ((StringLiteral)p.Key).Value).ToList()
                        : null));
                }
                else if (left.Property is Identifier key && (left.Object is Identifier { Name: "exports" } || left.Object is MemberExpression { Computed: false } inner && IsModuleExports(inner)))
                {
                    allowed.Add(left.Object is MemberExpression m ? m.Object : left.Object);
                    assignments.Add((index, [key.Name]));
                }
            }

            var shapeKnown = true;
            var ownRequire = true;
            var declared = new HashSet<string>(StringComparer.Ordinal);
            var reassigned = new HashSet<string>(StringComparer.Ordinal);
            void Target(Node? target)
            {
                if (target is Identifier name)
                {
                    reassigned.Add(name.Name);
                }
            }

            var pending = new Stack<(Node Node, Node? Parent)>();
            pending.Push((module.Program, null));
            while (pending.Count > 0)
            {
                var (node, parent) = pending.Pop();
                foreach (var child in node.ChildNodes)
                {
                    pending.Push((child, node));
                }

                switch (node)
                {
                    case AssignmentExpression assigned:
                        Target(assigned.Left);
                        break;
                    case UpdateExpression updated:
                        Target(updated.Argument);
                        break;
                    case ForInStatement { Left: var left }:
                        Target(left);
                        break;
                    case ForOfStatement { Left: var left }:
                        Target(left);
                        break;
                    case VariableDeclarator { Id: Identifier declaredName } when !declared.Add(declaredName.Name):
                        reassigned.Add(declaredName.Name);
                        break;
                }

                if (node is not Identifier { Name: "module" or "exports" or "require" } id || IsName(id, parent))
                {
                    continue;
                }

                switch (id.Name)
                {
                    case "require" when !(parent is CallExpression call && call.Callee == id || parent is MemberExpression { Computed: false } member && member.Object == id):
                        ownRequire = false;
                        break;
                    case "module" when allowed.Contains(id):
                        break;
                    case "module" when parent is MemberExpression { Computed: false, Property: Identifier property } member && member.Object == id && property.Name != "exports":
                        // module.id, require.main === module's module.filename: not the exports.
                        break;
                    case "module":
                    case "exports" when !allowed.Contains(id):
                        shapeKnown = false;
                        break;
                }
            }

            return (shapeKnown ? new ExportsShape(assignments) : null, ownRequire, reassigned);
        }

        private static bool IsModuleExports(MemberExpression member) =>
            member is { Computed: false, Object: Identifier { Name: "module" }, Property: Identifier { Name: "exports" } };

        /// <summary>An identifier that is a property name, not a reference: x.exports, { exports: 1 }.</summary>
        private static bool IsName(Identifier id, Node? parent) => parent switch
        {
            MemberExpression { Computed: false } member => member.Property == id,
            Property { Computed: false, Shorthand: false } property => property.Key == id,
            MethodDefinition { Computed: false } method => method.Key == id,
            PropertyDefinition { Computed: false } field => field.Key == id,
            _ => false,
        };
    }
}
