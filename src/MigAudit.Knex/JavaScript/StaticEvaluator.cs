using Acornima;
using Acornima.Ast;

namespace MigAudit.Knex.JavaScript;

/// <summary>
/// Partially evaluates module-level JavaScript: literals, objects with spreads, arrays, constants,
/// template strings, string concatenation, <c>||</c>/<c>??</c>, <c>path.join/resolve(__dirname, ...)</c>
/// and <c>require</c>/<c>import</c> of local modules. It never runs code; whatever it cannot decide is
/// <see cref="JsUnknown"/> with the expression's text.
/// </summary>
public sealed partial class StaticEvaluator
{
    private const int MaxDepth = 64;
    private readonly Dictionary<string, ModuleScope?> modules = new(StringComparer.Ordinal);
    private readonly string root;

    /// <summary>The audited root, absolute: paths in findings are relative to it.</summary>
    internal string Root => root;
    private readonly IReadOnlyDictionary<string, string>? environment;
    private readonly ParsedModuleCache cache;

    /// <param name="root">Only modules inside it are followed.</param>
    /// <param name="environment">Environment variables of a scenario; null means every variable is unknown. A variable missing from the dictionary is unset (undefined).</param>
    /// <param name="cache">Parsed modules shared between evaluators of several scenarios.</param>
    public StaticEvaluator(string root, IReadOnlyDictionary<string, string>? environment = null, ParsedModuleCache? cache = null)
    {
        this.root = Path.GetFullPath(root);
        this.environment = environment;
        this.cache = cache ?? new ParsedModuleCache();
    }

    /// <summary>Environment variables read while evaluating, in first-read order.</summary>
    public List<string> EnvironmentReads { get; } = [];

    /// <summary>
    /// Environment variables compared with a string literal while evaluating (process.env.DB_TYPE === 'postgresql',
    /// case 'mysql':), so that scenarios can give the variable each value the code tells apart.
    /// </summary>
    public List<(string Variable, string Literal)> EnvironmentComparisons { get; } = [];

    /// <summary>Records a comparison of a value read from the environment with a literal string.</summary>
    private void NoteComparison(StaticValue left, StaticValue right)
    {
        var pair = (left, right) switch
        {
            (JsString { Variable: { } variable }, JsString { Variable: null } literal) => (variable, literal.Value),
            (JsString { Variable: null } literal, JsString { Variable: { } variable }) => (variable, literal.Value),
            _ => default((string, string)?),
        };
        if (pair is { } found && !EnvironmentComparisons.Contains(found))
        {
            EnvironmentComparisons.Add(found);
        }
    }

    /// <summary>Files read while evaluating, for reporting where values came from.</summary>
    public IEnumerable<string> LoadedFiles => modules.Where(m => m.Value is not null).Select(m => m.Key);

    /// <summary>The value of <c>module.exports</c> (or the ESM default export, as Knex reads it) of a file.</summary>
    public StaticValue EvaluateModuleExports(string file)
    {
        var scope = Load(file);
        return scope is null ? new JsUnknown(Path.GetFileName(file), "cannot be parsed") : scope.Exports(this, 0);
    }

    /// <summary>Drops what this evaluator holds of a module (its scope and cached binding values).</summary>
    public void Forget(string file) => modules.Remove(Path.GetFullPath(file));

    /// <summary>Evaluates an expression of a module loaded through this evaluator's cache.</summary>
    public StaticValue EvaluateIn(string file, Node node)
    {
        var scope = Load(file);
        return scope is null ? new JsUnknown(Path.GetFileName(file), "cannot be parsed") : Evaluate(node, scope, 0);
    }

    public ModuleScope? Load(string file)
    {
        file = Path.GetFullPath(file);
        if (modules.TryGetValue(file, out var cached))
        {
            return cached;
        }

        modules[file] = null;
        var entry = cache.Get(file);
        if (entry?.Program is not { } program)
        {
            return null;
        }

        var scope = new ModuleScope(file, entry.Value.Text, program, this);
        modules[file] = scope;
        return scope;
    }

    internal StaticValue Evaluate(Node? node, ModuleScope scope, int depth)
    {
        if (node is null)
        {
            return StaticValue.Undefined;
        }

        var line = node.Location.Start.Line;
        if (depth > MaxDepth)
        {
            return new JsUnknown(scope.TextOf(node), "too deeply nested") { Line = line, SourceFile = scope.File };
        }

        StaticValue value = node switch
        {
            StringLiteral s => new JsString(s.Value),
            NumericLiteral n => new JsNumber(n.Value),
            BooleanLiteral b => new JsBoolean(b.Value),
            NullLiteral => new JsNull(),
            TemplateLiteral t => EvaluateTemplate(t, scope, depth),
            ObjectExpression o => EvaluateObject(o, scope, depth),
            ArrayExpression a => new JsArray(a.Elements.Select(e => Evaluate(e, scope, depth + 1)).ToList()),
            Identifier id => EvaluateIdentifier(id, scope, depth),
            MemberExpression m => EvaluateMember(m, scope, depth),
            CallExpression c => EvaluateCall(c, scope, depth),
            LogicalExpression l => EvaluateLogical(l, scope, depth),
            ConditionalExpression c => EvaluateConditional(c, scope, depth),
            BinaryExpression b when b.Operator is Operator.StrictEquality or Operator.StrictInequality or Operator.Equality or Operator.Inequality => EvaluateEquality(b, scope, depth),
            BinaryExpression { Operator: Operator.Addition } b => Concatenate(Evaluate(b.Left, scope, depth + 1), Evaluate(b.Right, scope, depth + 1), scope.TextOf(node)),
            UnaryExpression { Operator: Operator.LogicalNot } u => Evaluate(u.Argument, scope, depth + 1) switch
            {
                JsUnknown unknown => unknown,
                var v => new JsBoolean(!IsTruthy(v)),
            },
            // TypeScript's CommonJS output declares every export first: exports.config = void 0.
            UnaryExpression { Operator: Operator.Void } => StaticValue.Undefined,
            FunctionExpression or ArrowFunctionExpression => new JsFunction((IFunction)node, scope.File),
            ClassDeclaration or ClassExpression => EvaluateClassStatics((IClass)node, scope, depth),
            NewExpression n => EvaluateNew(n, scope, depth),
            ThisExpression => scope.Locals?.GetValueOrDefault("this") ?? new JsUnknown("this", "not statically known"),
            ParenthesizedExpression p => Evaluate(p.Expression, scope, depth + 1),
            AwaitExpression a => Evaluate(a.Argument, scope, depth + 1),
            _ => new JsUnknown(scope.TextOf(node), "not statically known"),
        };
        return value.Line == 0 ? value with { Line = line, SourceFile = scope.File } : value;
    }

    public static bool IsTruthy(StaticValue value) => value switch
    {
        JsString s => s.Value.Length > 0,
        JsNumber n => n.Value != 0 && !double.IsNaN(n.Value),
        JsBoolean b => b.Value,
        JsNull or JsUndefined => false,
        _ => true,
    };

    private StaticValue EvaluateTemplate(TemplateLiteral template, ModuleScope scope, int depth)
    {
        // Each path through the parts' alternatives (`.${isDev ? 'ts' : 'js'}`) is one text; a part without them, or
        // with one that has no text, leaves the template a plain unknown.
        var texts = new List<(IReadOnlyList<Assumption> Assumptions, string Text)> { ([], string.Empty) };
        for (var i = 0; i < template.Quasis.Count; i++)
        {
            var quasi = template.Quasis[i].Value.Cooked;
            texts = texts.Select(t => (t.Assumptions, t.Text + quasi)).ToList();
            if (i >= template.Expressions.Count)
            {
                continue;
            }

            var part = Evaluate(template.Expressions[i], scope, depth + 1);
            var next = new List<(IReadOnlyList<Assumption> Assumptions, string Text)>();
            foreach (var alternative in part is JsUnknown { Alternatives: null } ? [] : AlternativesOf(part))
            {
                if (ToText(alternative.Value) is not { } partText)
                {
                    next.Clear();
                    break;
                }

                foreach (var (assumptions, text) in texts.Where(t => !t.Assumptions.Any(a => alternative.Assumptions.Any(a.Contradicts))))
                {
                    next.Add(([.. assumptions, .. alternative.Assumptions.Where(a => !assumptions.Contains(a))], text + partText));
                }
            }

            if (next.Count == 0 || next.Count > MaxAlternatives)
            {
                return new JsUnknown(scope.TextOf(template), "template with unknown parts");
            }

            texts = next;
        }

        return texts is [{ Assumptions.Count: 0 } only]
            ? new JsString(only.Text)
            : Choice(texts.Select(t => new Alternative(t.Assumptions, new JsString(t.Text))), scope.TextOf(template), "template with unknown parts");
    }

    private static string? ToText(StaticValue value) => value switch
    {
        JsString s => s.Value,
        JsNumber n => n.ToString(),
        JsBoolean b => b.Value ? "true" : "false",
        JsNull => "null",
        JsUndefined => "undefined",
        _ => null,
    };

    private static StaticValue Concatenate(StaticValue left, StaticValue right, string text)
    {
        if (left is JsNumber l && right is JsNumber r)
        {
            return new JsNumber(l.Value + r.Value);
        }

        return ToText(left) is { } a && ToText(right) is { } b && (left is JsString || right is JsString)
            ? new JsString(a + b)
            : new JsUnknown(text, "operands not statically known");
    }

    private JsObject EvaluateObject(ObjectExpression obj, ModuleScope scope, int depth)
    {
        var properties = new List<KeyValuePair<string, StaticValue>>();
        var incomplete = false;
        foreach (var member in obj.Properties)
        {
            switch (member)
            {
                case SpreadElement spread:
                    if (Evaluate(spread.Argument, scope, depth + 1) is JsObject spreadObject)
                    {
                        properties.AddRange(spreadObject.Properties);
                        incomplete |= spreadObject.Incomplete;
                    }
                    else
                    {
                        incomplete = true;
                    }

                    break;
                case Property property:
                    var key = PropertyKey(property, scope, depth);
                    if (key is null)
                    {
                        incomplete = true;
                        break;
                    }

                    var value = property.Value is IFunction function
                        ? new JsFunction(function, scope.File) { Line = property.Location.Start.Line, SourceFile = scope.File }
                        : Evaluate(property.Value, scope, depth + 1);
                    properties.Add(new(key, value with { Line = property.Location.Start.Line, SourceFile = scope.File }));
                    break;
            }
        }

        return new JsObject(properties, incomplete) { Line = obj.Location.Start.Line, SourceFile = scope.File };
    }

    private string? PropertyKey(Property property, ModuleScope scope, int depth) =>
        PropertyKeys.NameOf(property, key => Evaluate(key, scope, depth + 1));

    private StaticValue EvaluateIdentifier(Identifier id, ModuleScope scope, int depth)
    {
        switch (id.Name)
        {
            case "undefined":
                return StaticValue.Undefined;
            case "__dirname":
                return new JsString(RunningDirectory(scope.File));
            case "__filename":
                return new JsString(RunningFile(scope.File));
        }

        if (scope.Locals?.GetValueOrDefault(id.Name) is { } local)
        {
            return local;
        }

        if (scope.Bindings.TryGetValue(id.Name, out var binding))
        {
            // A module-level binding is evaluated in its module, never with a function's locals.
            return binding.Evaluate(this, scope.Module, depth + 1);
        }

        return new JsUnknown(id.Name, "not defined in this module");
    }

    private StaticValue EvaluateMember(MemberExpression member, ModuleScope scope, int depth)
    {
        var text = scope.TextOf(member);
        if (scope.TextOf(member.Object) == "process.env")
        {
            var name = member.Computed ? ToText(Evaluate(member.Property, scope, depth + 1)) : (member.Property as Identifier)?.Name;
            return name is null ? new JsUnknown(text, "environment variable") : ReadEnvironment(name);
        }

        if (text == "process.env")
        {
            return new JsUnknown(text, "the whole environment");
        }

        if (member.Object is MetaProperty && member.Property is Identifier { Name: "dirname" })
        {
            return new JsString(RunningDirectory(scope.File));
        }

        var target = Evaluate(member.Object, scope, depth + 1);
        var keyValue = member.Computed ? Evaluate(member.Property, scope, depth + 1) : null;
        string? key = member.Computed ? ToText(keyValue!) : (member.Property as Identifier)?.Name;
        if (key is null && keyValue is JsUnknown unknownKey && target is JsObject { Incomplete: false } table && table.Properties.Count > 0)
        {
            // configs[process.env.NODE_ENV]: one of the object's values, by a key only run time knows.
            return Choice(table.Keys.Select(k => new Alternative([KeyAssumption(member.Property, scope, k, unknownKey.Variable)], table.Get(k)!)), text, "indexed by " + unknownKey.Expression);
        }

        if (key is not null && MapAlternatives(target, value => ReadProperty(value, key, text, depth), text) is { } mapped)
        {
            // (cond ? a : b).migrations, require('./config').db of a module whose exports depend on a condition.
            return mapped;
        }

        return key is null ? new JsUnknown(text, "not statically known") : ReadProperty(target, key, text, depth);
    }

    private StaticValue ReadProperty(StaticValue target, string key, string text, int depth) => (target, key) switch
    {
        // require('./dist/db/config').default of a module with a default export: its exports were read through it already.
        ({ FromDefaultExport: true }, "default") when target is not JsObject { } o || o.Get("default") is null => target with { FromDefaultExport = false },
        (JsObject o, _) => o.Get(key) ?? (o.Incomplete ? new JsUnknown(text, "object not fully known") : StaticValue.Undefined),
        (JsArray a, "length") => new JsNumber(a.Items.Count),
        (JsString s, "length") => new JsNumber(s.Value.Length),
        (JsInstance instance, _) => ReadInstanceMember(instance, key, text, depth),
        _ => new JsUnknown(text, "not statically known"),
    };

    /// <summary>
    /// A class as a value: its static fields with literal names (static knexMigrationsPath = "./db/migrations"). The
    /// object is incomplete, since the class has other members the evaluation does not model.
    /// </summary>
    private StaticValue EvaluateClassStatics(IClass type, ModuleScope scope, int depth)
    {
        var properties = new List<KeyValuePair<string, StaticValue>>();
        foreach (var member in type.Body.Body)
        {
            if (member is PropertyDefinition { Static: true, Computed: false, Key: Identifier key } field)
            {
                properties.Add(KeyValuePair.Create(key.Name, field.Value is null ? StaticValue.Undefined : Evaluate(field.Value, scope, depth + 1)));
            }
        }

        return new JsObject(properties, Incomplete: true) { Class = new JsClass(type, scope.File) };
    }

    /// <summary><c>new C(args)</c>: the class and its arguments, for readers that follow a class's methods (a custom migrationSource).</summary>
    private StaticValue EvaluateNew(NewExpression creation, ModuleScope scope, int depth) =>
        Evaluate(creation.Callee, scope, depth + 1) is JsObject { Class: { } type }
            ? new JsInstance(type, creation.Arguments.Select(a => Evaluate(a, scope, depth + 1)).ToList())
            : new JsUnknown(scope.TextOf(creation), "class not found in the project");

    /// <summary>
    /// Evaluates an expression inside a function of a module, with the function's parameters (and <c>this</c>) bound
    /// to known values; every other name resolves at module level.
    /// </summary>
    public StaticValue EvaluateWith(string file, Node node, IReadOnlyDictionary<string, StaticValue> locals)
    {
        var scope = Load(file);
        return scope is null ? new JsUnknown(Path.GetFileName(file), "cannot be parsed") : Evaluate(node, scope.WithLocals(locals), 0);
    }

    private StaticValue EvaluateLogical(LogicalExpression logical, ModuleScope scope, int depth)
    {
        var left = Evaluate(logical.Left, scope, depth + 1);
        StaticValue Apply(StaticValue known) => logical.Operator switch
        {
            Operator.LogicalOr => IsTruthy(known) ? known : Evaluate(logical.Right, scope, depth + 1),
            Operator.LogicalAnd => IsTruthy(known) ? Evaluate(logical.Right, scope, depth + 1) : known,
            Operator.NullishCoalescing => known is JsNull or JsUndefined ? Evaluate(logical.Right, scope, depth + 1) : known,
            _ => new JsUnknown(scope.TextOf(logical), "not statically known"),
        };

        if (left is JsUnknown unknown)
        {
            // configs[env] ?? new Error(...): each alternative that is known decides the operator for itself.
            return MapAlternatives(left, value => value is JsUnknown ? value : Apply(value), scope.TextOf(logical))
                   ?? new JsUnknown(scope.TextOf(logical), "depends on " + unknown.Expression)
                   {
                       // process.env.NODE_ENV || 'development' is still the environment's name.
                       Variable = logical.Operator is Operator.LogicalOr or Operator.NullishCoalescing ? unknown.Variable : null,
                   };
        }

        return Apply(left);
    }

    private StaticValue ReadEnvironment(string name)
    {
        if (!EnvironmentReads.Contains(name))
        {
            EnvironmentReads.Add(name);
        }

        if (environment is null)
        {
            return new JsUnknown($"process.env.{name}", "environment variable") { Variable = name };
        }

        return environment.TryGetValue(name, out var value) ? new JsString(value) { Variable = name } : StaticValue.Undefined;
    }

    private StaticValue EvaluateConditional(ConditionalExpression conditional, ModuleScope scope, int depth)
    {
        var test = Evaluate(conditional.Test, scope, depth + 1);
        if (test is JsUnknown unknown)
        {
            var consequent = Evaluate(conditional.Consequent, scope, depth + 1);
            var alternate = Evaluate(conditional.Alternate, scope, depth + 1);
            return consequent.IsKnown && consequent.GetType() == alternate.GetType() && ToText(consequent) is { } same && same == ToText(alternate)
                ? consequent
                : Choice([new Alternative([TestAssumption(conditional.Test, scope, true)], consequent), new Alternative([TestAssumption(conditional.Test, scope, false)], alternate)],
                    scope.TextOf(conditional), "depends on " + unknown.Expression);
        }

        return Evaluate(IsTruthy(test) ? conditional.Consequent : conditional.Alternate, scope, depth + 1);
    }

    private StaticValue EvaluateEquality(BinaryExpression binary, ModuleScope scope, int depth)
    {
        var left = Evaluate(binary.Left, scope, depth + 1);
        var right = Evaluate(binary.Right, scope, depth + 1);
        if (left is JsUnknown or JsObject or JsArray or JsFunction || right is JsUnknown or JsObject or JsArray or JsFunction)
        {
            return new JsUnknown(scope.TextOf(binary), "operands not statically known");
        }

        NoteComparison(left, right);
        var strict = binary.Operator is Operator.StrictEquality or Operator.StrictInequality;
        bool equal;
        if (strict)
        {
            equal = left.GetType() == right.GetType() && ToText(left) == ToText(right);
        }
        else if (left is JsNull or JsUndefined || right is JsNull or JsUndefined)
        {
            equal = left is JsNull or JsUndefined && right is JsNull or JsUndefined;
        }
        else
        {
            equal = ToText(left) == ToText(right);
        }

        var negated = binary.Operator is Operator.StrictInequality or Operator.Inequality;
        return new JsBoolean(equal != negated);
    }

    private static readonly HashSet<string> StringMethods = ["includes", "startsWith", "endsWith", "toLowerCase", "toUpperCase", "trim"];

    private StaticValue EvaluateMethodCall(CallExpression call, MemberExpression member, ModuleScope scope, int depth)
    {
        var method = (member.Property as Identifier)?.Name;
        if (member.Computed || method is null || !StringMethods.Contains(method))
        {
            return new JsUnknown(scope.TextOf(call), "call not evaluated");
        }

        var target = Evaluate(member.Object, scope, depth + 1);
        if (target is not JsString text)
        {
            return target is JsUnknown unknown ? new JsUnknown(scope.TextOf(call), "depends on " + unknown.Expression) : new JsUnknown(scope.TextOf(call), "not a string");
        }

        var argument = call.Arguments.Count > 0 ? ToText(Evaluate(call.Arguments[0], scope, depth + 1)) : null;
        return method switch
        {
            "toLowerCase" => new JsString(text.Value.ToLowerInvariant()),
            "toUpperCase" => new JsString(text.Value.ToUpperInvariant()),
            "trim" => new JsString(text.Value.Trim()),
            _ when argument is null => new JsUnknown(scope.TextOf(call), "argument not statically known"),
            "includes" => new JsBoolean(text.Value.Contains(argument, StringComparison.Ordinal)),
            "startsWith" => new JsBoolean(text.Value.StartsWith(argument, StringComparison.Ordinal)),
            _ => new JsBoolean(text.Value.EndsWith(argument, StringComparison.Ordinal)),
        };
    }

    private StaticValue EvaluateConversion(string function, CallExpression call, ModuleScope scope, int depth)
    {
        var argument = call.Arguments.Count > 0 ? Evaluate(call.Arguments[0], scope, depth + 1) : StaticValue.Undefined;
        if (argument is JsUnknown unknown)
        {
            return new JsUnknown(scope.TextOf(call), "depends on " + unknown.Expression);
        }

        var text = ToText(argument);
        switch (function)
        {
            case "Boolean":
                return new JsBoolean(IsTruthy(argument));
            case "String":
                return text is null ? new JsUnknown(scope.TextOf(call), "not a primitive") : new JsString(text);
            case "parseInt":
                var digits = new string((text ?? string.Empty).Trim().TakeWhile((c, i) => char.IsAsciiDigit(c) || (i == 0 && c is '-' or '+')).ToArray());
                return double.TryParse(digits, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? new JsNumber(parsed) : new JsNumber(double.NaN);
            default:
                if (argument is JsNumber number)
                {
                    return number;
                }

                if (argument is JsBoolean flag)
                {
                    return new JsNumber(flag.Value ? 1 : 0);
                }

                if (argument is JsUndefined)
                {
                    return new JsNumber(double.NaN);
                }

                if (argument is JsNull)
                {
                    return new JsNumber(0);
                }

                var trimmed = (text ?? string.Empty).Trim();
                return trimmed.Length == 0 ? new JsNumber(0)
                    : double.TryParse(trimmed, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) ? new JsNumber(value) : new JsNumber(double.NaN);
        }
    }

    private StaticValue EvaluateCall(CallExpression call, ModuleScope scope, int depth)
    {
        var callee = scope.TextOf(call.Callee);
        if (callee is "Boolean" or "String" or "Number" or "parseInt" or "Number.parseInt" && !scope.Bindings.ContainsKey(callee))
        {
            return EvaluateConversion(callee == "Number.parseInt" ? "parseInt" : callee, call, scope, depth);
        }

        // Object.assign({}, base, overrides): a copy with the sources' properties in order (a non-literal target's own change is a mutation of it).
        if (callee == "Object.assign" && call.Arguments.Count > 0)
        {
            return Merge(Evaluate(call.Arguments[0], scope, depth + 1), call.Arguments.Skip(1), scope, depth);
        }

        if (call.Callee is MemberExpression { Computed: false, Property: Identifier { Name: "get" or "has" } } configRead && call.Arguments is [StringLiteral configPath] &&
            NodeConfigRead(Evaluate(configRead.Object, scope, depth + 1), ((Identifier)configRead.Property).Name, configPath.Value, scope.TextOf(call)) is { } read)
        {
            return read;
        }

        if (call.Callee is MemberExpression method && callee is not ("path.join" or "path.resolve"))
        {
            // helpers.buildSslConfig() with helpers = require('./db-helpers'): a project function reached through an object.
            if (!method.Computed && method.Property is Identifier && method.Object is not (StringLiteral or TemplateLiteral) &&
                Evaluate(method, scope, depth + 1) is JsFunction member)
            {
                return EvaluateLocalCall(member, call, scope, depth);
            }

            return EvaluateMethodCall(call, method, scope, depth);
        }

        if (call.Callee is Identifier named && (scope.Locals?.ContainsKey(named.Name) == true || scope.Bindings.ContainsKey(named.Name)) &&
            Evaluate(named, scope, depth + 1) is JsFunction local)
        {
            return EvaluateLocalCall(local, call, scope, depth);
        }

        if (callee == "require" && call.Arguments.Count == 1 && call.Arguments[0] is StringLiteral or TemplateLiteral { Expressions.Count: 0 })
        {
            var specifier = call.Arguments[0] is StringLiteral required ? required.Value : ((TemplateLiteral)call.Arguments[0]).Quasis[0].Value.Cooked ?? string.Empty;
            return Require(specifier, scope, depth, scope.TextOf(call));
        }

        if (callee is "path.join" or "path.resolve" or "join" or "resolve" && (callee.StartsWith("path.", StringComparison.Ordinal) || scope.ImportsFromPath(callee)))
        {
            var parts = new List<string>();
            foreach (var argument in call.Arguments)
            {
                if (ToText(Evaluate(argument, scope, depth + 1)) is not { } part)
                {
                    return new JsUnknown(scope.TextOf(call), "path with unknown parts");
                }

                parts.Add(part);
            }

            var joined = callee.EndsWith("resolve", StringComparison.Ordinal)
                ? Path.GetFullPath(Path.Combine([Path.GetDirectoryName(scope.File)!, .. parts]))
                : Path.Join([.. parts]);
            return new JsString(joined);
        }

        return new JsUnknown(scope.TextOf(call), "call not evaluated");
    }

    /// <summary>
    /// A call of a function of the project that builds a value (ssl: buildSSLConfig(), knex(getMasterConfig(env))):
    /// its parameters bound to the arguments, and the value its body returns (StaticEvaluator.Functions.cs).
    /// </summary>
    private StaticValue EvaluateLocalCall(JsFunction function, CallExpression call, ModuleScope callerScope, int depth)
    {
        var text = callerScope.TextOf(call);
        if (Load(function.File) is not { } module)
        {
            return new JsUnknown(text, "function not readable");
        }

        var locals = new Dictionary<string, StaticValue>(StringComparer.Ordinal);
        var arguments = call.Arguments.Select(a => Evaluate(a, callerScope, depth + 1)).ToList();
        if (!BindParameters(function.Function, module, arguments, locals, depth + 1))
        {
            return new JsUnknown(text, "parameters not statically known");
        }

        return function.Function.Body is BlockStatement block
            ? RunFunctionBody(block, module, locals, text, depth + 1)
            : Evaluate(function.Function.Body, module.WithLocals(locals), depth + 1);
    }

    /// <summary>
    /// Binds a function's parameters to the values of its arguments (a default applies to an undefined argument). A
    /// destructured parameter is left unbound, and then the answer is false.
    /// </summary>
    public bool BindParameters(IFunction function, string file, IReadOnlyList<StaticValue> arguments, Dictionary<string, StaticValue> locals) =>
        Load(file) is { } module && BindParameters(function, module, arguments, locals, 0);

    private bool BindParameters(IFunction function, ModuleScope module, IReadOnlyList<StaticValue> arguments, Dictionary<string, StaticValue> locals, int depth)
    {
        var all = true;
        for (var i = 0; i < function.Params.Count; i++)
        {
            var argument = i < arguments.Count ? arguments[i] : StaticValue.Undefined;
            switch (function.Params[i])
            {
                case Identifier name:
                    locals[name.Name] = argument;
                    break;
                case AssignmentPattern { Left: Identifier name, Right: var fallback }:
                    locals[name.Name] = argument is JsUndefined ? Evaluate(fallback, module.WithLocals(locals), depth) : argument;
                    break;
                default:
                    all = false;
                    break;
            }
        }

        return all;
    }

    private static readonly string[] ResolvableExtensions = [".js", ".cjs", ".mjs", ".ts", ".json"];

    /// <summary>Node's resolution for relative specifiers: the file, the file with an extension, or the folder's index.</summary>
    public static string? ResolveLocal(string directory, string specifier)
    {
        var basePath = Path.GetFullPath(Path.Combine(directory, specifier));
        if (File.Exists(basePath))
        {
            return basePath;
        }

        foreach (var extension in ResolvableExtensions)
        {
            if (File.Exists(basePath + extension))
            {
                return basePath + extension;
            }
        }

        // TypeScript sources import "./x.js" for a file written as x.ts.
        if (basePath.EndsWith(".js", StringComparison.Ordinal) && File.Exists(basePath[..^3] + ".ts"))
        {
            return basePath[..^3] + ".ts";
        }

        foreach (var extension in ResolvableExtensions)
        {
            var index = Path.Combine(basePath, "index" + extension);
            if (File.Exists(index))
            {
                return index;
            }
        }

        return null;
    }
}
