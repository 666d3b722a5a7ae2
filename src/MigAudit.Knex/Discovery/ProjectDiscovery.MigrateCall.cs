using Acornima.Ast;
using MigAudit.Core;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Knex.Discovery;

/// <summary>
/// Projects without a knexfile run <c>knex.migrate.latest(...)</c> from their own code. With an argument, that object
/// (a literal, a variable, <c>require('./migrate-config')</c>) is the migrations config; with none, Knex uses the
/// <c>migrations</c> config of the instance the call is made on (knex 3.1.0 Migrator: the constructor reads
/// <c>knex.client.config.migrations</c>, and <c>latest(config)</c> merges an undefined config over it), so the
/// instance's <c>knex(config)</c> is followed: a variable, a module's export, or <c>this.db</c> assigned in a
/// constructor. What cannot be followed is an unknown naming file:line, never a folder reported as certain.
/// </summary>
public static partial class ProjectDiscovery
{
    private const int MaxInstanceHops = 4;

    /// <param name="unknowns">Where what migaudit had to assume is recorded (null: the folders come from --migrations, the call gives the rest).</param>
    private static MigrationSettings? FromMigrateCalls(string root, StaticEvaluator evaluator, List<string> notes, List<ReadinessUnknown>? unknowns)
    {
        foreach (var file in ProjectFiles.EnumerateFiles(root, name => ScriptExtensions.Contains(MigrationNames.Extension(name))))
        {
            var source = SourceReader.Read(file);
            if (source.Problem is not null || !source.Text.Contains(".migrate.", StringComparison.Ordinal))
            {
                continue;
            }

            var scope = evaluator.Load(file);
            if (scope is null || FindMigrateCall(scope.Program) is not { } call)
            {
                continue;
            }

            var relative = ProjectFiles.Relative(root, file);
            var line = call.Location.Start.Line;
            var baseDirectory = NearestPackageDirectory(root, Path.GetDirectoryName(file)!);
            var callText = scope.TextOf(call.Callee);
            notes.Add($"no knexfile: migration settings read from the {Quoting.Printable(callText)}() call in {relative}:{line}; relative directories are resolved from {(baseDirectory == root ? "the project root" : ProjectFiles.Relative(root, baseDirectory))} (the usual working directory)");

            StaticValue migrations;
            var configFile = relative;
            var receiver = ((MemberExpression)((MemberExpression)call.Callee).Object).Object;
            if (call.Arguments.Count > 0)
            {
                migrations = evaluator.Evaluate(call.Arguments[0], scope, 0);
                migrations = OverInstanceConfig(migrations, InstanceMigrations(receiver, scope, evaluator, 0), scope.TextOf(receiver), relative, line, root, notes);
            }
            else
            {
                // this.db.migrate.latest(): the instance's own migrations config.
                var instance = InstanceMigrations(receiver, scope, evaluator, 0);
                if (instance.Config is { } found)
                {
                    configFile = ProjectFiles.Relative(root, found.File);
                    migrations = found.Migrations;
                    notes.Add($"{relative}:{line}: {Quoting.Printable(callText)}() has no argument, so Knex uses the migrations config of the instance {Quoting.Printable(scope.TextOf(receiver))}, created at {configFile}:{found.Line}");
                }
                else
                {
                    migrations = new JsUnknown($"{scope.TextOf(receiver)}'s migrations config", $"{Quoting.Printable(callText)}() has no argument, so Knex uses the migrations config of the knex instance {Quoting.Printable(scope.TextOf(receiver))}, which migaudit could not follow ({instance.Reason})") { Line = line };
                }
            }

            var settings = ReadMigrationSettings(root, baseDirectory, migrations, ConfigSource.MigrateCall, configFile, notes, evaluator, unknowns)
                with
            { SourceFile = relative, SourceLine = line };
            return AssumedFolderWhenUnknown(root, settings, migrations, relative, line, notes, unknowns);
        }

        return null;
    }

    private static readonly string[] FsOptions = ["directory", "sortDirsSeparately", "loadExtensions"];

    /// <summary>
    /// Knex merges the call's argument over the instance's migrations config, key by key (knex 3.1.0
    /// migrator-configuration-merger getMergedConfig: <c>Object.assign({}, defaults, instanceConfig, config)</c>), and
    /// drops the instance's migrationSource when the argument sets a folder option.
    /// </summary>
    private static StaticValue OverInstanceConfig(StaticValue argument, (InstanceConfig? Config, string Reason) instance, string receiver, string relative, int line, string root, List<string> notes)
    {
        if (argument is not JsObject given)
        {
            return argument;
        }

        switch (instance.Config?.Migrations)
        {
            case JsObject { Properties.Count: > 0 } own:
                var fsOption = FsOptions.Any(key => given.Get(key) is { } value and not JsUndefined);
                notes.Add($"{relative}:{line}: Knex merges the call's argument over the migrations config of the instance {Quoting.Printable(receiver)} ({ProjectFiles.Relative(root, instance.Config.File)}:{instance.Config.Line})");
                return given with
                {
                    Properties = [.. own.Properties.Where(p => !(fsOption && p.Key == "migrationSource")), .. given.Properties],
                    Incomplete = given.Incomplete || own.Incomplete,
                };
            case JsUnknown:
                // The instance has a migrations config migaudit cannot read: any key the argument does not set may come from it.
                return given with { Incomplete = true };
            case null:
                notes.Add($"{relative}:{line}: the migrations config of the instance {Quoting.Printable(receiver)} was not followed ({instance.Reason}); the call's argument is read alone, and Knex would add the instance's migrations keys it does not set");
                return given;
            default:
                return given;
        }
    }

    /// <summary>
    /// The migrations config is unknown and Knex's default ./migrations has no migrations: the folders of
    /// migration-shaped files are audited instead, as an assumption (an unknown), rather than a missing folder blocking.
    /// </summary>
    /// <exception cref="ProjectException">Nothing to audit: the assumed folder does not exist and no folder holds migration-shaped files.</exception>
    private static MigrationSettings AssumedFolderWhenUnknown(string root, MigrationSettings settings, StaticValue migrations, string relative, int line, List<string> notes, List<ReadinessUnknown>? unknowns)
    {
        if (migrations is not JsUnknown || settings.CustomSource is not null || settings.Directories.Any(d => HasMigrationFiles(Path.Combine(root, d))))
        {
            return settings;
        }

        var shaped = MigrationShapedFolders(root);
        if (shaped.Count == 0)
        {
            // A folder migaudit assumed and that does not exist is not Knex failing: the real config may name another.
            return unknowns is null || settings.Directories.Any(d => Directory.Exists(Path.Combine(root, d)))
                ? settings
                : throw new ProjectException($"{relative}:{line}: the migrations config of this migrate call cannot be read statically ({Quoting.Printable(((JsUnknown)migrations).Expression)}: {Quoting.Printable(((JsUnknown)migrations).Reason)}); and this repository has no migrations to audit instead: Knex's default {string.Join(", ", settings.Directories)} does not exist and no folder holds migration-shaped files (a version in the name, up and down exported). Name the folder with --migrations DIR");
        }

        notes.Add($"{relative}:{line}: the migrations config is unknown and Knex's default {string.Join(", ", settings.Directories)} has no migrations: auditing {string.Join(", ", shaped.Select(Quoting.Printable))}, whose files look like migrations; name the folder with --migrations DIR");
        unknowns?.Add(ShapedFoldersAssumed(shaped, $"the migrate call in {relative}:{line}", relative, line));
        return settings with { Directories = shaped, Source = ConfigSource.Convention };
    }

    private sealed record InstanceConfig(StaticValue Migrations, string File, int Line);

    /// <summary>The migrations config of the knex instance an expression holds, or why it cannot be followed.</summary>
    private static (InstanceConfig? Config, string Reason) InstanceMigrations(Expression receiver, ModuleScope scope, StaticEvaluator evaluator, int hops)
    {
        if (hops > MaxInstanceHops)
        {
            return (null, "too many modules between the call and the instance");
        }

        var assigned = receiver switch
        {
            Identifier name => AssignmentsTo(scope.Program, node => node is Identifier other && other.Name == name.Name),
            MemberExpression { Computed: false, Object: ThisExpression, Property: Identifier field } =>
                AssignmentsTo(scope.Program, node => node is MemberExpression { Computed: false, Object: ThisExpression, Property: Identifier other } && other.Name == field.Name, field.Name),
            _ => [],
        };
        if (receiver is Identifier imported && scope.Bindings.TryGetValue(imported.Name, out var binding) && binding.ImportSource is { } from && from.StartsWith('.'))
        {
            // import db from './db': the module's default export.
            return ExportedInstance(from, scope, evaluator, hops);
        }

        if (assigned.Count == 0)
        {
            return (null, $"no knex(...) assigned to {scope.TextOf(receiver)} in {Path.GetFileName(scope.File)}");
        }

        if (assigned.Count > 1)
        {
            return (null, $"{scope.TextOf(receiver)} is assigned {assigned.Count} times ({string.Join(", ", assigned.Select(a => "line " + a.Location.Start.Line))})");
        }

        var value = assigned[0];
        if (value is CallExpression { Callee: Identifier { Name: "require" }, Arguments: [StringLiteral { Value: var specifier }] } && specifier.StartsWith('.'))
        {
            return ExportedInstance(specifier, scope, evaluator, hops);
        }

        if (KnexConfigArgument(value, scope) is not { } configNode)
        {
            return (null, $"{scope.TextOf(receiver)} = {Short(scope.TextOf(value))} (line {value.Location.Start.Line}) is not a knex(config) call migaudit recognises");
        }

        var config = EvaluateConfig(configNode, value, scope, evaluator);
        var migrations = config switch
        {
            JsObject known => known.Lookup("migrations") ?? StaticValue.Undefined,
            _ => new JsUnknown(scope.TextOf(configNode), config is JsUnknown u ? u.Reason : "not an object") { Line = configNode.Location.Start.Line },
        };
        return (new InstanceConfig(migrations, scope.File, value.Location.Start.Line), string.Empty);
    }

    /// <summary><c>module.exports = knex(config)</c> or <c>export default knex(config)</c> in the module a specifier names.</summary>
    private static (InstanceConfig? Config, string Reason) ExportedInstance(string specifier, ModuleScope scope, StaticEvaluator evaluator, int hops)
    {
        var (file, why) = evaluator.ResolveModule(scope.File, specifier);
        if (file is null || evaluator.Load(file) is not { } module)
        {
            return (null, $"{specifier}: {why ?? "cannot be parsed"}");
        }

        foreach (var statement in module.Program.Body)
        {
            var exported = statement switch
            {
                ExpressionStatement { Expression: AssignmentExpression { Left: MemberExpression { Object: Identifier { Name: "module" }, Property: Identifier { Name: "exports" } }, Right: var right } } => right,
                ExportDefaultDeclaration { Declaration: Expression expression } => expression,
                _ => null,
            };
            if (exported is Identifier or MemberExpression)
            {
                return InstanceMigrations((Expression)exported, module, evaluator, hops + 1);
            }

            if (exported is not null && KnexConfigArgument(exported, module) is not null)
            {
                var configNode = KnexConfigArgument(exported, module)!;
                var config = EvaluateConfig(configNode, exported, module, evaluator);
                var migrations = config is JsObject known ? known.Lookup("migrations") ?? StaticValue.Undefined
                    : new JsUnknown(module.TextOf(configNode), config is JsUnknown u ? u.Reason : "not an object") { Line = configNode.Location.Start.Line };
                return (new InstanceConfig(migrations, module.File, exported.Location.Start.Line), string.Empty);
            }
        }

        return (null, $"{specifier} exports no knex(config) instance migaudit recognises");
    }

    /// <summary>The config argument of <c>knex(config)</c>, <c>require('knex')(config)</c> or <c>Knex.knex(config)</c>.</summary>
    private static Expression? KnexConfigArgument(Node value, ModuleScope scope)
    {
        if (value is AwaitExpression awaited)
        {
            value = awaited.Argument;
        }

        if (value is not CallExpression { Arguments: [Expression argument] } call)
        {
            return null;
        }

        var isKnex = call.Callee switch
        {
            CallExpression { Callee: Identifier { Name: "require" }, Arguments: [StringLiteral { Value: "knex" }] } => true,
            Identifier name => IsKnexModule(name.Name, scope),
            MemberExpression { Computed: false, Object: Identifier module, Property: Identifier { Name: "knex" or "default" } } => IsKnexModule(module.Name, scope),
            _ => false,
        };
        return isKnex ? argument : null;
    }

    /// <summary>A name bound to the knex package: <c>import knex from 'knex'</c>, <c>const knex = require('knex')</c> (or its <c>.knex</c>).</summary>
    private static bool IsKnexModule(string name, ModuleScope scope) =>
        scope.Bindings.TryGetValue(name, out var binding) && (binding.ImportSource == "knex" || binding.Initializer is CallExpression { Callee: Identifier { Name: "require" }, Arguments: [StringLiteral { Value: "knex" }] }
            or MemberExpression { Object: CallExpression { Callee: Identifier { Name: "require" }, Arguments: [StringLiteral { Value: "knex" }] } });

    /// <summary>
    /// The value of the config given to knex(...). <c>this.options</c> built in the same constructor is read from the
    /// assignments before the call (<c>this.options.migrations = Object.assign({...}, this.options.migrations || {}, { directory })</c>);
    /// a local variable of the enclosing function from its declaration.
    /// </summary>
    private static StaticValue EvaluateConfig(Expression configNode, Node knexCall, ModuleScope scope, StaticEvaluator evaluator)
    {
        var function = EnclosingFunction(scope.Program, knexCall);
        if (configNode is MemberExpression { Computed: false, Object: ThisExpression, Property: Identifier field } && function is not null)
        {
            var before = AssignmentsIn(function, knexCall.Location.Start.Line);
            if (before.LastOrDefault(a => a.Left is MemberExpression { Computed: false, Property: Identifier { Name: "migrations" }, Object: MemberExpression { Computed: false, Object: ThisExpression, Property: Identifier owner } } && owner.Name == field.Name) is { } migrationsSet)
            {
                var migrations = EvaluateMerge(migrationsSet.Right, scope, evaluator);
                return new JsObject([KeyValuePair.Create("migrations", migrations)], Incomplete: true) { Line = migrationsSet.Location.Start.Line };
            }

            if (before.LastOrDefault(a => a.Left is MemberExpression { Computed: false, Object: ThisExpression, Property: Identifier other } && other.Name == field.Name) is { } whole)
            {
                return EvaluateMerge(whole.Right, scope, evaluator);
            }
        }

        if (configNode is Identifier local && !scope.Bindings.ContainsKey(local.Name) && function is not null &&
            Descendants(function).OfType<VariableDeclarator>().LastOrDefault(d => d.Id is Identifier id && id.Name == local.Name && d.Init is not null) is { } declared)
        {
            return EvaluateMerge(declared.Init!, scope, evaluator);
        }

        return EvaluateMerge(configNode, scope, evaluator);
    }

    /// <summary>
    /// <c>Object.assign(target, ...sources)</c> where a source is unknown: the properties of the sources after it are
    /// still known (later sources win), those before it may be overwritten, so the object is incomplete from there.
    /// </summary>
    private static StaticValue EvaluateMerge(Expression node, ModuleScope scope, StaticEvaluator evaluator)
    {
        if (node is not CallExpression { Callee: MemberExpression { Object: Identifier { Name: "Object" }, Property: Identifier { Name: "assign" } }, Arguments.Count: > 0 } merge)
        {
            return evaluator.Evaluate(node, scope, 0);
        }

        var properties = new List<KeyValuePair<string, StaticValue>>();
        var incomplete = false;
        foreach (var argument in merge.Arguments)
        {
            switch (evaluator.Evaluate(argument, scope, 0))
            {
                case JsObject part:
                    properties.AddRange(part.Properties);
                    incomplete |= part.Incomplete;
                    break;
                case JsUndefined or JsNull:
                    break;
                default:
                    // What came before may be overwritten by this source: each earlier value is only its default.
                    var overriding = scope.TextOf(argument);
                    for (var i = 0; i < properties.Count; i++)
                    {
                        var (key, earlier) = (properties[i].Key, properties[i].Value);
                        properties[i] = KeyValuePair.Create<string, StaticValue>(key, earlier is JsUnknown ? earlier : new JsUnknown(key, $"{StaticValueText.Describe(earlier)} unless {overriding} sets it")
                        {
                            Line = earlier.Line,
                            Alternatives = [new Alternative([], earlier)],
                        });
                    }

                    incomplete = true;
                    break;
            }
        }

        return new JsObject(properties, incomplete) { Line = merge.Location.Start.Line };
    }

    /// <summary>The values assigned (or declared) to what a target matches, anywhere in a module; with a field name, also a class field's initialiser (<c>private db = knex(config)</c>).</summary>
    private static List<Node> AssignmentsTo(Node root, Func<Node, bool> target, string? field = null) =>
        Descendants(root).Select(node => node switch
        {
            PropertyDefinition { Static: false, Computed: false, Key: Identifier key, Value: { } initial } when key.Name == field => initial,
            VariableDeclarator { Init: { } init } declarator when target(declarator.Id) => init,
            AssignmentExpression { Operator: Acornima.Operator.Assignment } assignment when target(assignment.Left) => assignment.Right,
            _ => null,
        }).OfType<Node>().ToList();

    /// <summary>The plain assignments of a function body on lines before the given one, in order.</summary>
    private static List<AssignmentExpression> AssignmentsIn(Node function, int beforeLine) =>
        Descendants(function).OfType<AssignmentExpression>().Where(a => a.Operator == Acornima.Operator.Assignment && a.Location.Start.Line < beforeLine).ToList();

    private static Node? EnclosingFunction(Node root, Node target)
    {
        Node? found = null;
        void Walk(Node node, Node? function)
        {
            if (ReferenceEquals(node, target))
            {
                found = function;
                return;
            }

            var inner = node is IFunction ? node : function;
            foreach (var child in node.ChildNodes)
            {
                Walk(child, inner);
            }
        }

        Walk(root, null);
        return found;
    }

    private static IEnumerable<Node> Descendants(Node node)
    {
        yield return node;
        foreach (var child in node.ChildNodes)
        {
            foreach (var descendant in Descendants(child))
            {
                yield return descendant;
            }
        }
    }

    private static CallExpression? FindMigrateCall(Node node)
    {
        if (node is CallExpression { Callee: MemberExpression { Property: Identifier { Name: "latest" or "up" }, Object: MemberExpression { Property: Identifier { Name: "migrate" } } } } call)
        {
            return call;
        }

        foreach (var child in node.ChildNodes)
        {
            if (FindMigrateCall(child) is { } found)
            {
                return found;
            }
        }

        return null;
    }
}
