using MigAudit.Core;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Knex.Discovery;

/// <summary>
/// Knexfiles whose configuration is one of several, chosen when Node loads them: by NODE_ENV
/// (<c>module.exports = configs[process.env.NODE_ENV]</c>), or by a condition migaudit cannot decide
/// (<c>process.env.DATABASE_URL ? {...} : {...}</c>, an if/else assigning the whole configuration).
/// </summary>
public static partial class ProjectDiscovery
{
    /// <summary>
    /// <c>configs[process.env.NODE_ENV]</c> (also <c>?? new Error(...)</c>, <c>{ development, production }[env]</c>):
    /// the knexfile exports one environment's configuration, the one NODE_ENV names when Node loads it. Knex's CLI then
    /// uses <c>allConfigs[env] || allConfigs</c> (bin/utils/cli-config-utils.js resolveEnvironmentConfig), where env is
    /// --env or NODE_ENV: with NODE_ENV = key and no --env, that is the value's own <c>key</c> entry if it has one, else
    /// the value. Each key is read as an environment of that name. Knex's --env does not set NODE_ENV, so the
    /// environment is NODE_ENV's, which the report says.
    /// </summary>
    private static (StaticValue Exported, string? Variable) IndexedByEnvironment(StaticValue exported, string relative, List<string> notes)
    {
        if (exported is not JsUnknown { Alternatives: { Count: > 0 } alternatives } unknown ||
            !alternatives.All(a => a.Assumptions.Count == 1 && a.Key is not null && a.Assumptions[0].Variable == "NODE_ENV" && a.Assumptions[0].Id == alternatives[0].Assumptions[0].Id))
        {
            return (exported, null);
        }

        var environments = alternatives.Select(a => KeyValuePair.Create(a.Key!, a.Value is JsObject table && table.Get(a.Key!) is JsObject own ? own : a.Value)).ToList();
        notes.Add($"{relative} exports the configuration NODE_ENV names when Node loads it ({Quoting.Printable(unknown.Expression)}): each of its keys is read as an environment; knex's --env does not set NODE_ENV, so migrations run with NODE_ENV's environment");
        return (new JsObject(environments, false) { Line = unknown.Line }, "NODE_ENV");
    }

    /// <summary>
    /// A knexfile exporting, per NODE_ENV, a map of its own environments (<c>export default { development: { default:
    /// {...}, secure: {...} } }[env]</c>): knex's --env chooses within the map NODE_ENV's value exports, as knex reads
    /// <c>config[opts.env]</c> after Node has loaded the file. The map that has the requested environment is the one
    /// the command can run with; when several have it, NODE_ENV decides, and it is development's, knex's default.
    /// </summary>
    private static JsObject? InnerEnvironments(StaticValue indexed, string requested, string relative, string variable, List<string> notes)
    {
        if (indexed is not JsObject byVariable || byVariable.Get(requested) is not null)
        {
            return null;
        }

        var having = byVariable.Keys.Where(k => byVariable.Get(k) is JsObject map && map.Get(requested) is JsObject).ToList();
        var chosen = having.Count == 1 ? having[0] : having.Contains(DefaultKnexEnvironment) ? DefaultKnexEnvironment : null;
        if (chosen is null)
        {
            return null;
        }

        notes.Add($"{relative}: knex's --env {Quoting.Printable(requested)} chooses within the configuration {variable}={Quoting.Printable(chosen)} exports{(having.Count == 1 ? ", the only one that has it" : ", knex's default environment")}");
        return (JsObject)byVariable.Get(chosen)!;
    }

    /// <summary>The environment knex uses when neither --env nor NODE_ENV names one.</summary>
    private const string DefaultKnexEnvironment = "development";

    /// <summary>
    /// The keys of a knexfile's export that are environments (an object with client, connection, migrations...). Knex's
    /// CLI uses <c>allConfigs[env] || allConfigs</c> (bin/utils/cli-config-utils.js resolveEnvironmentConfig), so an
    /// export with settings at the top and environments beside them (<c>Object.assign(configs, configs[process.env.NODE_ENV])</c>)
    /// is read through the environment's own entry; only without one would the top-level settings apply.
    /// </summary>
    private static List<string> EnvironmentEntries(JsObject all) =>
        [.. all.Keys.Where(key => !ConfigKeys.Contains(key) && all.Get(key) is JsObject entry && ConfigKeys.Any(c => entry.Get(c) is not null))];

    private delegate KnexfileRead BranchReader(Alternative alternative, List<string> notes, List<SourceProblem> problems, List<ReadinessUnknown> unknowns);

    /// <summary>
    /// A configuration chosen by a condition migaudit cannot decide: every branch is read. When they run the same
    /// migrations (folders, table, schema, source), that is known whichever branch runs; when they differ, which
    /// migrations Knex runs is unknown: the verdict cannot be READY, every branch is named, and the first readable one
    /// is audited. When no branch can be read, the first branch's reason is what static evaluation gave up on.
    /// </summary>
    /// <param name="client">The client the user named: the branch that uses it is audited, not the first.</param>
    private static KnexfileRead ReadAlternatives(string relative, IReadOnlyList<Alternative> alternatives, StaticValue chosen, string? client, List<string> notes, List<SourceProblem> problems, List<ReadinessUnknown> unknowns, BranchReader read)
    {
        var branches = new List<(Alternative Alternative, KnexfileRead Result, List<string> Notes, List<SourceProblem> Problems, List<ReadinessUnknown> Unknowns)>();
        foreach (var alternative in alternatives)
        {
            List<string> branchNotes = [];
            List<SourceProblem> branchProblems = [];
            List<ReadinessUnknown> branchUnknowns = [];
            branches.Add((alternative, read(alternative, branchNotes, branchProblems, branchUnknowns), branchNotes, branchProblems, branchUnknowns));
        }

        var readable = branches.Where(b => b.Result.GaveUp is null && b.Result.Settings is not null).ToList();
        if (readable.Count == 0)
        {
            return branches[0].Result;
        }

        var first = ChooseByClient(relative, chosen, readable.Select(b => (b.Alternative.Condition, b.Result.Config)).ToList(), client, notes) is var index and >= 0 ? readable[index] : readable[0];
        var result = first.Result;
        var settings = result.Settings!;
        notes.AddRange(first.Notes);
        problems.AddRange(first.Problems);
        unknowns.AddRange(first.Unknowns);
        result = result with { Info = result.Info with { Environments = readable.SelectMany(b => b.Result.Info.Environments).Distinct().ToList() } };
        string Describe(MigrationSettings s) =>
            $"{string.Join(", ", s.Directories)} (table {(s.SchemaName is null ? s.TableName : $"{s.SchemaName}.{s.TableName}")}{(s.CustomSource is null ? string.Empty : $", source {s.CustomSource.Expression}")})";
        var described = branches.Select(b => (b.Alternative.Condition, Text: b.Result is { GaveUp: null, Settings: { } s } ? Describe(s)
            : b.Alternative.Value is JsUnknown u ? (Short(u.Expression) is { Length: > 0 } e ? $"unknown ({e}: {u.Reason})" : $"unknown ({u.Reason})")
            : $"unknown ({b.Result.GaveUp?.Reason})")).ToList();
        var expression = chosen is JsUnknown { Expression: var text } && Short(text) is { Length: > 0 } shortText ? $" ({shortText})" : string.Empty;
        var line = chosen.Line > 0 ? chosen.Line : settings.SourceLine;
        var where = $"{Quoting.Printable(relative)}:{line}{Quoting.Printable(expression)}";
        if (readable.Count == branches.Count && described.All(d => d.Text == described[0].Text))
        {
            notes.Add($"{where} depends on a condition migaudit cannot decide ({string.Join("; ", branches.Select(b => Quoting.Printable(b.Alternative.Condition)))}), and every branch runs the migrations in {Quoting.Printable(described[0].Text)}");
            return result;
        }

        // Not a fault of the project: which branch production takes is a fact of its environment migaudit cannot see.
        var message = $"which migrations Knex runs depends on a condition migaudit cannot decide ({where}): {string.Join("; ", described.Select(d => $"when {Quoting.Printable(d.Condition)}: {Quoting.Printable(d.Text)}"))}; the first is audited (choose with --migrations DIR)";
        problems.Add(new SourceProblem(relative, line, message, KnexFails: false, Key: "migration-source", Blocking: false));
        unknowns.Add(new ReadinessUnknown(message, relative, line));
        return result;
    }

    /// <summary>
    /// The branch whose client the user named, or -1 for the first. When the readable branches use different clients
    /// (sqlite3 for tests, pg otherwise), the report says which one was audited and how to choose another: the
    /// PostgreSQL lock rules run only for a PostgreSQL client.
    /// </summary>
    private static int ChooseByClient(string relative, StaticValue chosen, List<(string Condition, JsObject? Config)> branches, string? client, List<string> notes)
    {
        var clients = branches.Select(b => (b.Config?.Get("client") ?? b.Config?.Get("dialect")) is JsString named ? named.Value : null).ToList();
        var index = client is null ? -1 : clients.FindIndex(c => c is not null && DialectDetection.FromClientName(c) == DialectDetection.FromClientName(client));
        if (clients.Distinct().Count() > 1)
        {
            var audited = clients[Math.Max(index, 0)] ?? "its client";
            var offers = string.Join("; ", branches.Select((b, i) => $"when {Quoting.Printable(b.Condition)}: {Quoting.Printable(clients[i] ?? "a client chosen at run time")}"));
            var line = chosen.Line > 0 ? $":{chosen.Line}" : string.Empty;
            notes.Add(index >= 0
                ? $"{Quoting.Printable(relative)}{line} offers several clients ({offers}); migaudit audited the branch with {Quoting.Printable(audited)}, the client it was told"
                : $"{Quoting.Printable(relative)}{line} offers several clients ({offers}); migaudit audited the first, {Quoting.Printable(audited)}{(client is null ? string.Empty : $" (none uses {Quoting.Printable(client)})")}: pass --client NAME (or set \"client\" in .migauditrc.json) to audit the one production uses");
        }

        return index;
    }

    /// <summary>An expression as a report quotes it: one line of at most 80 characters, else nothing.</summary>
    private static string Short(string expression) => expression.Contains('\n', StringComparison.Ordinal) || expression.Length > 80 ? string.Empty : expression;

    private static readonly string[] ExampleKnexfileNames = ["knexfile.example.js", "knexfile.example.cjs", "knexfile.example.mjs", "knexfile.example.ts"];

    private static bool IsExampleKnexfile(string path) => ExampleKnexfileNames.Contains(Path.GetFileName(path));

    /// <summary>
    /// A repository with no knexfile but an example one (knexfile.example.js, copied to knexfile.js at deploy time,
    /// often because the real one holds credentials): the example, beside a migrations folder, is the best account of
    /// the configuration the repository has, and the report says it is an example.
    /// </summary>
    private static string? ExampleKnexfile(string root, List<string> notes)
    {
        var example = ProjectFiles.EnumerateFiles(root, name => ExampleKnexfileNames.Contains(name))
            .Where(path => !IsInBuildOutput(root, path) && !ProjectFiles.IsInSideDirectory(ProjectFiles.Relative(root, path)))
            .OrderBy(path => ProjectFiles.Relative(root, path).Count(c => c == '/'))
            .ThenBy(path => Array.IndexOf(ExampleKnexfileNames, Path.GetFileName(path)))
            .ThenBy(path => path, StringComparer.Ordinal)
            .FirstOrDefault();
        if (example is not null)
        {
            notes.Add($"no knexfile in the repository: reading the example knexfile {ProjectFiles.Relative(root, example)}; the real one (made from it at deploy time) may differ");
        }

        return example;
    }
}
