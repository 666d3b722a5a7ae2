namespace MigAudit.Knex.TypeScript;

/// <summary>
/// import and export, as tsc emits them with module "preserve" and verbatimModuleSyntax: type-only imports and
/// exports (and `type` specifiers) are dropped, everything else is kept as written; `import x = require()` becomes
/// `const x = require()` and `export =` becomes `module.exports =`.
/// </summary>
internal sealed partial class TsParser
{
    /// <summary>Parses an import; true when it is type-only and erased.</summary>
    private bool ParseImport()
    {
        var start = Token.Start;
        var importEnd = Token.End;
        Expect("import");
        var typeOnly = false;
        if (At("type") && NextIs(() => AtPunctuator("{") || AtPunctuator("*") ||
                                       (AtIdentifierOrKeyword && (!At("from") || NextIs(() => At("from") || AtPunctuator("="))))))
        {
            typeOnly = true;
            Next();
        }

        if (AtIdentifierOrKeyword && !At("from") && NextIs(() => AtPunctuator("=")) ||
            (At("from") && NextIs(() => AtPunctuator("="))))
        {
            return ParseImportEquals(start, importEnd, exportStart: -1, typeOnly);
        }

        if (Token.Kind == TsTokenKind.String)
        {
            Next();
            ParseImportAttributes();
            ParseSemicolon();
            return typeOnly;
        }

        if (AtIdentifierOrKeyword && !AtPunctuator("{"))
        {
            Next();
            if (!Eat(","))
            {
                ExpectFromClause();
                return typeOnly;
            }
        }

        if (Eat("*"))
        {
            Expect("as");
            Next();
        }
        else
        {
            ParseModuleSpecifiers();
        }

        ExpectFromClause();
        return typeOnly;
    }

    private void ExpectFromClause()
    {
        Expect("from");
        if (Token.Kind != TsTokenKind.String)
        {
            throw Unexpected("module name expected");
        }

        Next();
        ParseImportAttributes();
        ParseSemicolon();
    }

    /// <summary>
    /// `with { type: 'json' }`, kept. The older `assert { ... }` form, which tsc keeps too, is written as `with`: Acornima
    /// reads only `with`, and the attributes mean the same to migaudit (Node 22 and later reject `assert` altogether).
    /// </summary>
    private void ParseImportAttributes()
    {
        if (At("with") || (At("assert") && !Token.LineBreakBefore))
        {
            if (At("assert"))
            {
                edits.Replace(Token.Start, Token.End, "with");
            }

            Next();
            ParseObjectLiteral();
        }
    }

    /// <summary>`{ a, type B, c as d, type e as f, "string name" as g }`: each `type` specifier is erased with its comma.</summary>
    private void ParseModuleSpecifiers()
    {
        Expect("{");
        while (!AtPunctuator("}"))
        {
            var start = Token.Start;
            var typeOnly = At("type") && LookAhead(IsTypeModifierInSpecifier);
            if (typeOnly)
            {
                Next();
            }

            ParseModuleExportName();
            if (Eat("as"))
            {
                ParseModuleExportName();
            }

            if (!AtPunctuator("}"))
            {
                Expect(",");
            }

            if (typeOnly)
            {
                edits.Blank(start, previousEnd);
            }
        }

        Next();
    }

    /// <summary>
    /// TypeScript's reading of `type` in a specifier: `{ type }` and `{ type as x }` name something called `type`;
    /// `{ type x }`, `{ type as }` and `{ type as as x }` are type-only specifiers.
    /// </summary>
    private bool IsTypeModifierInSpecifier()
    {
        Next();
        if (!At("as"))
        {
            return AtIdentifierOrKeyword || Token.Kind == TsTokenKind.String;
        }

        Next();
        if (AtPunctuator(",") || AtPunctuator("}"))
        {
            return true;
        }

        Next();
        return AtIdentifierOrKeyword || Token.Kind == TsTokenKind.String;
    }

    private void ParseModuleExportName()
    {
        if (!AtIdentifierOrKeyword && Token.Kind != TsTokenKind.String)
        {
            throw Unexpected("name expected");
        }

        Next();
    }

    /// <summary>
    /// `import x = require('m')` is tsc's `const x = require('m')`; `import x = A.B` its `var x = A.B`;
    /// exported, the first gains `export { x };` after it and the second is `export var x = A.B`.
    /// </summary>
    private bool ParseImportEquals(int start, int importEnd, int exportStart, bool typeOnly)
    {
        var nameStart = Token.Start;
        var name = Token.Text;
        Next();
        Expect("=");
        var isRequire = At("require") && NextIs(() => AtPunctuator("("));
        if (isRequire)
        {
            Next();
            Expect("(");
            if (Token.Kind != TsTokenKind.String)
            {
                throw Unexpected("module name expected");
            }

            Next();
            Expect(")");
        }
        else
        {
            ParseEntityName(allowKeywords: false);
        }

        ParseSemicolon();
        if (typeOnly)
        {
            return true;
        }

        if (exportStart >= 0 && currentNamespace is { } scope)
        {
            edits.Replace(exportStart, nameStart, scope.Qualifier + ".");
            return false;
        }

        if (isRequire)
        {
            edits.Replace(exportStart >= 0 ? exportStart : start, importEnd, "const");
            if (exportStart >= 0)
            {
                edits.Insert(previousEnd, $" export {{ {name} }};");
            }
        }
        else
        {
            edits.Replace(start, importEnd, "var");
        }

        return false;
    }

    /// <summary>Parses an export; true when the whole statement is TypeScript-only and erased.</summary>
    private bool ParseExport()
    {
        var start = Token.Start;
        var exportEnd = Token.End;
        Expect("export");
        if (AtPunctuator("="))
        {
            edits.Replace(start, exportEnd, "module.exports");
            Next();
            ParseAssignmentExpression();
            ParseSemicolon();
            return false;
        }

        if (At("as") && NextIs(() => At("namespace")))
        {
            Next();
            Next();
            Next();
            ParseSemicolon();
            return true;
        }

        if (At("import"))
        {
            var importStart = Token.Start;
            var importEnd = Token.End;
            Next();
            var typeOnly = At("type") && NextIs(() => AtIdentifierOrKeyword);
            if (typeOnly)
            {
                Next();
            }

            return ParseImportEquals(importStart, importEnd, start, typeOnly);
        }

        if (At("type") && NextIs(() => AtPunctuator("{") || AtPunctuator("*")))
        {
            Next();
            ParseExportClause();
            return true;
        }

        if (At("declare") && NextIs(() => AtStartOfAmbientDeclaration()))
        {
            ParseAmbientDeclaration();
            return true;
        }

        if (Eat("default"))
        {
            return ParseExportDefault();
        }

        if (AtPunctuator("{") || AtPunctuator("*"))
        {
            ParseExportClause();
            return false;
        }

        if (AtPunctuator("@"))
        {
            ParseExportedDecoratedClass(start);
            return false;
        }

        if (currentNamespace is { } scope)
        {
            return ParseNamespaceExportedDeclaration(start, exportEnd, scope);
        }

        if (At("enum") || (At("const") && NextIs(() => At("enum"))))
        {
            return ParseEnum(exported: true);
        }

        if ((At("namespace") || At("module")) && NextIs(() => AtIdentifier || Token.Kind == TsTokenKind.String))
        {
            return ParseNamespace(exported: true);
        }

        if (!AtStartOfExportedDeclaration())
        {
            throw Unexpected("declaration expected after export");
        }

        return ParseStatement(statementListItem: true);
    }

    private bool AtStartOfExportedDeclaration() =>
        AtPunctuator("@") || (Token.Kind == TsTokenKind.Identifier && Token.Text is "var" or "let" or "const" or "function" or "async" or
            "class" or "abstract" or "interface" or "type" or "using");

    private void ParseExportClause()
    {
        if (Eat("*"))
        {
            if (Eat("as"))
            {
                ParseModuleExportName();
            }

            ExpectFromClause();
            return;
        }

        ParseModuleSpecifiers();
        if (At("from"))
        {
            ExpectFromClause();
        }
        else
        {
            ParseSemicolon();
        }
    }

    private bool ParseExportDefault()
    {
        if (At("interface") && NextIs(() => AtIdentifier))
        {
            ParseInterface();
            return true;
        }

        if (At("abstract") && NextIs(() => AtWordOnSameLine("class")))
        {
            var abstractStart = Token.Start;
            Next();
            ParseClass(expression: true, abstractStart);
            return false;
        }

        if (At("class") || AtPunctuator("@"))
        {
            ParseDecorators();
            ParseClass(expression: true, abstractStart: -1);
            return false;
        }

        if (At("function"))
        {
            return ParseFunctionDeclaration(isAsync: false);
        }

        if (At("async") && NextIs(() => AtWordOnSameLine("function")))
        {
            Next();
            return ParseFunctionDeclaration(isAsync: true);
        }

        ParseAssignmentExpressionAllowingIn();
        ParseSemicolon();
        return false;
    }

    /// <summary>`export` inside a namespace body: functions and classes gain `N.f = f;`, variables become `N.x = ...`.</summary>
    private bool ParseNamespaceExportedDeclaration(int exportStart, int exportEnd, NamespaceScope scope)
    {
        if (At("var") || At("let") || At("const") && !NextIs(() => At("enum")))
        {
            return ParseNamespaceExportedVariables(exportStart, scope);
        }

        edits.Blank(exportStart, exportEnd);
        if (At("enum") || At("const"))
        {
            return ParseEnum(exported: true);
        }

        if (At("namespace") || At("module"))
        {
            return ParseNamespace(exported: true);
        }

        var nameToken = LookAhead(() =>
        {
            while (!At("function") && !At("class") && Token.Kind != TsTokenKind.EndOfFile)
            {
                Next();
            }

            Next();
            Eat("*");
            return AtIdentifier;
        });
        var name = "";
        if (nameToken)
        {
            var snapshot = Save();
            while (!At("function") && !At("class"))
            {
                Next();
            }

            Next();
            Eat("*");
            name = Token.Text;
            Restore(snapshot);
        }

        var erased = ParseStatement(statementListItem: true);
        if (!erased && name.Length > 0)
        {
            edits.Insert(previousEnd, $" {scope.Qualifier}.{name} = {name};");
        }

        return erased;
    }
}
