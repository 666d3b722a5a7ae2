using Acornima;
using MigAudit.TypeScriptDifferential;

namespace MigAudit.Tests.Knex;

/// <summary>
/// The comparison the TypeScript differential rests on (<see cref="TreeComparison"/>): what it ignores (positions,
/// raw text, parentheses) and what it must see.
/// </summary>
public sealed class SyntaxTreeComparisonTests
{
    private static TreeDifference? Compare(string expected, string actual) =>
        TreeComparison.Compare(new Parser().ParseModule(expected), expected, new Parser().ParseModule(actual), actual);

    [Theory]
    [InlineData("const a = 'x';", "const   a =\n  \"x\"  ;")]
    [InlineData("const a = (b + c) * d;", "const a = ((b + c)) * (d);")]
    [InlineData("const a = 1;", "const a = 1.0;")]
    [InlineData("const a = 0x10;", "const a = 16;")]
    [InlineData("const t = `a${b}c`;", "const t = `a${ b }c`;")]
    [InlineData("f(a, b);", "f(a,b,);")]
    public void TreatsTheSameProgramWrittenDifferentlyAsTheSame(string expected, string actual) =>
        Assert.Null(Compare(expected, actual));

    [Theory]
    [InlineData("const a = b + c;", "const a = b - c;", "Body[0].Declarations[0].Init", "BinaryExpression.Operator")]
    [InlineData("const a = b;", "let a = b;", "Body[0]", "VariableDeclaration.Kind")]
    [InlineData("const a = b;", "const a = c;", "Body[0].Declarations[0].Init", "Identifier.Name")]
    [InlineData("const f = async () => 1;", "const f = () => 1;", "Body[0].Declarations[0].Init", "ArrowFunctionExpression.Async")]
    [InlineData("const a = 'x';", "const a = 'y';", "Body[0].Declarations[0].Init", "Literal.Value")]
    [InlineData("class A { static x = 1; }", "class A { x = 1; }", "Body[0].Body.Body[0]", "PropertyDefinition.Static")]
    [InlineData("const o = { [a]: 1 };", "const o = { a: 1 };", "Body[0].Declarations[0].Init.Properties[0]", "Property.Computed")]
    [InlineData("a; b;", "a;", "Body[1]", "Program.Body length")]
    [InlineData("a; b; c;", "a; c;", "Body[1].Expression", "Program.Body length")]
    [InlineData("const a = b;", "const a = b.c;", "Body[0].Declarations[0].Init", "Init: Identifier vs MemberExpression")]
    [InlineData("class A { x; }", "class A {}", "Body[0].Body.Body[0]", "ClassBody.Body length")]
    public void ReportsTheFirstDifferenceWithItsPath(string expected, string actual, string path, string cause)
    {
        var difference = Compare(expected, actual);
        Assert.NotNull(difference);
        Assert.Equal(path, difference.Path);
        Assert.Equal(cause, difference.Cause);
    }

    [Fact]
    public void NamesTheListWhoseLengthDiffersAndItsFirstDifferentItem()
    {
        var difference = Compare("class A { x; y() {} }", "class A { y() {} }")!;
        Assert.Equal(new ListLengths("Body[0].Body.Body", "ClassBody", 2, 1), difference.List);
        Assert.Equal("Body[0].Body.Body[0]", difference.Path);
        Assert.Equal("x;", difference.ExpectedSnippet);
        Assert.Equal("y() {}", difference.ActualSnippet);
    }

    [Fact]
    public void QuotesBothSidesSourceTextAtTheDifference()
    {
        var difference = Compare("run(a + b);", "run(a  -  b);")!;
        Assert.Equal("a + b", difference.ExpectedSnippet);
        Assert.Equal("a - b", difference.ActualSnippet);
    }
}
