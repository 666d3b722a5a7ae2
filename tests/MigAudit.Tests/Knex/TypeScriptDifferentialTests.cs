using MigAudit.Knex.JavaScript;
using MigAudit.Tests.Support;
using MigAudit.TypeScriptDifferential;

namespace MigAudit.Tests.Knex;

/// <summary>
/// Every file of tests/fixtures/typescript/constructs (one TypeScript construct each) read by migaudit and by the real
/// TypeScript compiler (tests/node/ts-erase.js): the program migaudit reads must be the program tsc emits, compared as
/// syntax trees (docs/typescript.md). The cases are the folder's files: a file added there is a new case.
/// </summary>
public sealed class TypeScriptDifferentialTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "fixtures", "typescript", "constructs");
    private static readonly string EquivalentsFolder = Path.Combine(AppContext.BaseDirectory, "fixtures", "typescript", "equivalents");

    // One node process for every construct: loading the compiler takes most of a second.
    private static readonly Lazy<IReadOnlyDictionary<string, TscResult>> Tsc =
        new(() => TscEraser.Erase(NodeKnex.ScriptsDirectory!, Directory.EnumerateFiles(Folder).Order(StringComparer.Ordinal)));

    public static TheoryData<string> Constructs() => new(Directory.EnumerateFiles(Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [SkippableTheory]
    [MemberData(nameof(Constructs))]
    public void MigauditReadsTheProgramTscEmits(string construct)
    {
        Requires.TypeScript();
        var tsc = Tsc.Value[Path.Combine(Folder, construct)];
        Assert.True(tsc.Error is null, tsc.Error);
        Assert.True(tsc.Accepted, $"the fixture is not TypeScript for tsc: {string.Join("; ", tsc.Diagnostics.Select(d => $"{d.Line}:{d.Column} {d.Message}"))}");

        var result = DifferentialCheck.Compare(tsc);
        if (result.Verdict == Verdict.TscOutputUnreadable)
        {
            // No reference tree (tsc emits syntax that no JavaScript reader here accepts, such as import assertions):
            // migaudit must then read exactly the documented equivalent in tests/fixtures/typescript/equivalents
            // (see its README), or not claim a reading at all.
            var source = File.ReadAllText(tsc.Path);
            var migaudit = JsParser.Parse(source, tsc.Path);
            var equivalentPath = Path.Combine(EquivalentsFolder, Path.ChangeExtension(construct, ".js"));
            if (!File.Exists(equivalentPath))
            {
                Assert.True(migaudit.Program is null, $"tsc's output is unreadable ({result.Detail}) yet migaudit read a program");
                return;
            }

            var equivalentText = File.ReadAllText(equivalentPath);
            var reader = new Acornima.Parser(new Acornima.ParserOptions
            {
                EcmaVersion = Acornima.EcmaVersion.Latest,
                ExperimentalESFeatures = Acornima.ExperimentalESFeatures.Decorators,
            });
            Acornima.Ast.Program equivalent = migaudit.IsModuleSyntax ? reader.ParseModule(equivalentText) : reader.ParseScript(equivalentText);
            Assert.True(migaudit.Program is not null, $"{migaudit.Problem?.Line}:{migaudit.Problem?.Column} {migaudit.Problem?.Message}");
            var difference = TreeComparison.Compare(equivalent, equivalentText, migaudit.Program, source);
            Assert.True(difference is null, $"{difference}");
            return;
        }

        Assert.True(result.Verdict == Verdict.Same, $"{result.Verdict}: {(object?)result.Difference ?? result.Detail}");
    }
}
