using System.Text.RegularExpressions;
using Acornima.Ast;

namespace MigAudit.Knex.JavaScript;

/// <summary>
/// Whether an edit only adds guards: the current version with its guards taken out is the same code as the first version
/// with its guards taken out, and the current version has more of them. A guard is an early return behind a condition
/// (<c>if (!rows.length) return;</c>), an <c>if</c> around statements that tests <c>hasTable</c>/<c>hasColumn</c> (or a
/// variable set from one), SQL's <c>IF NOT EXISTS</c>/<c>IF EXISTS</c>, and Knex's <c>createTableIfNotExists</c>,
/// <c>dropTableIfExists</c> and the like. Such an edit keeps a migration from failing, or from sending an empty insert,
/// where the first version did: it is a fix, and reverting it would bring the failure back.
/// </summary>
public static partial class GuardEdits
{
    private const int MaxPasses = 16;

    public static bool OnlyAddsGuards(string before, string after, string fileName, Func<bool, string, string?>? module = null)
    {
        if (Strip(before, fileName) is not { } first || Strip(after, fileName) is not { } current)
        {
            return false;
        }

        return current.Guards > first.Guards && CodeEquivalence.SameTokens(first.Code, current.Code, module);
    }

    /// <summary>The code without its guards, and how many there were; null when the file does not parse.</summary>
    private static (string Code, int Guards)? Strip(string text, string fileName)
    {
        var parsed = JsParser.Parse(text, fileName);
        if (parsed.Program is null)
        {
            return null;
        }

        var code = parsed.Code ?? text;
        var guards = 0;
        for (var pass = 0; pass < MaxPasses; pass++)
        {
            var program = pass == 0 ? parsed.Program : JsParser.Parse(code, fileName).Program;
            if (program is null)
            {
                return null;
            }

            var checkedNames = SyntaxSearch.Descendants(program).OfType<VariableDeclarator>()
                .Where(d => d.Id is Identifier && d.Init is not null && MentionsExistenceCheck(d.Init))
                .Select(d => ((Identifier)d.Id).Name)
                .ToHashSet(StringComparer.Ordinal);

            // The outermost guard of this pass; the next pass finds the ones it held.
            var guard = SyntaxSearch.Descendants(program).FirstOrDefault(n => Replacement(code, n, checkedNames) is not null);
            if (guard is null)
            {
                break;
            }

            code = code[..guard.Range.Start] + Replacement(code, guard, checkedNames) + code[guard.Range.End..];
            guards++;
        }

        guards += SqlGuard().Matches(code).Count + KnexGuard().Matches(code).Count;
        code = SqlGuard().Replace(code, " ");
        code = KnexGuard().Replace(code, ".$1");
        return (code, guards);
    }

    /// <summary>What a guard statement becomes without its guard: nothing, or the statements it held.</summary>
    private static string? Replacement(string code, Node node, HashSet<string> checkedNames) => node switch
    {
        IfStatement { Alternate: null, Consequent: var then } when IsBareReturn(then) => string.Empty,
        IfStatement { Alternate: null, Consequent: var then } conditional when MentionsExistenceCheck(conditional.Test) || TestsLength(conditional.Test) ||
            SyntaxSearch.Descendants(conditional.Test).OfType<Identifier>().Any(i => checkedNames.Contains(i.Name)) =>
            then is BlockStatement block ? code[(block.Range.Start + 1)..(block.Range.End - 1)] : code[then.Range.Start..then.Range.End],
        VariableDeclaration { Declarations: [{ Init: { } init }] } when MentionsExistenceCheck(init) && IsOnlyExistenceCheck(init) => string.Empty,
        _ => null,
    };

    /// <summary>return; return value; return Promise.resolve(): nothing more runs, and nothing is sent to the database.</summary>
    private static bool IsBareReturn(Node statement) => statement switch
    {
        BlockStatement { Body: [var only] } => IsBareReturn(only),
        ReturnStatement { Argument: null or Literal or Identifier } => true,
        ReturnStatement { Argument: CallExpression { Callee: MemberExpression { Object: Identifier { Name: "Promise" }, Property: Identifier { Name: "resolve" } } } } => true,
        _ => false,
    };

    /// <summary>if (rows.length) / if (rows.length > 0): a guard against an empty list (knex refuses an empty insert).</summary>
    private static bool TestsLength(Node test) =>
        SyntaxSearch.Descendants(test).OfType<MemberExpression>().Any(m => m is { Computed: false, Property: Identifier { Name: "length" } }) &&
        !SyntaxSearch.Descendants(test).OfType<CallExpression>().Any();

    private static bool MentionsExistenceCheck(Node node) =>
        SyntaxSearch.Descendants(node).OfType<CallExpression>().Any(c => SyntaxSearch.CalleeName(c) is "hasTable" or "hasColumn");

    /// <summary>const exists = await knex.schema.hasTable('t'): reads, sends no DDL.</summary>
    private static bool IsOnlyExistenceCheck(Node init) => init switch
    {
        AwaitExpression { Argument: var argument } => IsOnlyExistenceCheck(argument),
        CallExpression call => SyntaxSearch.CalleeName(call) is "hasTable" or "hasColumn",
        _ => false,
    };

    [GeneratedRegex(@"\bif\s+not\s+exists\b|\bif\s+exists\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SqlGuard();

    /// <summary>Knex's guarded spellings (knex 3.1.0 SchemaBuilder): createTableIfNotExists, dropTableIfExists, dropViewIfExists...</summary>
    [GeneratedRegex(@"\.(createTable|createSchema|drop\w+?)(?:IfNotExists|IfExists)\b", RegexOptions.CultureInvariant)]
    private static partial Regex KnexGuard();
}
