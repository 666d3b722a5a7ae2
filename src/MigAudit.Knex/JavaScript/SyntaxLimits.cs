using Acornima.Ast;
using MigAudit.Core;

namespace MigAudit.Knex.JavaScript;

/// <summary>
/// A deterministic budget for each parsed file. migaudit's walkers recurse over the syntax tree; a file built to be
/// deep (10,000 chained calls, 20,000 concatenated strings) would overflow the stack, which .NET cannot catch. The
/// tree is measured once, iteratively, right after parsing, and a file over the budget is reported as not analysed,
/// with the reason, instead of crashing the audit. The limits are far above hand-written code: a 500-line SQL
/// string built with '+' nests 500 deep.
/// </summary>
public static class SyntaxLimits
{
    public const int MaxDepth = 1_000;
    public const int MaxNodes = 2_000_000;

    public static readonly ParseProblem TooDeepForParser =
        new(1, 1, $"not analysed: the syntax nests too deeply for the parser (migaudit's limit is {MaxDepth} levels)", KnexFailsToo: false, ParseProblemKind.NotAnalysed);

    /// <summary>Null when the tree is within budget, else the problem to report.</summary>
    public static ParseProblem? Check(Node root)
    {
        var pending = new Stack<(Node Node, int Depth)>();
        pending.Push((root, 1));
        var nodes = 0;
        while (pending.Count > 0)
        {
            var (node, depth) = pending.Pop();
            if (depth > MaxDepth)
            {
                var line = node.Location.Start.Line;
                return new ParseProblem(line, node.Location.Start.Column + 1, $"not analysed: the syntax nests more than {MaxDepth} levels deep here (long chains of calls or of '+' nest one level each)", KnexFailsToo: false, ParseProblemKind.NotAnalysed);
            }

            if (++nodes > MaxNodes)
            {
                return new ParseProblem(1, 1, $"not analysed: more than {MaxNodes:N0} syntax nodes", KnexFailsToo: false, ParseProblemKind.NotAnalysed);
            }

            foreach (var child in node.ChildNodes)
            {
                pending.Push((child, depth + 1));
            }
        }

        return null;
    }
}
