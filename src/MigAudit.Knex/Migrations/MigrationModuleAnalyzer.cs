using Acornima;
using Acornima.Ast;
using MigAudit.Core;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Knex.Migrations;

/// <summary>
/// Reads a migration file's module statically and tells what Knex will find in it: the exported
/// <c>up</c>/<c>down</c>, whether they do anything, and whether they talk to the database through the
/// knex object Knex passes in or through some other client.
/// </summary>
public static class MigrationModuleAnalyzer
{
    /// <summary>Methods people call on a pg client that a knex instance or transaction does not have.</summary>
    private static readonly HashSet<string> ClientOnlyMethods = ["query", "execute", "none", "any", "one", "many", "oneOrNone", "manyOrNone"];

    public static MigrationModule Analyze(string path, ParsedModuleCache cache) => Analyze(cache.File(path), path);

    /// <summary>The module, and whether Node rejects its syntax in the module system Knex loads it with.</summary>
    public static MigrationModule Analyze(string path, ParsedModuleCache cache, NodeModuleLoading loading)
    {
        var parsed = cache.File(path);
        return Analyze(parsed, path) with { LoadProblem = loading.Check(parsed, path) };
    }

    public static MigrationModule AnalyzeText(string text, string fileName)
    {
        var parsed = JsParser.Parse(text, fileName);
        return Analyze(new ParsedFile(parsed.OffsetsMatch(text) ? text : parsed.Code!, parsed.Program, parsed.Problem, parsed.IsModuleSyntax, parsed.Language, text.Length, false), fileName);
    }

    private static MigrationModule Analyze(ParsedFile parsed, string fileName)
    {
        if (parsed.Program is null)
        {
            return new MigrationModule { Language = parsed.Language, ModuleSystem = ModuleSystem.Unknown, ParseProblem = parsed.Problem };
        }

        var scope = new ModuleScope(fileName, parsed.Text, parsed.Program);
        var exports = new ExportCollector(scope);
        exports.Collect();

        return new MigrationModule
        {
            Language = parsed.Language,
            ModuleSystem = parsed.IsModuleSyntax ? ModuleSystem.EsModule : ModuleSystem.CommonJs,
            Up = exports.Resolve("up"),
            Down = exports.Resolve("down"),
            ExportsUnknown = exports.Unknown,
            DefaultExportLine = exports.DefaultObjectLine,
            DisablesTransaction = exports.DisablesTransaction,
        };
    }

    /// <summary>The up and down functions a module exports, as syntax nodes, for the schema replay.</summary>
    public static (IFunction? Up, IFunction? Down) ExportedFunctions(ModuleScope scope)
    {
        var exports = new ExportCollector(scope);
        exports.Collect();
        return (exports.FunctionOf("up"), exports.FunctionOf("down"));
    }

    private sealed class ExportCollector(ModuleScope scope)
    {
        private readonly Dictionary<string, Node> exported = new(StringComparer.Ordinal);

        public bool Unknown { get; private set; }
        public int? DefaultObjectLine { get; private set; }
        public bool DisablesTransaction { get; private set; }

        public void Collect()
        {
            foreach (var statement in scope.Program.Body)
            {
                switch (statement)
                {
                    case ExpressionStatement { Expression: AssignmentExpression { Operator: Operator.Assignment } assignment }:
                        CollectAssignment(assignment);
                        break;
                    case ExpressionStatement { Expression: CallExpression call } when scope.TextOf(call.Callee) == "Object.assign" &&
                                                                                     call.Arguments.Count > 0 && scope.TextOf(call.Arguments[0]) is "module.exports" or "exports":
                        foreach (var argument in call.Arguments.Skip(1))
                        {
                            CollectObject(argument);
                        }

                        break;
                    case ExportNamedDeclaration named:
                        CollectNamed(named);
                        break;
                    case ExportDefaultDeclaration exportDefault:
                        var value = Deref(exportDefault.Declaration);
                        if (value is ObjectExpression o && HasMigrationKeys(o))
                        {
                            DefaultObjectLine = exportDefault.Location.Start.Line;
                        }

                        break;
                    case ExportAllDeclaration:
                        Unknown = true;
                        break;
                }
            }
        }

        private bool HasMigrationKeys(ObjectExpression o) =>
            o.Properties.OfType<Property>().Any(p => KeyOf(p) is "up" or "down");

        /// <summary>A property's name however its key is spelled: <c>up</c>, <c>"up"</c>, <c>['up']</c>, <c>[UP]</c>.</summary>
        private string? KeyOf(Property property) => PropertyKeys.NameOf(property, Constant);

        /// <summary>
        /// The value an expression always has when it is a literal or a module-level binding to one that nothing
        /// reassigns (<c>const KEY = 'transaction'</c>); null otherwise.
        /// </summary>
        private StaticValue? Constant(Expression expression)
        {
            Node? node = expression;
            for (var guard = 0; guard < 16 && node is Identifier id; guard++)
            {
                if (!scope.Bindings.TryGetValue(id.Name, out var binding) || binding.ImportSource is not null || scope.MutationsOf(id.Name).Count > 0)
                {
                    return null;
                }

                node = binding.Initializer;
            }

            return node switch
            {
                StringLiteral s => new JsString(s.Value),
                NumericLiteral n => new JsNumber(n.Value),
                BooleanLiteral b => new JsBoolean(b.Value),
                TemplateLiteral { Expressions.Count: 0, Quasis: [var only] } when only.Value.Cooked is { } cooked => new JsString(cooked),
                _ => null,
            };
        }

        private void CollectAssignment(AssignmentExpression assignment)
        {
            var target = scope.TextOf(assignment.Left).Replace(" ", string.Empty, StringComparison.Ordinal);
            if (target is "module.exports" or "exports")
            {
                if (target == "exports")
                {
                    // Rebinding the local "exports" does not change module.exports: Knex sees nothing.
                    return;
                }

                exported.Clear();
                CollectObject(assignment.Right);
                return;
            }

            var name = ExportedName(target);
            if (name is not null)
            {
                exported[name] = assignment.Right;
            }
        }

        private static string? ExportedName(string target)
        {
            foreach (var prefix in new[] { "module.exports.", "exports." })
            {
                if (target.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return target[prefix.Length..];
                }
            }

            foreach (var prefix in new[] { "module.exports[", "exports[" })
            {
                if (target.StartsWith(prefix, StringComparison.Ordinal) && target.Length > prefix.Length + 3)
                {
                    return target[(prefix.Length + 1)..^2];
                }
            }

            return null;
        }

        private void CollectObject(Node value)
        {
            switch (Deref(value))
            {
                case ObjectExpression o:
                    foreach (var member in o.Properties)
                    {
                        if (member is Property property)
                        {
                            if (KeyOf(property) is { } key)
                            {
                                exported[key] = property.Value;
                            }
                            else
                            {
                                // A key computed from something unknown may be up or down.
                                Unknown = true;
                            }
                        }
                        else if (member is SpreadElement)
                        {
                            Unknown = true;
                        }
                    }

                    break;
                default:
                    Unknown = true;
                    break;
            }
        }

        private void CollectNamed(ExportNamedDeclaration named)
        {
            switch (named.Declaration)
            {
                case FunctionDeclaration { Id: { } id } function:
                    exported[id.Name] = function;
                    break;
                case VariableDeclaration variables:
                    foreach (var declarator in variables.Declarations)
                    {
                        if (declarator.Id is Identifier id && declarator.Init is not null)
                        {
                            exported[id.Name] = declarator.Init;
                        }
                    }

                    break;
            }

            foreach (var specifier in named.Specifiers)
            {
                if (specifier.Exported is Identifier exportedName)
                {
                    if (named.Source is not null)
                    {
                        Unknown = true;
                    }
                    else
                    {
                        exported[exportedName.Name] = specifier.Local;
                    }
                }
            }
        }

        /// <summary>Follows identifiers to their module-level declaration.</summary>
        private Node? Deref(Node? node)
        {
            for (var guard = 0; guard < 16 && node is Identifier id && scope.Bindings.TryGetValue(id.Name, out var binding) && binding.ImportSource is null; guard++)
            {
                node = binding.Initializer;
            }

            return node;
        }

        public IFunction? FunctionOf(string name) => exported.TryGetValue(name, out var node) ? Deref(node) as IFunction : null;

        public ExportedFunction? Resolve(string name)
        {
            if (name == "up" && exported.TryGetValue("config", out var config) && Deref(config) is ObjectExpression configObject)
            {
                // Knex reads config.transaction === false (Migrator._useTransaction); the last property of that name wins,
                // and { transaction } with const transaction = false is the same property.
                var transaction = configObject.Properties.OfType<Property>().LastOrDefault(p => KeyOf(p) == "transaction");
                DisablesTransaction = transaction?.Value is Expression value && Constant(value) is JsBoolean { Value: false };
            }

            if (!exported.TryGetValue(name, out var node))
            {
                return null;
            }

            var line = node.Location.Start.Line;
            var target = Deref(node);
            if (target is IFunction function)
            {
                return AnalyzeFunction(function, line);
            }

            // An export that is present but not a function (null, a string...) is what Knex rejects too;
            // an unresolvable one (a call, an import) is given the benefit of the doubt.
            var isFunction = target is not (Literal or ObjectExpression or ArrayExpression or TemplateLiteral);
            return new ExportedFunction { Line = line, IsFunction = isFunction, IsEmpty = false };
        }

        private ExportedFunction AnalyzeFunction(IFunction function, int line)
        {
            var parameter = function.Params.Count > 0 ? function.Params[0] switch
            {
                Identifier id => id.Name,
                AssignmentPattern { Left: Identifier id } => id.Name,
                _ => null,
            } : null;

            var uses = new List<NonKnexUse>();
            var locals = new Dictionary<string, string>(StringComparer.Ordinal);
            Walk((Node)function.Body, parameter, uses, locals, knexAliases: parameter is null ? [] : [parameter]);
            return new ExportedFunction
            {
                Line = line,
                ParameterName = parameter,
                IsEmpty = IsEmptyBody(function),
                NonKnexUses = uses,
            };
        }

        private static bool IsEmptyBody(IFunction function)
        {
            if (function.Body is BlockStatement block)
            {
                var statements = block.Body.Where(s => s is not EmptyStatement).ToList();
                return statements.Count == 0 ||
                       (statements.Count == 1 && statements[0] is ReturnStatement ret &&
                        (ret.Argument is null or NullLiteral || IsResolvedPromise(ret.Argument)));
            }

            return function.Body is Expression expression && IsResolvedPromise(expression);
        }

        private static bool IsResolvedPromise(Expression? expression) =>
            expression is CallExpression { Arguments.Count: 0, Callee: MemberExpression { Object: Identifier { Name: "Promise" }, Property: Identifier { Name: "resolve" } } };

        private void Walk(Node node, string? parameter, List<NonKnexUse> uses, Dictionary<string, string> locals, List<string> knexAliases)
        {
            switch (node)
            {
                case VariableDeclarator { Id: Identifier local, Init: { } init }:
                    if (ClientSourceOf(init, locals) is { } source)
                    {
                        locals[local.Name] = source;
                    }

                    break;
                case CallExpression { Callee: MemberExpression { Object: Identifier receiver, Property: Identifier method, Computed: false } } call:
                    if (ClientOnlyMethods.Contains(method.Name))
                    {
                        var expression = $"{receiver.Name}.{method.Name}()";
                        var line = call.Location.Start.Line;
                        if (knexAliases.Contains(receiver.Name))
                        {
                            uses.Add(new NonKnexUse(line, expression, NonKnexKind.MissingMethodOnKnexParameter, null));
                        }
                        else if (locals.TryGetValue(receiver.Name, out var local) || ModuleClientSource(receiver.Name) is { } module && (local = module) is not null)
                        {
                            uses.Add(new NonKnexUse(line, expression, NonKnexKind.ExternalClient, local));
                        }
                    }

                    // knex.transaction(trx => ...) passes another knex object: it has no query() either.
                    if (method.Name == "transaction" && knexAliases.Contains(receiver.Name) && call.Arguments.Count > 0 &&
                        call.Arguments[0] is IFunction { Params.Count: > 0 } callback && callback.Params[0] is Identifier trx)
                    {
                        knexAliases = [.. knexAliases, trx.Name];
                    }

                    break;
            }

            foreach (var child in node.ChildNodes)
            {
                Walk(child, parameter, uses, locals, knexAliases);
            }
        }

        /// <summary>Where a value that looks like a database client comes from, if it is not the knex parameter.</summary>
        private string? ClientSourceOf(Node init, Dictionary<string, string> locals) => init switch
        {
            AwaitExpression a => ClientSourceOf(a.Argument, locals),
            CallExpression { Callee: MemberExpression { Object: Identifier owner, Property: Identifier { Name: "connect" } } } =>
                locals.TryGetValue(owner.Name, out var s) ? s : ModuleClientSource(owner.Name),
            NewExpression { Callee: var callee } when scope.TextOf(callee) is var name && (name.EndsWith("Pool", StringComparison.Ordinal) || name.EndsWith("Client", StringComparison.Ordinal)) =>
                "pg " + name,
            CallExpression { Callee: Identifier { Name: "require" }, Arguments: [StringLiteral module] } => module.Value,
            _ => null,
        };

        /// <summary>A module-level binding that holds a client: a require/import of a module, or a new Pool/Client.</summary>
        private string? ModuleClientSource(string name)
        {
            if (!scope.Bindings.TryGetValue(name, out var binding))
            {
                return null;
            }

            if (binding.ImportSource is { } imported)
            {
                return imported;
            }

            return binding.Initializer switch
            {
                CallExpression { Callee: Identifier { Name: "require" }, Arguments: [StringLiteral module] } => module.Value,
                MemberExpression { Object: CallExpression { Callee: Identifier { Name: "require" }, Arguments: [StringLiteral module] } } => module.Value,
                NewExpression { Callee: var callee } => "pg " + scope.TextOf(callee),
                Expression other => ClientSourceOf(other, []),
                _ => null,
            };
        }
    }
}
