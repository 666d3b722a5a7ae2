using MigAudit.Knex.Schema;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Schema;

/// <summary>The SQL reader's one tokenizer: statement boundaries, quotes, comments and names as PostgreSQL reads them.</summary>
public sealed class SqlTokenizerTests
{
    [Fact]
    public void Semicolons_inside_names_strings_dollar_quotes_and_comments_do_not_end_a_statement()
    {
        const string sql = """
            CREATE TABLE "a;b" (note text DEFAULT 'x;y', escaped text DEFAULT E'it\'s; fine');
            /* outer /* nested; */ still a comment; */
            CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql; -- trailing; comment
            """;
        var statements = SqlTokenizer.Statements(sql);
        Assert.Equal(2, statements.Count);
        Assert.Equal((SqlTokenKind.QuotedName, "a;b"), (statements[0].Tokens[2].Kind, statements[0].Tokens[2].Text));
        Assert.Contains(statements[0].Tokens, t => t is { Kind: SqlTokenKind.String, Text: "E'it\\'s; fine'" });
        Assert.Contains(statements[1].Tokens, t => t is { Kind: SqlTokenKind.DollarString, Text: " SELECT 1; " });
        Assert.StartsWith("CREATE FUNCTION", statements[1].Text);
    }

    [Fact]
    public void A_quoted_name_keeps_its_case_and_doubled_quotes_and_is_never_a_keyword()
    {
        var tokens = SqlTokenizer.Tokenize("\"Order\"\"Items\" ON Users");
        Assert.Equal("Order\"Items", tokens[0].Name);
        Assert.False(tokens[0].IsWord("ON"));
        Assert.True(tokens[1].IsWord("on"));
        Assert.Equal("users", tokens[2].Name);
    }

    [Fact]
    public void Quoted_names_that_look_like_keywords_are_read_as_names()
    {
        using var repo = Audit.Project(("20250101000000_quoted.js", """
            exports.up = (knex) => knex.raw('CREATE TABLE "index" ("on" integer, "Primary" text); CREATE INDEX "unique" ON "index" ("on")');
            exports.down = (knex) => knex.raw('DROP TABLE "index"');
            """));
        var result = Audit.Run(repo.Root);
        var table = result.Input.Schema.Schema.Table("index")!;
        Assert.Equal(["on", "Primary"], table.Columns.Select(c => c.Name));
        Assert.Equal(("unique", "on"), (Assert.Single(table.Indexes).Name, table.Indexes[0].Columns[0]));
        Assert.True(result.Input.Schema.Migrations[0].Up.Complete);
    }
}
