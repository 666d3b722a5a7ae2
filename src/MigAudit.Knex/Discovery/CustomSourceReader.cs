using Acornima;
using Acornima.Ast;
using MigAudit.Core;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Knex.Discovery;

/// <summary>
/// Follows a custom <c>migrationSource</c> without running it. Knex calls its getMigrations(loadExtensions) and runs
/// the list in the order returned (it does not sort a custom source's list), recording getMigrationName(m) for each.
/// The reader finds the folders getMigrations reads (fs.readdir of a path built from constants, constructor
/// arguments and <c>this</c> fields), its <c>.filter()</c>, its <c>.sort()</c> and the form of the recorded name.
/// Whatever does not fit those shapes is an unknown, with its file:line.
/// </summary>
public static class CustomSourceReader
{
    private static readonly string[] ReaddirCalls = ["readdir", "readdirSync"];
    private static readonly string[] GlobCalls = ["glob", "globSync", "sync", "globby", "fg", "readdirp", "opendir", "opendirSync", "walk"];

    public static CustomMigrationSource Read(StaticValue value, string expression, StaticEvaluator evaluator, string root)
    {
        var source = new CustomMigrationSource { Expression = expression, Kind = value is JsInstance ? "class" : "object" };
        if (Methods(value, evaluator) is not { } methods)
        {
            return source with
            {
                OtherUnknowns = [value is JsUnknown unknown
                    ? $"{Quoting.Printable(unknown.Expression)} cannot be followed ({unknown.Reason})"
                    : $"migrationSource is {StaticValueText.Describe(value)}: not an instance of a class of the project nor an object with a getMigrations() method"],
            };
        }

        var unknowns = new List<string>(methods.Problems);
        var folderUnknowns = new List<string>();
        var (file, self) = (methods.File, methods.This);
        var relativeFile = ProjectFiles.Relative(root, file);
        string Where(Node node) => $"{relativeFile}:{node.Location.Start.Line}";
        if (methods.GetMigrations is not { } getMigrations)
        {
            return source with { File = relativeFile, OtherUnknowns = [.. unknowns, $"{relativeFile}: no getMigrations() method found"] };
        }

        var scope = evaluator.Load(file)!;
        var locals = new Dictionary<string, StaticValue>(StringComparer.Ordinal) { ["this"] = self };
        if (getMigrations.Params.FirstOrDefault() is Identifier loadExtensions)
        {
            // Knex passes config.loadExtensions, which is its default list whenever a custom source is in use.
            locals[loadExtensions.Name] = new JsArray(MigrationSettings.DefaultLoadExtensions.Select(e => (StaticValue)new JsString(e)).ToList());
        }

        var nodes = SyntaxSearch.Descendants((Node)getMigrations).ToList();
        foreach (var declarator in nodes.OfType<VariableDeclarator>())
        {
            if (declarator is { Id: Identifier local, Init: { } init })
            {
                locals[local.Name] = evaluator.EvaluateWith(file, init, locals);
            }
        }

        var calls = nodes.OfType<CallExpression>().ToList();
        var folders = new List<string>();
        foreach (var call in calls)
        {
            var name = SyntaxSearch.CalleeName(call);
            if (ReaddirCalls.Contains(name) && call.Arguments.Count > 0)
            {
                switch (evaluator.EvaluateWith(file, call.Arguments[0], locals))
                {
                    case JsString folder when ProjectFiles.Relative(root, Path.GetFullPath(Path.Combine(root, folder.Value))) is var relative && !relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative):
                        folders.Add(relative);
                        break;
                    case JsString outside:
                        folderUnknowns.Add($"{Where(call)}: getMigrations() reads {Quoting.Printable(outside.Value)}, outside the project");
                        break;
                    case var other:
                        folderUnknowns.Add($"{Where(call)}: the folder getMigrations() reads is {StaticValueText.Describe(other)}");
                        break;
                }
            }
            else if (GlobCalls.Contains(name))
            {
                folderUnknowns.Add($"{Where(call)}: getMigrations() lists files with {scope.TextOf(call.Callee)}(), which migaudit does not follow");
            }
        }

        if (folders.Count == 0 && folderUnknowns.Count == 0)
        {
            folderUnknowns.Add($"{Where((Node)getMigrations)}: getMigrations() reads no folder migaudit can see (a list built in code)");
        }

        var (filter, filterText) = ReadFilter(calls, scope, locals, Where, unknowns);
        var (order, orderText) = ReadOrder(calls, scope, Where);
        if (order == MigrationOrder.Unknown)
        {
            unknowns.Add($"{orderText}: a comparator migaudit does not model, so the order Knex runs the migrations in is unknown");
        }

        var nameForm = methods.GetMigrationName is { } getName ? NameForm(getName, scope) : RecordedNameForm.Unknown;
        var mapped = calls.FirstOrDefault(c => SyntaxSearch.CalleeName(c) == "map");
        if (nameForm == RecordedNameForm.FileName && mapped is not null && methods.GetMigrationName is { } identity && IsIdentity(identity))
        {
            nameForm = RecordedNameForm.Unknown;
            unknowns.Add($"{Where(mapped)}: getMigrations() maps the file names and getMigrationName() returns the mapped value, so the names Knex records are unknown");
        }
        else if (nameForm == RecordedNameForm.Unknown)
        {
            unknowns.Add(methods.GetMigrationName is { } name
                ? $"{Where((Node)name)}: getMigrationName() returns {scope.TextOf(SyntaxSearch.ReturnedExpression(name))}, so the names Knex records are unknown"
                : $"{relativeFile}: no getMigrationName() method found (Knex calls it for every migration)");
        }

        return source with
        {
            File = relativeFile,
            Line = ((Node)getMigrations).Location.Start.Line,
            Folders = folders.Distinct().ToList(),
            Filter = filter,
            FilterText = filterText,
            Order = order,
            OrderText = orderText,
            NameForm = nameForm,
            FolderUnknowns = folderUnknowns,
            OtherUnknowns = unknowns,
        };
    }

    private sealed record SourceMethods(string File, StaticValue This, IFunction? GetMigrations, IFunction? GetMigrationName, IReadOnlyList<string> Problems);

    /// <summary>The three methods and the value of <c>this</c> inside them: the object itself, or the instance's fields.</summary>
    private static SourceMethods? Methods(StaticValue value, StaticEvaluator evaluator)
    {
        switch (value)
        {
            case JsObject literal when literal.Get("getMigrations") is JsFunction getMigrations:
                return new SourceMethods(getMigrations.File, literal, getMigrations.Function, (literal.Get("getMigrationName") as JsFunction)?.Function, []);
            case JsInstance instance:
                var type = instance.Class.Declaration;
                var members = type.Body.Body;
                IFunction? Method(string name) => members.Select(m => m switch
                {
                    MethodDefinition { Key: Identifier key, Value: var function } when key.Name == name => (IFunction)function,
                    PropertyDefinition { Key: Identifier key, Value: IFunction function } when key.Name == name => function,
                    _ => null,
                }).FirstOrDefault(f => f is not null);
                var problems = new List<string>();
                if (type.SuperClass is not null && (Method("getMigrations") is null || Method("getMigrationName") is null))
                {
                    problems.Add($"{Path.GetFileName(instance.Class.File)}:{((Node)type).Location.Start.Line}: the class inherits its methods from a base class migaudit does not follow");
                }

                return new SourceMethods(instance.Class.File, InstanceFields(instance, evaluator), Method("getMigrations"), Method("getMigrationName"), problems);
            default:
                return null;
        }
    }

    /// <summary>
    /// The instance's fields after its constructor: field initialisers, then <c>this.x = ...</c> assignments with the
    /// constructor's parameters bound to the arguments of <c>new</c>. A TypeScript parameter property
    /// (<c>constructor(private dir: string)</c>) is a field of the parameter's name.
    /// </summary>
    private static JsObject InstanceFields(JsInstance instance, StaticEvaluator evaluator)
    {
        var file = instance.Class.File;
        var fields = new List<KeyValuePair<string, StaticValue>>();
        var locals = new Dictionary<string, StaticValue>(StringComparer.Ordinal);
        JsObject Current() => new(fields, Incomplete: true);
        foreach (var member in instance.Class.Declaration.Body.Body)
        {
            if (member is PropertyDefinition { Static: false, Computed: false, Key: Identifier key, Value: { } initializer } and not { Value: IFunction })
            {
                locals["this"] = Current();
                fields.Add(new(key.Name, evaluator.EvaluateWith(file, initializer, locals)));
            }
        }

        var constructor = instance.Class.Declaration.Body.Body.OfType<MethodDefinition>().FirstOrDefault(m => m.Kind == PropertyKind.Constructor);
        if (constructor is null)
        {
            return Current();
        }

        // A destructured parameter stays unbound: the fields made from it are unknown.
        var parameters = constructor.Value.Params;
        evaluator.BindParameters(constructor.Value, file, instance.Arguments, locals);

        var assigned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var statement in constructor.Value.Body.Body)
        {
            if (statement is ExpressionStatement { Expression: AssignmentExpression { Operator: Operator.Assignment, Left: MemberExpression { Object: ThisExpression, Computed: false, Property: Identifier field }, Right: var right } })
            {
                locals["this"] = Current();
                fields.Add(new(field.Name, evaluator.EvaluateWith(file, right, locals)));
                assigned.Add(field.Name);
            }
        }

        if (file.EndsWith(".ts", StringComparison.Ordinal))
        {
            foreach (var parameter in parameters.OfType<Identifier>().Where(p => !assigned.Contains(p.Name)))
            {
                fields.Insert(0, new(parameter.Name, locals[parameter.Name]));
            }
        }

        return Current();
    }

    private static (IReadOnlyList<NameTest>, string?) ReadFilter(List<CallExpression> calls, ModuleScope scope, IReadOnlyDictionary<string, StaticValue> locals, Func<Node, string> where, List<string> unknowns)
    {
        var tests = new List<NameTest>();
        var texts = new List<string>();
        foreach (var call in calls.Where(c => SyntaxSearch.CalleeName(c) == "filter" && c.Arguments.Count > 0))
        {
            texts.Add(scope.TextOf(call.Arguments[0]));
            if (call.Arguments[0] is IFunction { Params: [Identifier parameter] } predicate && SyntaxSearch.ReturnedExpression(predicate) is { } body &&
                NameTests(body, parameter.Name, locals) is { } found)
            {
                tests.AddRange(found);
            }
            else
            {
                unknowns.Add($"{where(call)}: a filter migaudit does not model ({scope.TextOf(call.Arguments[0])}), so which files are migrations is unknown");
            }
        }

        return (tests, texts.Count == 0 ? null : string.Join(" then ", texts));
    }

    /// <summary>A filter's condition as tests that must all pass, or null when it has another shape.</summary>
    private static List<NameTest>? NameTests(Node condition, string parameter, IReadOnlyDictionary<string, StaticValue> locals)
    {
        bool IsName(Node node) => node is Identifier id && id.Name == parameter ||
                                  node is MemberExpression { Object: Identifier owner, Property: Identifier { Name: "name" } } && owner.Name == parameter;
        bool IsExtname(Node node) => node is CallExpression { Arguments: [var argument] } call && SyntaxSearch.CalleeName(call) == "extname" && IsName(argument);
        static IReadOnlyList<string>? Strings(Node node) => node switch
        {
            StringLiteral s => [s.Value],
            ArrayExpression array when array.Elements.All(e => e is StringLiteral) => array.Elements.Select(e => ((StringLiteral)e!).Value).ToList(),
            _ => null,
        };

        switch (condition)
        {
            case ParenthesizedExpression parenthesized:
                return NameTests(parenthesized.Expression, parameter, locals);
            case LogicalExpression { Operator: Operator.LogicalAnd } and:
                return NameTests(and.Left, parameter, locals) is { } left && NameTests(and.Right, parameter, locals) is { } right ? [.. left, .. right] : null;
            case LogicalExpression { Operator: Operator.LogicalOr } or:
                return NameTests(or.Left, parameter, locals) is [{ Negated: false } a] && NameTests(or.Right, parameter, locals) is [{ Negated: false } b] && a.Kind == b.Kind
                    ? [a with { AnyOf = [.. a.AnyOf, .. b.AnyOf] }]
                    : null;
            case UnaryExpression { Operator: Operator.LogicalNot } not:
                return NameTests(not.Argument, parameter, locals) is [var single] ? [single with { Negated = !single.Negated }] : null;
            case CallExpression { Callee: MemberExpression { Object: var target, Property: Identifier { Name: var method } } } call when IsName(target):
                return (method, call.Arguments.Count == 1 ? Strings(call.Arguments[0]) : null) switch
                {
                    ("endsWith", [var suffix]) => [new NameTest(NameTestKind.EndsWith, [suffix])],
                    ("startsWith", [var prefix]) => [new NameTest(NameTestKind.StartsWith, [prefix])],
                    ("includes", [var part]) => [new NameTest(NameTestKind.Includes, [part])],
                    ("isFile", _) when call.Arguments.Count == 0 => [new NameTest(NameTestKind.IsFile, [])],
                    ("match", _) when call.Arguments[0] is RegExpLiteral pattern => RegexSuffixes(pattern) is { } suffixes ? [new NameTest(NameTestKind.EndsWith, suffixes)] : null,
                    _ => null,
                };
            case CallExpression { Callee: MemberExpression { Object: RegExpLiteral pattern, Property: Identifier { Name: "test" } }, Arguments: [var tested] } when IsName(tested):
                return RegexSuffixes(pattern) is { } endings ? [new NameTest(NameTestKind.EndsWith, endings)] : null;
            case CallExpression { Callee: MemberExpression { Object: var list, Property: Identifier { Name: "includes" } }, Arguments: [var extension] } when IsExtname(extension):
                var values = Strings(list) ?? (list is Identifier named && locals.GetValueOrDefault(named.Name) is JsArray known && known.Items.All(i => i is JsString)
                    ? known.Items.Cast<JsString>().Select(s => s.Value).ToList()
                    : null);
                return values is null ? null : [new NameTest(NameTestKind.ExtensionIn, values)];
            case BinaryExpression { Operator: Operator.StrictEquality or Operator.Equality or Operator.StrictInequality or Operator.Inequality } comparison:
                var (call2, literal) = IsExtname(comparison.Left) ? (comparison.Left, comparison.Right) : (comparison.Right, comparison.Left);
                return IsExtname(call2) && literal is StringLiteral ext
                    ? [new NameTest(NameTestKind.ExtensionIn, [ext.Value], comparison.Operator is Operator.StrictInequality or Operator.Inequality)]
                    : null;
            default:
                return null;
        }
    }

    /// <summary>/\.js$/ or /\.(js|ts)$/ as the suffixes it accepts.</summary>
    private static IReadOnlyList<string>? RegexSuffixes(RegExpLiteral literal)
    {
        var match = System.Text.RegularExpressions.Regex.Match(literal.RegExp.Pattern, @"^\\\.(?:(?<one>[A-Za-z0-9]+)|\((?:\?:)?(?<many>[A-Za-z0-9]+(?:\|[A-Za-z0-9]+)*)\))\$$");
        if (!match.Success || literal.RegExp.Flags.Contains('i'))
        {
            return null;
        }

        var endings = match.Groups["one"].Success ? [match.Groups["one"].Value] : match.Groups["many"].Value.Split('|');
        return endings.Select(e => "." + e).ToList();
    }

    private static (MigrationOrder, string) ReadOrder(List<CallExpression> calls, ModuleScope scope, Func<Node, string> where)
    {
        var sorts = calls.Where(c => SyntaxSearch.CalleeName(c) is "sort" or "sortBy" or "toSorted" or "reverse" or "orderBy").ToList();
        if (sorts.Count == 0)
        {
            return (MigrationOrder.ReaddirOrder, "no sort: fs.readdir's order (byte order on Linux and macOS)");
        }

        var last = sorts[^1];
        var text = $"{where(last)}: .{SyntaxSearch.CalleeName(last)}({(last.Arguments.Count > 0 ? scope.TextOf(last.Arguments[^1]) : string.Empty)})";
        if (sorts.Count > 1 || SyntaxSearch.CalleeName(last) is "reverse" or "orderBy")
        {
            return (MigrationOrder.Unknown, text);
        }

        if (SyntaxSearch.CalleeName(last) == "sortBy")
        {
            // lodash sortBy(list) or sortBy(list, identity): string order; with another iteratee, unknown.
            return last.Arguments.Count == 1 ? (MigrationOrder.StringSort, text) : (MigrationOrder.Unknown, text);
        }

        if (last.Arguments.Count == 0)
        {
            return (MigrationOrder.StringSort, text);
        }

        var comparator = scope.TextOf(last.Arguments[0]);
        if (comparator.Contains("localeCompare", StringComparison.Ordinal))
        {
            return comparator.Contains("numeric", StringComparison.Ordinal) ? (MigrationOrder.NaturalLocaleCompare, text) : (MigrationOrder.LocaleCompare, text);
        }

        if (comparator.Contains("semver", StringComparison.OrdinalIgnoreCase) || comparator.Contains("compareVersions", StringComparison.Ordinal))
        {
            return (MigrationOrder.Semver, text);
        }

        if (last.Arguments[0] is IFunction { Params: [Identifier a, Identifier b] } numeric && SyntaxSearch.ReturnedExpression(numeric) is BinaryExpression { Operator: Operator.Subtraction } difference &&
            IsLeadingInteger(difference.Left, a.Name) && IsLeadingInteger(difference.Right, b.Name))
        {
            return (MigrationOrder.Numeric, text);
        }

        return (MigrationOrder.Unknown, text);
    }

    private static bool IsLeadingInteger(Node node, string parameter) =>
        node is CallExpression { Arguments: [Identifier argument, ..] } call && argument.Name == parameter && SyntaxSearch.CalleeName(call) is "parseInt";

    private static RecordedNameForm NameForm(IFunction getName, ModuleScope scope)
    {
        if (getName.Params is not [Identifier parameter] || SyntaxSearch.ReturnedExpression(getName) is not { } returned)
        {
            return RecordedNameForm.Unknown;
        }

        bool IsParameter(Node? node) => node is Identifier id && id.Name == parameter.Name;
        return returned switch
        {
            Identifier when IsParameter(returned) => RecordedNameForm.FileName,
            CallExpression { Arguments: [var only] } call when SyntaxSearch.CalleeName(call) == "basename" && IsParameter(only) => RecordedNameForm.FileName,
            CallExpression { Arguments: [var first, _] } call when SyntaxSearch.CalleeName(call) == "basename" && IsParameter(first) => RecordedNameForm.WithoutExtension,
            MemberExpression { Property: Identifier { Name: "name" }, Object: CallExpression { Arguments: [var parsed] } parse } when SyntaxSearch.CalleeName(parse) == "parse" && IsParameter(parsed) => RecordedNameForm.WithoutExtension,
            CallExpression { Callee: MemberExpression { Object: var target, Property: Identifier { Name: "replace" } }, Arguments: [RegExpLiteral pattern, StringLiteral { Value: "" }] } when IsParameter(target) && RegexSuffixes(pattern) is not null => RecordedNameForm.WithoutExtension,
            _ => RecordedNameForm.Unknown,
        };
    }

    private static bool IsIdentity(IFunction function) =>
        function.Params is [Identifier parameter] && SyntaxSearch.ReturnedExpression(function) is Identifier returned && returned.Name == parameter.Name;
}
