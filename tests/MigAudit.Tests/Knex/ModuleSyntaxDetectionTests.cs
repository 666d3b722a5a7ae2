using MigAudit.Knex.JavaScript;

namespace MigAudit.Tests.Knex;

/// <summary>
/// Whether a file is parsed as an ES module: decided by an import or export keyword, which a cheap word search screens
/// for before the tokenizer runs. The screen must never hide a keyword, and the tokenizer still rules out strings
/// and comments.
/// </summary>
public sealed class ModuleSyntaxDetectionTests
{
    [Theory]
    [InlineData("exports.up = function (knex) { return knex.schema.createTable('t', () => {}); };", false)]
    [InlineData("module.exports = { up() {}, down() {} };", false)]
    [InlineData("const importer = 1; const reexported = 2; exports.up = () => importer + reexported;", false)]
    [InlineData("// export is only in a comment\nexports.up = () => 'import it';", false)]
    [InlineData("export async function up(knex) {}", true)]
    [InlineData("import knex from 'knex';\nexports.up = () => knex;", true)]
    [InlineData("const x = 1;export{x as up}", true)]
    [InlineData("exports.a=1;\nexport\u00a0const up = () => 1;", true)]
    public void ModuleSyntaxIsFoundExactlyWhereTheTokenizerSeesTheKeyword(string source, bool module)
    {
        var parsed = JsParser.Parse(source, "20250101000000_a.js");
        Assert.Null(parsed.Problem);
        Assert.Equal(module, parsed.IsModuleSyntax);
    }
}
