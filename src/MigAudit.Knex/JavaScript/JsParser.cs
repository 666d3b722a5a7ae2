using Acornima;
using Acornima.Ast;
using MigAudit.Core;
using MigAudit.Knex.TypeScript;

namespace MigAudit.Knex.JavaScript;

/// <summary>A parsed JavaScript or TypeScript file. <see cref="Program"/> is null when <see cref="Problem"/> is set.</summary>
public sealed record ParsedSource(Acornima.Ast.Program? Program, ParseProblem? Problem, bool IsModuleSyntax, string Language)
{
    /// <summary>
    /// The JavaScript the tree's offsets index: the source itself, or TypeScript with its types blanked in place. Code
    /// written for an enum, a namespace or parameter properties may not fit the erased space and shifts the rest of its
    /// line, so the offsets then index this text, not the source (line numbers never change).
    /// </summary>
    public string? Code { get; init; }

    /// <summary>Whether node offsets index the source text too (false when generated TypeScript code shifted them).</summary>
    public bool OffsetsMatch(string source) => Code is null || Code.Length == source.Length;
}

public static class JsParser
{
    private static readonly ParserOptions ScriptOptions = new()
    {
        AllowReturnOutsideFunction = true,
        AllowHashBang = true,
        EcmaVersion = EcmaVersion.Latest,
    };

    private static readonly ParserOptions ModuleOptions = ScriptOptions with { AllowAwaitOutsideFunction = true };

    // tsc keeps standard decorators in what it emits for ESNext, so the JavaScript made from a TypeScript file may hold
    // them; plain JavaScript files are read as Node reads them, without decorators. (Import attributes, `with {...}`,
    // are standard in EcmaVersion.Latest.)
    private static readonly ParserOptions TypeScriptScriptOptions = ScriptOptions with
    {
        ExperimentalESFeatures = ExperimentalESFeatures.Decorators,
    };

    private static readonly ParserOptions TypeScriptModuleOptions = TypeScriptScriptOptions with { AllowAwaitOutsideFunction = true };

    public static bool IsTypeScript(string fileName) =>
        fileName.EndsWith(".ts", StringComparison.Ordinal) || fileName.EndsWith(".mts", StringComparison.Ordinal) ||
        fileName.EndsWith(".cts", StringComparison.Ordinal);

    public static ParsedSource Parse(string text, string fileName)
    {
        var typeScript = IsTypeScript(fileName);
        var language = typeScript ? "ts" : "js";
        var conflict = FindConflictMarker(text);
        if (conflict is not null)
        {
            return new ParsedSource(null, conflict, false, language);
        }

        var code = text;
        if (typeScript)
        {
            var erased = TypeScriptEraser.Erase(text);
            if (erased.Code is null)
            {
                // migaudit's own TypeScript parser could not read the file: that says nothing about whether knex can.
                return new ParsedSource(null, new ParseProblem(erased.Line, erased.Column, $"{erased.Error} (migaudit could not read this TypeScript)", KnexFailsToo: false), false, language);
            }

            code = erased.Code;
        }

        var preferModule = fileName.EndsWith(".mjs", StringComparison.Ordinal) || fileName.EndsWith(".mts", StringComparison.Ordinal) || HasModuleSyntax(code);
        var parser = new Parser(typeScript
            ? (preferModule ? TypeScriptModuleOptions : TypeScriptScriptOptions)
            : (preferModule ? ModuleOptions : ScriptOptions));
        try
        {
            Acornima.Ast.Program program = preferModule ? parser.ParseModule(code, fileName) : parser.ParseScript(code, fileName);
            return SyntaxLimits.Check(program) is { } tooLarge
                ? new ParsedSource(null, tooLarge, preferModule, language)
                : new ParsedSource(program, null, preferModule, language) { Code = code };
        }
        catch (InsufficientExecutionStackException)
        {
            // Acornima guards its own recursion: nesting this deep is hostile or generated, never hand-written.
            return new ParsedSource(null, SyntaxLimits.TooDeepForParser, preferModule, language);
        }
        catch (ParseErrorException error)
        {
            var message = error.Description;
            if (typeScript)
            {
                message = $"{message} (in the JavaScript migaudit made from this TypeScript, as tsc would emit it)";
            }

            return new ParsedSource(null, new ParseProblem(error.LineNumber, error.Column + 1, message, KnexFailsToo: !typeScript), preferModule, language);
        }
    }

    private static bool HasModuleSyntax(string code)
    {
        // Tokenizing is a third of a CommonJS file's parse: only a file with the word standing alone can hold the keyword
        // (exports.up and module.exports do not), since a token's neighbours are never identifier characters.
        if (!HasWord(code, "import") && !HasWord(code, "export"))
        {
            return false;
        }

        foreach (var token in JsLexer.Tokenize(code))
        {
            if (token.Kind == JsTokenKind.Keyword && token.Text is "import" or "export")
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasWord(string code, string word)
    {
        for (var at = code.IndexOf(word, StringComparison.Ordinal); at >= 0; at = code.IndexOf(word, at + 1, StringComparison.Ordinal))
        {
            var end = at + word.Length;
            if ((at == 0 || !IsIdentifierPart(code[at - 1])) && (end == code.Length || !IsIdentifierPart(code[end])))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Letters and digits of any script continue an identifier; any other character (a Unicode space, a joiner) is taken as a boundary, which only sends the file to the tokenizer.</summary>
    private static bool IsIdentifierPart(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '$' || (c > 127 && char.IsLetterOrDigit(c));

    private static ParseProblem? FindConflictMarker(string text)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || text[i] == '\n')
            {
                var span = text.AsSpan(lineStart, i - lineStart).TrimEnd('\r');
                if (span.StartsWith("<<<<<<< ") || span.SequenceEqual("<<<<<<<") || span.StartsWith(">>>>>>> ") || span.SequenceEqual("======="))
                {
                    return new ParseProblem(line, 1, "unresolved merge conflict markers", KnexFailsToo: true);
                }

                line++;
                lineStart = i + 1;
            }
        }

        return null;
    }
}
