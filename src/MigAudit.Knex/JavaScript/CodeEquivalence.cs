using MigAudit.Knex.Schema;

namespace MigAudit.Knex.JavaScript;

/// <summary>
/// Whether two versions of a file are the same code for Node and Knex: the same tokens once set aside what a formatter
/// or a linter changes without changing what runs —
/// comments, whitespace, the quote style of string literals, semicolons, trailing commas (Prettier, ESLint --fix);
/// the parentheses of a one-parameter arrow function (<c>t =&gt;</c> and <c>(t) =&gt;</c>, Prettier 2's arrowParens);
/// the name given to a function expression (<c>exports.up = function up(knex)</c>, ESLint's func-names) when nothing
/// else in the file uses that name, since a function expression's name is bound only inside that function;
/// whitespace and comments inside the SQL text given to <c>.raw()</c> (PostgreSQL reads the same tokens);
/// and, when the caller can tell, a <c>require</c>/<c>import</c> path that names the same module content.
/// </summary>
public static class CodeEquivalence
{
    /// <param name="module">
    /// The identity of the module a specifier names in each version (first: true for the first version), or null when
    /// it cannot be told: two different specifiers with the same identity are the same module.
    /// </param>
    public static bool SameTokens(string before, string after, Func<bool, string, string?>? module = null) =>
        Normalized(before, module is null ? null : s => module(true, s))
            .SequenceEqual(Normalized(after, module is null ? null : s => module(false, s)), StringComparer.Ordinal);

    /// <summary>The specifiers of the file's require() calls and import/export ... from declarations, as written.</summary>
    public static IReadOnlyList<string> ModuleSpecifiers(string code)
    {
        var tokens = JsLexer.Tokenize(code);
        return [.. Enumerable.Range(0, tokens.Count).Where(i => IsModuleSpecifier(tokens, i)).Select(i => StringValue(tokens[i].Text))];
    }

    private static List<string> Normalized(string code, Func<string, string?>? module)
    {
        var tokens = JsLexer.Tokenize(code);
        var functionNames = UnusedFunctionExpressionNames(tokens);
        var normalized = new List<string>(tokens.Count);
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Kind == JsTokenKind.Punctuator && token.Text == ";")
            {
                continue;
            }

            if (token.Kind == JsTokenKind.Punctuator && token.Text == "," && i + 1 < tokens.Count && tokens[i + 1].Text is ")" or "]" or "}")
            {
                continue;
            }

            // (t) => and t => are the same arrow function.
            if (token.Text == "(" && token.Kind == JsTokenKind.Punctuator && i + 3 < tokens.Count && tokens[i + 1].Kind == JsTokenKind.Identifier &&
                tokens[i + 2].Text == ")" && tokens[i + 3].Text == "=>")
            {
                normalized.Add("Identifier:" + tokens[i + 1].Text);
                i += 2;
                continue;
            }

            if (functionNames.Contains(i))
            {
                continue;
            }

            normalized.Add(token.Kind switch
            {
                JsTokenKind.String or JsTokenKind.Template when IsModuleSpecifier(tokens, i) && module?.Invoke(StringValue(token.Text)) is { } identity => "module:" + identity,
                JsTokenKind.String or JsTokenKind.Template when IsRawSql(tokens, i) => "sql:" + NormalizedSql(StringValue(token.Text)),
                JsTokenKind.String => "string:" + StringValue(token.Text),
                _ => $"{token.Kind}:{token.Text}",
            });
        }

        return normalized;
    }

    /// <summary>
    /// The name tokens of named function expressions (after =, :, (, ',' or return) whose name appears nowhere else in the
    /// file as a variable: dropping such a name changes nothing the code does.
    /// </summary>
    private static HashSet<int> UnusedFunctionExpressionNames(List<JsToken> tokens)
    {
        var names = new HashSet<int>();
        for (var i = 1; i + 2 < tokens.Count; i++)
        {
            if (tokens[i].Text == "function" && tokens[i].Kind == JsTokenKind.Keyword && tokens[i + 1].Kind == JsTokenKind.Identifier && tokens[i + 2].Text == "(" &&
                (tokens[i - 1].Text is "=" or ":" or "(" or "," or "return" || tokens[i - 1].Text == "async" && i >= 2 && tokens[i - 2].Text is "=" or ":" or "(" or "," or "return"))
            {
                var name = tokens[i + 1].Text;
                // A property name (exports.up, { up: ... }) is not the variable.
                var usedElsewhere = Enumerable.Range(0, tokens.Count)
                    .Where(j => j != i + 1 && tokens[j].Kind == JsTokenKind.Identifier && tokens[j].Text == name)
                    .Any(j => !(j > 0 && tokens[j - 1].Text is "." or "?.") && !(j + 1 < tokens.Count && tokens[j + 1].Text == ":" && j > 0 && tokens[j - 1].Text is "{" or ","));
                if (!usedElsewhere)
                {
                    names.Add(i + 1);
                }
            }
        }

        return names;
    }

    /// <summary>require('x'), import('x'), import 'x', import ... from 'x', export ... from 'x'.</summary>
    private static bool IsModuleSpecifier(List<JsToken> tokens, int i) =>
        tokens[i].Kind is JsTokenKind.String or JsTokenKind.Template && !tokens[i].Text.Contains("${", StringComparison.Ordinal) && i > 0 &&
        (tokens[i - 1].Text == "from" || tokens[i - 1].Text == "import" ||
         tokens[i - 1].Text == "(" && i > 1 && tokens[i - 2].Text is "require" or "import" && i + 1 < tokens.Count && tokens[i + 1].Text == ")");

    /// <summary>The SQL text of .raw('...') / .raw(`...`) (a template without substitutions).</summary>
    private static bool IsRawSql(List<JsToken> tokens, int i) =>
        !tokens[i].Text.Contains("${", StringComparison.Ordinal) && i > 2 && tokens[i - 1].Text == "(" && tokens[i - 2].Text == "raw" && tokens[i - 3].Text is "." or "?.";

    /// <summary>The SQL tokens, comments left out: what PostgreSQL parses is the same whatever the indentation.</summary>
    /// A $$...$$ body (a PL/pgSQL function, a DO block) is read the same way: its comments and layout are not what runs.
    private static string NormalizedSql(string sql) =>
        string.Join(" ", SqlTokenizer.Tokenize(sql).Select(t => t.Kind == SqlTokenKind.DollarString ? $"$$[{NormalizedSql(t.Text)}]" : $"{t.Kind}:{t.Text}"));

    /// <summary>
    /// The methods the code calls, in order (<c>.createTable(</c>, <c>.defaultTo(</c>), with Knex's column-builder aliases
    /// read as the method they stand for (knex 3.1.0: default and defaultsTo are defaultTo, notNull is notNullable).
    /// Two versions the replay finds the same, whose calls are the same, send the same statements.
    /// </summary>
    public static IReadOnlyList<string> CalledMethods(string code)
    {
        var tokens = JsLexer.Tokenize(code);
        return [.. Enumerable.Range(1, Math.Max(0, tokens.Count - 2))
            .Where(i => tokens[i - 1].Text is "." or "?." && tokens[i].Kind is JsTokenKind.Identifier or JsTokenKind.Keyword && tokens[i + 1].Text == "(")
            .Select(i => tokens[i].Text switch
            {
                "default" or "defaultsTo" => "defaultTo",
                "notNull" => "notNullable",
                var name => name,
            })];
    }

    /// <summary>'it\'s', "it's" and `it's` are one value.</summary>
    private static string StringValue(string literal) =>
        literal.Length < 2 ? literal : literal[1..^1].Replace("\\'", "'", StringComparison.Ordinal).Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\`", "`", StringComparison.Ordinal);
}
