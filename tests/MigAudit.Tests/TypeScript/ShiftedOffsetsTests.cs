using Acornima.Ast;
using MigAudit.Engine.Fixes;
using MigAudit.Knex.JavaScript;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.TypeScript;

/// <summary>
/// An enum written on one line with other code: tsc's JavaScript for it is longer than the TypeScript, so the rest of
/// the line moves (IvanMOA/Picket and laurent22/joplin crashed on a slice past the source's end). Readers slice the
/// JavaScript the offsets index; the fixer, which splices the source, refuses such a file.
/// </summary>
public sealed class ShiftedOffsetsTests
{
    private const string Source = "enum Stage { Draft = 1 } export const stage = Stage.Draft;\n";

    [Fact]
    public void Parsed_offsets_index_the_generated_javascript_and_the_cache_keeps_that_text()
    {
        var parsed = JsParser.Parse(Source, "config.ts");
        Assert.NotNull(parsed.Program);
        Assert.False(parsed.OffsetsMatch(Source));

        using var repo = new TempRepo(init: false);
        repo.Write("config.ts", Source);
        var cached = new ParsedModuleCache().File(Path.Combine(repo.Root, "config.ts"));
        var member = SyntaxSearch.Descendants(cached.Program!).OfType<MemberExpression>().Single(m => m.Object is Identifier { Name: "Stage" } && m.Property is Identifier { Name: "Draft" });
        Assert.Equal("Stage.Draft", cached.Text[member.Start..member.End]);
        Assert.Equal(1, member.Location.Start.Line);
    }

    [Fact]
    public void Javascript_and_typescript_whose_code_fits_keep_the_source_offsets()
    {
        const string typed = "export const stage: number = 1 as number;\n";
        Assert.True(JsParser.Parse(typed, "config.ts").OffsetsMatch(typed));
        Assert.True(JsParser.Parse("exports.stage = 1;\n", "config.js").OffsetsMatch("exports.stage = 1;\n"));
    }

    [Fact]
    public void The_fixer_refuses_to_splice_a_file_whose_offsets_moved()
    {
        const string migration = "enum Stage { Draft = 1 } export async function up(knex) { await db.query('select 1'); }\nexport async function down() {}\n";
        var (text, reason) = Fixer.ConvertToKnex(migration, "20240101120000_x.ts");
        Assert.Null(text);
        Assert.Equal("its TypeScript (an enum, namespace or parameter property) is rewritten longer than written, so migaudit cannot edit it safely", reason);
    }
}
