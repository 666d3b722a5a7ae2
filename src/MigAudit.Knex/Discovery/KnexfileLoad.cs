using Acornima.Ast;
using MigAudit.Core;

namespace MigAudit.Knex.Discovery;

/// <summary>
/// What Node does when it loads the knexfile, as far as it can be told without running it: a statement at the top
/// level that always throws, or a loop that never ends, stops every knex command before any migration is read.
/// </summary>
public static partial class KnexfileLoad
{
    public static SourceProblem? Check(Acornima.Ast.Program program, string relative)
    {
        foreach (var statement in program.Body)
        {
            var line = statement.Location.Start.Line;
            switch (statement)
            {
                case ThrowStatement:
                    return new SourceProblem(relative, line, $"{Quoting.Printable(relative)}:{line} throws when Node loads it: every knex command (migrate:latest included) fails before reading a migration", KnexFails: true, Key: "knexfile-load");
                case WhileStatement { Test: var test } when AlwaysTrue(test):
                case DoWhileStatement { Test: var doTest } when AlwaysTrue(doTest):
                case ForStatement { Test: null }:
                case ForStatement { Test: { } forTest } when AlwaysTrue(forTest):
                    if (!Exits(statement))
                    {
                        return new SourceProblem(relative, line, $"{Quoting.Printable(relative)}:{line} loops forever when Node loads it: every knex command hangs before reading a migration", KnexFails: true, Key: "knexfile-load");
                    }

                    break;
            }
        }

        return null;
    }

    private static bool AlwaysTrue(Expression test) => test is Literal { Value: true } || (test is Literal { Value: double number } && number != 0);

    /// <summary>A loop with a break, return, throw, call, await or yield may end; only one without any is certain to loop.</summary>
    private static bool Exits(Node loop) =>
        JavaScript.SyntaxSearch.Contains(loop, n => n is BreakStatement or ReturnStatement or ThrowStatement or CallExpression or AwaitExpression or YieldExpression);
}
