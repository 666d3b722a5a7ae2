using MigAudit.Knex.JavaScript;

namespace MigAudit.Tests.Knex;

/// <summary>
/// The tolerant tokenizer that decides whether a file has module syntax and whether an edit changed any token:
/// punctuators match longest first, keywords are told from identifiers, and a character that starts no token is one.
/// </summary>
public sealed class JsLexerTests
{
    private static List<(JsTokenKind Kind, string Text)> Tokens(string code) => JsLexer.Tokenize(code).Select(t => (t.Kind, t.Text)).ToList();

    [Fact]
    public void Punctuators_match_the_longest_spelling_at_each_position()
    {
        Assert.Equal(
            [
                (JsTokenKind.Identifier, "a"), (JsTokenKind.Punctuator, ">>>="), (JsTokenKind.Identifier, "b"),
                (JsTokenKind.Punctuator, ">>>"), (JsTokenKind.Identifier, "c"), (JsTokenKind.Punctuator, ">>"),
                (JsTokenKind.Identifier, "d"), (JsTokenKind.Punctuator, ">="), (JsTokenKind.Identifier, "e"),
                (JsTokenKind.Punctuator, ">"), (JsTokenKind.Identifier, "f"), (JsTokenKind.Punctuator, "?."),
                (JsTokenKind.Identifier, "g"), (JsTokenKind.Punctuator, "??="), (JsTokenKind.Punctuator, "..."),
                (JsTokenKind.Identifier, "h"), (JsTokenKind.Punctuator, "!=="), (JsTokenKind.Punctuator, "#"),
                (JsTokenKind.Identifier, "i"), (JsTokenKind.Punctuator, "=>"), (JsTokenKind.Punctuator, "@"),
            ],
            Tokens("a >>>= b >>> c >> d >= e > f?.g ??= ...h !== #i => @"));
    }

    [Fact]
    public void A_punctuator_cut_short_by_the_end_of_the_text_is_the_shorter_one()
    {
        Assert.Equal([(JsTokenKind.Identifier, "a"), (JsTokenKind.Punctuator, ">>")], Tokens("a >>"));
        Assert.Equal([(JsTokenKind.Identifier, "a"), (JsTokenKind.Punctuator, "."), (JsTokenKind.Punctuator, ".")], Tokens("a.."));
    }

    [Fact]
    public void A_character_that_starts_no_token_is_a_token_of_its_own()
    {
        Assert.Equal([(JsTokenKind.Identifier, "a"), (JsTokenKind.Punctuator, "\\"), (JsTokenKind.Identifier, "b")], Tokens("a \\ b"));
    }

    [Fact]
    public void Keywords_are_whole_words_and_their_prefixes_stay_identifiers()
    {
        Assert.Equal(
            [
                (JsTokenKind.Identifier, "exports"), (JsTokenKind.Punctuator, "."), (JsTokenKind.Identifier, "up"),
                (JsTokenKind.Punctuator, "="), (JsTokenKind.Keyword, "async"), (JsTokenKind.Keyword, "function"),
                (JsTokenKind.Punctuator, "("), (JsTokenKind.Punctuator, ")"), (JsTokenKind.Punctuator, "{"),
                (JsTokenKind.Keyword, "return"), (JsTokenKind.Identifier, "imports"), (JsTokenKind.Punctuator, "}"),
                (JsTokenKind.Keyword, "export"), (JsTokenKind.Keyword, "const"), (JsTokenKind.Identifier, "x"),
            ],
            Tokens("exports.up = async function () { return imports }\nexport const x"));
    }

    [Fact]
    public void A_slash_after_a_keyword_that_begins_an_expression_starts_a_regular_expression()
    {
        Assert.Equal(
            [(JsTokenKind.Keyword, "return"), (JsTokenKind.RegExp, "/a[/]b/g"), (JsTokenKind.Identifier, "x"), (JsTokenKind.Punctuator, "/"), (JsTokenKind.Identifier, "y")],
            Tokens("return /a[/]b/g\nx / y"));
    }
}
