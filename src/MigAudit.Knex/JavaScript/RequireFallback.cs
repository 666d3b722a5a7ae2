using Acornima;
using Acornima.Ast;

namespace MigAudit.Knex.JavaScript;

public enum TryOutcome
{
    Undecided,
    TryBlock,
    CatchBlock,
}

/// <summary>
/// <c>let c; try { c = require('./src/db/config') } catch { c = require('./build/src/db/config') }</c>: a require
/// with a fallback. Node's require throws (MODULE_NOT_FOUND) only when the module does not exist, so when the try
/// block does nothing but require (and assign what it returns), which block runs is decided by which modules exist.
/// Source is preferred over build output: when the try block loads the build (not in the repository, or built from
/// the source the catch block loads), the catch block's source is what both load in the end.
/// </summary>
public static class RequireFallback
{
    private static readonly HashSet<string> BuildFolders = new(StringComparer.Ordinal) { "dist", "build", "out" };

    public static TryOutcome Choose(ModuleScope scope, TryStatement attempt)
    {
        if (scope.Evaluator is null || !attempt.Block.Body.All(IsRequireStatement) || attempt.Handler is not { } handler)
        {
            return TryOutcome.Undecided;
        }

        var tried = attempt.Block.Body.SelectMany(Requires).Select(r => Resolve(scope, r)).ToList();
        var fallback = handler.Body.Body.SelectMany(Requires).Select(r => Resolve(scope, r)).ToList();
        if (tried.Count == 0)
        {
            return TryOutcome.Undecided;
        }

        var fallbackIsSource = fallback.Count > 0 && fallback.All(f => f is not null && !InBuild(f));
        if (tried.Any(t => t is null))
        {
            return fallback.Count > 0 && fallback.All(f => f is not null) ? TryOutcome.CatchBlock : TryOutcome.Undecided;
        }

        return tried.Any(InBuild!) && fallbackIsSource ? TryOutcome.CatchBlock : TryOutcome.TryBlock;
    }

    /// <summary>Whether a statement of the try block requires a module that does not exist (where the block stops).</summary>
    public static bool Fails(ModuleScope scope, Statement statement) => Requires(statement).Any(r => Resolve(scope, r) is null);

    private static string? Resolve(ModuleScope scope, string specifier) => scope.Evaluator!.ResolveModule(scope.File, specifier).File;

    private static bool InBuild(string file) => file.Split(Path.DirectorySeparatorChar).SkipLast(1).Any(BuildFolders.Contains);

    /// <summary>x = require('...'), x = require('...').y, const x = require('...'): nothing else that could throw.</summary>
    private static bool IsRequireStatement(Statement statement) => statement switch
    {
        ExpressionStatement { Expression: AssignmentExpression { Operator: Operator.Assignment, Right: var value } } => IsRequire(value),
        VariableDeclaration declaration => declaration.Declarations.All(d => d.Init is not null && IsRequire(d.Init)),
        _ => false,
    };

    private static bool IsRequire(Node node) => node switch
    {
        CallExpression { Callee: Identifier { Name: "require" }, Arguments: [StringLiteral] } => true,
        MemberExpression { Computed: false } member => IsRequire(member.Object),
        ParenthesizedExpression parenthesized => IsRequire(parenthesized.Expression),
        _ => false,
    };

    private static IEnumerable<string> Requires(Node node) =>
        SyntaxSearch.Descendants(node).OfType<CallExpression>()
            .Where(c => c is { Callee: Identifier { Name: "require" }, Arguments: [StringLiteral] })
            .Select(c => ((StringLiteral)c.Arguments[0]).Value);
}
