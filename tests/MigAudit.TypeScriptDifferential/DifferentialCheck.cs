using Acornima;
using MigAudit.Knex.JavaScript;

namespace MigAudit.TypeScriptDifferential;

public enum Verdict
{
    /// <summary>The real TypeScript parser accepts the file and migaudit reads the same program.</summary>
    Same,

    /// <summary>Both read the file, into different programs (<see cref="FileComparison.Difference"/>).</summary>
    Different,

    /// <summary>The real TypeScript parser accepts the file; migaudit reports a parse problem (<see cref="FileComparison.Detail"/>).</summary>
    MigauditRejected,

    /// <summary>The real TypeScript parser reports errors: the file is not TypeScript, so there is nothing to compare with.</summary>
    TscRejected,

    /// <summary>The JavaScript tsc emitted is not readable by migaudit's JavaScript parser (Acornima): no reference tree.</summary>
    TscOutputUnreadable,

    /// <summary>The file could not be read.</summary>
    Unreadable,
}

public sealed record FileComparison(string Path, Verdict Verdict, TreeDifference? Difference = null, string? Detail = null);

/// <summary>
/// The differential comparison of docs/typescript.md: for each TypeScript file, the program migaudit reads
/// (<see cref="JsParser.Parse"/>) against the program in the JavaScript the real TypeScript compiler emits for it
/// (<see cref="TscEraser"/>), both as Acornima syntax trees compared by <see cref="TreeComparison"/>.
/// </summary>
public static class DifferentialCheck
{
    /// <summary>Compares every file (absolute paths of .ts, .mts or .cts files) in one node process.</summary>
    public static IReadOnlyList<FileComparison> Run(string nodeDirectory, IReadOnlyList<string> files)
    {
        var tsc = TscEraser.Erase(nodeDirectory, files);
        return files.Select(file => tsc.TryGetValue(file, out var result)
            ? Compare(result)
            : new FileComparison(file, Verdict.Unreadable, Detail: "ts-erase.js gave no answer")).ToList();
    }

    public static FileComparison Compare(TscResult tsc)
    {
        if (tsc.Error is not null)
        {
            return new FileComparison(tsc.Path, Verdict.Unreadable, Detail: tsc.Error);
        }

        if (!tsc.Accepted)
        {
            var first = tsc.Diagnostics[0];
            return new FileComparison(tsc.Path, Verdict.TscRejected, Detail: $"{first.Line}:{first.Column} {first.Message}");
        }

        string source;
        try
        {
            source = File.ReadAllText(tsc.Path);
        }
        catch (IOException error)
        {
            return new FileComparison(tsc.Path, Verdict.Unreadable, Detail: error.Message);
        }

        var (reference, unreadable) = ReadReference(tsc);
        if (reference is null)
        {
            return new FileComparison(tsc.Path, Verdict.TscOutputUnreadable, Detail: unreadable);
        }

        var migaudit = JsParser.Parse(source, tsc.Path);
        if (migaudit.Program is null)
        {
            return new FileComparison(tsc.Path, Verdict.MigauditRejected, Detail: $"{migaudit.Problem!.Line}:{migaudit.Problem.Column} {migaudit.Problem.Message}");
        }

        // migaudit's ranges point into the TypeScript source (its reader keeps every character's position).
        var difference = TreeComparison.Compare(reference, tsc.Output, migaudit.Program, source);
        return difference is null
            ? new FileComparison(tsc.Path, Verdict.Same)
            : new FileComparison(tsc.Path, Verdict.Different, difference);
    }

    /// <summary>
    /// tsc's JavaScript is read as the JavaScript file Node would load in the TypeScript file's place (.mts -> .mjs,
    /// always a module; .cts -> .cjs; .ts -> .js), by JsParser itself, so both sides get the same parser options and the
    /// same module-or-script decision. tsc emits decorators as written (target ESNext), a proposal JsParser does not
    /// read: such output is read again with Acornima's decorators enabled, so the reference still exists.
    /// </summary>
    private static (Acornima.Ast.Program? Program, string? Problem) ReadReference(TscResult tsc)
    {
        var parsed = JsParser.Parse(tsc.Output, JavaScriptName(tsc.Path));
        if (parsed.Program is not null)
        {
            return (parsed.Program, null);
        }

        var options = new ParserOptions
        {
            AllowReturnOutsideFunction = true,
            AllowHashBang = true,
            AllowAwaitOutsideFunction = parsed.IsModuleSyntax,
            EcmaVersion = EcmaVersion.Latest,
            ExperimentalESFeatures = ExperimentalESFeatures.Decorators,
        };
        try
        {
            var parser = new Parser(options);
            return (parsed.IsModuleSyntax ? parser.ParseModule(tsc.Output) : parser.ParseScript(tsc.Output), null);
        }
        catch (ParseErrorException)
        {
            return (null, $"{parsed.Problem!.Line}:{parsed.Problem.Column} {parsed.Problem.Message}");
        }
    }

    private static string JavaScriptName(string path) =>
        path.EndsWith(".mts", StringComparison.Ordinal) ? path[..^3] + "mjs"
        : path.EndsWith(".cts", StringComparison.Ordinal) ? path[..^3] + "cjs"
        : path.EndsWith(".ts", StringComparison.Ordinal) ? path[..^2] + "js"
        : path;
}
