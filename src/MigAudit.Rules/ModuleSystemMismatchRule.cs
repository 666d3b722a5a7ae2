using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// A migration or the knexfile written in the other module system than the one Node loads it with. Knex import()s
/// .mjs files and, under "type": "module", every file but .cjs; it require()s the rest. Node then throws at load, so
/// Knex never gets the module.
/// </summary>
public sealed class ModuleSystemMismatchRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "module-system-mismatch",
        Title: "Migrations in the wrong module system",
        Severity: Severity.High,
        Blocking: true,
        Summary: "A migration or the knexfile uses CommonJS (require, exports, module.exports) where Node loads it as an ES module, or import/export where Node loads it as CommonJS, as its extension and the nearest package.json \"type\" decide.",
        Impact: "Node throws while Knex loads the file (\"ReferenceError: exports is not defined in ES module scope\", \"SyntaxError: Unexpected token 'export'\"): for a migration, 'knex migrate:latest' applies nothing on any database where it is pending; for the knexfile, every knex CLI command fails.")
    {
        EffortPerFindingMinutes = 15,
    };

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        if (input.Project.KnexfileLoadProblem is { } knexfileProblem && input.Project.Knexfile is { } knexfile)
        {
            var name = Quoting.Printable(knexfile.Path);
            var rewrite = knexfileProblem.LoadedAs.StartsWith("an ES module", StringComparison.Ordinal)
                ? "Write it as an ES module (export default { ... }, import instead of require)"
                : "Write it as CommonJS (module.exports = { ... }, require instead of import)";
            yield return Report(knexfileProblem, knexfile.Path, name,
                "every knex CLI command (migrate:latest included) fails before it reads a migration",
                $"{rewrite}: Knex's CLI loads {name} as {knexfileProblem.LoadedAs}", "knexfile");
        }

        foreach (var migration in input.Migrations)
        {
            if (migration.Module.LoadProblem is not { } problem)
            {
                continue;
            }

            // The file's name is what Knex records: converting the syntax keeps it, renaming to .cjs/.mjs would not.
            var action = problem.LoadedAs.StartsWith("an ES module", StringComparison.Ordinal)
                ? $"Rewrite {migration.Name} as an ES module (export async function up(knex) {{ ... }}, import instead of require): it keeps its name, which databases that applied it have recorded"
                : $"Rewrite {migration.Name} as CommonJS (exports.up = async (knex) => {{ ... }}, require instead of import): it keeps its name, which databases that applied it have recorded";
            yield return Report(problem, migration.Path, migration.Name,
                "'knex migrate:latest' fails on every database where it is pending (a fresh one included) and applies nothing of the batch, since Knex loads every pending migration before running any",
                action, migration.Path);
        }
    }

    private Finding Report(ModuleLoadProblem problem, string path, string name, string consequence, string action, string key)
    {
        var loads = $"Knex loads {name} as {problem.LoadedAs} because {problem.Why}";
        if (problem.Certainty == ModuleLoadCertainty.DependsOnNodeVersion)
        {
            var declared = problem.NodeVersions.Length > 0 ? $"the project declares {problem.NodeVersions}, which does not settle it" : "the project does not say which Node it runs (engines.node, .nvmrc, .node-version, Dockerfile)";
            return Found(
                $"{loads}, and it uses ES module syntax ({problem.Construct} at line {problem.Line}). Node 20.19+ and 22.12+ load it anyway (require() of an ES module); older versions (before 20.19, 21.x, 22.0 to 22.11) throw \"{problem.NodeError}\" and {consequence}. {Capitalised(declared)}.",
                file: path,
                line: problem.Line,
                action: $"Pin Node 20.19+ or 22.12+ (engines.node, .nvmrc), or set \"type\": \"module\" in the nearest package.json if every .js file there is an ES module, or {char.ToLowerInvariant(action[0])}{action[1..]}",
                severity: Severity.Medium,
                blocking: false,
                key: key);
        }

        if (problem.Certainty == ModuleLoadCertainty.DependsOnLoader)
        {
            return Found(
                $"{loads}, and plain Node rejects its ES module {problem.Construct} at line {problem.Line} (\"{problem.NodeError}\"). The project shows a require hook that compiles ES modules ({problem.Loader}): if knex runs under it, Knex loads the file; if not, {consequence}. migaudit cannot tell which from the repository alone.",
                file: path,
                line: problem.Line,
                action: $"Check that every knex command runs under that hook (for example a package.json script 'babel-node node_modules/.bin/knex'), or {char.ToLowerInvariant(action[0])}{action[1..]}",
                severity: Severity.Medium,
                blocking: false,
                key: key);
        }

        var versions = problem.NodeVersions.Length > 0 ? $" on the Node version the project declares ({problem.NodeVersions})" : string.Empty;
        var what = problem.LoadedAs.StartsWith("an ES module", StringComparison.Ordinal) ? $"its CommonJS {problem.Construct} at line {problem.Line}" : $"its ES module {problem.Construct} at line {problem.Line}";
        return Found(
            $"{loads}, and Node rejects {what}{versions}: it throws \"{problem.NodeError}\", so {consequence}.",
            file: path,
            line: problem.Line,
            action: action,
            key: key,
            changes: [new FileChange(path, "CONVERT MODULE SYNTAX")],
            predictsKnexFailure: true);
    }

    private static string Capitalised(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
