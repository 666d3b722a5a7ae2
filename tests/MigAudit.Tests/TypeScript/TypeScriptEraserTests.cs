using MigAudit.Knex.JavaScript;
using MigAudit.Knex.TypeScript;

namespace MigAudit.Tests.TypeScript;

/// <summary>
/// The exact JavaScript migaudit makes from TypeScript for the constructs where a pattern-based stripper went wrong;
/// every expected text was checked against `tsc` (transpileModule, target ESNext, module preserve,
/// verbatimModuleSyntax, useDefineForClassFields, isolatedModules): same program, kept tokens on their own lines.
/// </summary>
public sealed class TypeScriptEraserTests
{
    private static string Erase(string text)
    {
        var result = TypeScriptEraser.Erase(text);
        Assert.Null(result.Error);
        var code = Assert.IsType<string>(result.Code);
        Assert.Equal(text.Count(c => c == '\n'), code.Count(c => c == '\n'));
        return code;
    }

    [Fact]
    public void Type_annotations_become_spaces_and_keep_columns()
    {
        const string text = "const a: number = 1;\nfunction f(x: string, y?: number): void {}\n";
        Assert.Equal("const a         = 1;\nfunction f(x        , y         )       {}\n", Erase(text));
    }

    [Fact]
    public void Ternaries_object_literals_and_case_labels_are_not_types()
    {
        const string text = "const x = (a ? b : c);\nconst o = { k: (v) };\nswitch (n) { case (1): break; }\n";
        Assert.Equal(text, Erase(text));
    }

    [Fact]
    public void Inline_type_specifiers_are_dropped_and_the_import_kept()
    {
        Assert.Equal("import {            knex } from 'knex';", Erase("import { type Knex, knex } from 'knex';"));
        Assert.Equal("import {           } from 'knex';", Erase("import { type Knex } from 'knex';"));
        Assert.Equal("import { type } from 'm';", Erase("import { type } from 'm';"));
        Assert.Equal(new string(' ', 33), Erase("import type { Knex } from 'knex';"));
    }

    [Fact]
    public void As_inside_a_template_substitution_is_erased()
    {
        Assert.Equal("const u = `pg://${encodeURIComponent(env.DB          )}@h`;", Erase("const u = `pg://${encodeURIComponent(env.DB as string)}@h`;"));
    }

    [Fact]
    public void Generic_arrows_and_casts()
    {
        Assert.Equal("const f =     (x   )    => x;", Erase("const f = <T,>(x: T): T => x;"));
        Assert.Equal("const g = async    (x   ) => x;", Erase("const g = async <T>(x: T) => x;"));
        Assert.Equal("const k =      foo;", Erase("const k = <any>foo;"));
        Assert.Equal("const h = o?.get?.        ();", Erase("const h = o?.get?.<string>();"));
    }

    [Fact]
    public void A_typed_arrow_in_the_true_branch_of_a_conditional()
    {
        Assert.Equal("const c = t ? (x        )         => x : y;", Erase("const c = t ? (x: number): number => x : y;"));
    }

    [Fact]
    public void Closing_angle_brackets_of_nested_type_arguments_are_not_shift_operators()
    {
        Assert.Equal("                                         \nlet m                          = 1 >>> 2;",
            Erase("type R = Array<Map<string, Set<number>>>;\nlet m: Map<string, Set<number>>= 1 >>> 2;"));
    }

    [Fact]
    public void An_arrow_whose_return_type_spans_lines_keeps_its_arrow_on_the_parameters_line()
    {
        Assert.Equal("const f = ()=>        \n        \n     x;", Erase("const f = (): Promise<\n  number\n> => x;"));
    }

    [Fact]
    public void An_erased_tail_before_a_line_that_could_continue_the_statement_gets_tscs_semicolon()
    {
        Assert.Equal("let x = a ;        \n(b)();", Erase("let x = a as number\n(b)();"));
        Assert.Equal("let y = a\n;               \n(b)();", Erase("let y = a\ninterface Gap {}\n(b)();"));
    }

    [Fact]
    public void Enums_are_emitted_in_tscs_shape_on_their_own_lines()
    {
        Assert.Equal(
            "var E; (function (E) { E[E[\"A\"] = 0] = \"A\"; E[E[\"B\"] = 5] = \"B\";\nE[\"C\"] = \"x\"; E[E[\"D\"] = E.B + f()] = \"D\";\n})(E || (E = {}));",
            Erase("enum E { A, B = 5,\nC = 'x', D = B + f(),\n}"));
        Assert.Equal("export var M; (function (M) { M[M[\"On\"] = 1] = \"On\"; })(M || (M = {}));", Erase("export const enum M { On = 1 }"));
        Assert.Equal("                        ", Erase("declare enum D { A = 1 }"));
    }

    [Fact]
    public void Parameter_properties_become_fields_and_assignments_after_super()
    {
        Assert.Equal(
            "class R extends B { dir; constructor(   dir        ) { super(); this.dir = dir; go(); } }",
            Erase("class R extends B { constructor(private dir: string) { super(); go(); } }"));
        Assert.Equal("class S { x; constructor(      x) { this.x = x;} }", Erase("class S { constructor(readonly x) {} }"));
    }

    [Fact]
    public void Import_equals_and_export_equals_use_tscs_commonjs_forms()
    {
        Assert.Equal("const  path = require('path');", Erase("import path = require('path');"));
        Assert.Equal("var    q = A.b;", Erase("import q = A.b;"));
        Assert.Equal("module.exports = config;", Erase("export = config;"));
        Assert.Equal("const         fs = require('fs'); export { fs };", Erase("export import fs = require('fs');"));
    }

    [Fact]
    public void Import_assertions_are_read_as_import_attributes()
    {
        Assert.Equal("import x from './x.json' with   { type: 'json' };", Erase("import x from './x.json' assert { type: 'json' };"));
    }

    [Fact]
    public void Decorated_exported_classes_are_declared_then_exported()
    {
        Assert.Equal("@dec        class A {} export { A };", Erase("@dec export class A {}"));
        Assert.Equal("export default @dec  class B {}", Erase("@dec export default class B {}"));
    }

    [Fact]
    public void Namespaces_become_tscs_function_with_qualified_exports()
    {
        Assert.Equal(
            "var N; (function (N) {     N.a = 1; console.log(N.a, { a: N.a }); })(N || (N = {}));",
            Erase("namespace N { export const a = 1; console.log(a, { a }); }"));
        Assert.Equal("                                       ", Erase("namespace T { export type X = number; }"));
    }

    [Fact]
    public void A_syntax_error_reports_the_parsers_line_and_column()
    {
        var result = TypeScriptEraser.Erase("const a = 1;\nlet b: = 2;\n");
        Assert.Null(result.Code);
        Assert.Equal((2, 8), (result.Line, result.Column));
        Assert.Equal("type expected, found '='", result.Error);
    }

    [Fact]
    public void A_file_migaudit_cannot_read_is_not_blamed_on_knex()
    {
        var parsed = JsParser.Parse("export const up = (knex: Knex) => {\n  let x: = 1;\n};\n", "20250101000000_a.ts");
        Assert.Null(parsed.Program);
        Assert.NotNull(parsed.Problem);
        Assert.Equal((2, 10), (parsed.Problem!.Line, parsed.Problem.Column));
        Assert.False(parsed.Problem.KnexFailsToo);
    }

    public static TheoryData<string> Constructs()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "fixtures", "typescript", "constructs"), "*.ts").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(path));
        }

        return data;
    }

    /// <summary>Each construct file is read, keeps its line count, and its JavaScript parses (the exact program is the differential test's job).</summary>
    [Theory]
    [MemberData(nameof(Constructs))]
    public void Every_construct_file_becomes_javascript_on_the_same_lines(string file)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "typescript", "constructs", file));
        Erase(text);
        var parsed = JsParser.Parse(text, file);
        Assert.Null(parsed.Problem);
        Assert.NotNull(parsed.Program);
    }
}
