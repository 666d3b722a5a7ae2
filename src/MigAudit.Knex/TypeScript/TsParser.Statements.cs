namespace MigAudit.Knex.TypeScript;

/// <summary>Statements, blocks and statement lists; TypeScript-only declarations are in TsParser.Declarations.cs.</summary>
internal sealed partial class TsParser
{
    // Where the last statement ended by automatic semicolon insertion with nothing erased at its end.
    private int asiAt = -1;

    private void ParseSourceFile()
    {
        context = new Context(DisallowIn: false, Await: true, Yield: false, Ambient: false, InConditionalWhenTrue: false, DisallowConditionalTypes: false);
        ParseStatementList(() => Token.Kind == TsTokenKind.EndOfFile, scope: null);
    }

    /// <summary>
    /// Statements until <paramref name="atEnd"/>. An erased statement (interface, type alias, declare, overload) becomes
    /// spaces, or a semicolon when the statement before it ended at a line break without one: otherwise the next line
    /// could continue that statement once the declaration between them is gone.
    /// </summary>
    private void ParseStatementList(Func<bool> atEnd, NamespaceScope? scope)
    {
        var previousEndedByAsi = false;
        var outerScope = currentNamespace;
        currentNamespace = scope;
        var outerDeclared = declaredInScope;
        declaredInScope = [];
        statementListDepth++;
        try
        {
            while (!atEnd())
            {
                if (Token.Kind == TsTokenKind.EndOfFile)
                {
                    throw Unexpected("'}' expected");
                }

                ParseListItem(() => ParseStatement(statementListItem: true), ref previousEndedByAsi);
            }
        }
        finally
        {
            currentNamespace = outerScope;
            declaredInScope = outerDeclared;
            statementListDepth--;
        }
    }

    /// <summary>
    /// One item of a statement list or class body. A type-only item (true from <paramref name="parse"/>) is erased
    /// from the end of the code before it, and when that code ended by automatic semicolon insertion a ";" takes its
    /// place: without it, the next line could continue the previous statement once the declaration between is gone.
    /// </summary>
    /// <returns>Whether the item was type-only and erased.</returns>
    private bool ParseListItem(Func<bool> parse, ref bool previousEndedByAsi)
    {
        var start = Token.Start;
        var mark = edits.Count;
        if (parse())
        {
            edits.Truncate(mark);
            edits.Replace(start, previousEnd, previousEndedByAsi ? ";" : "");
            previousEndedByAsi = false;
            return true;
        }

        previousEndedByAsi = asiAt == previousEnd;
        return false;
    }

    /// <summary>A statement in a position that takes exactly one (if/else, loop bodies, labels).</summary>
    private void ParseEmbeddedStatement()
    {
        var start = Token.Start;
        var mark = edits.Count;
        if (ParseStatement(statementListItem: false))
        {
            EraseFrom(mark, start);
        }
    }

    /// <summary>Parses one statement; true when the whole statement is TypeScript-only and must be erased.</summary>
    private bool ParseStatement(bool statementListItem)
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        if (Token.Kind == TsTokenKind.Punctuator)
        {
            switch (Token.Text)
            {
                case "{":
                    ParseBlock();
                    return false;
                case ";":
                    Next();
                    return false;
                case "@":
                    return ParseDecoratedStatement();
            }
        }

        if (Token.Kind != TsTokenKind.Identifier)
        {
            ParseExpressionStatement();
            return false;
        }

        switch (Token.Text)
        {
            case "var":
                ParseVariableStatement();
                return false;
            case "const":
                if (NextIs(() => At("enum")))
                {
                    return ParseEnum(exported: false);
                }

                ParseVariableStatement();
                return false;
            case "let" when NextIs(() => AtIdentifierOrKeyword || AtPunctuator("[") || AtPunctuator("{")):
            case "using" when NextIs(() => AtIdentifier && !Token.LineBreakBefore):
            case "await" when NextIs(() => AtWordOnSameLine("using") && NextIs(() => AtIdentifier && !Token.LineBreakBefore)):
                ParseVariableStatement();
                return false;
            case "function":
                return ParseFunctionDeclaration(isAsync: false);
            case "async" when NextIs(() => AtWordOnSameLine("function")):
                Next();
                return ParseFunctionDeclaration(isAsync: true);
            case "class":
                ParseClass(expression: false, abstractStart: -1);
                return false;
            case "abstract" when NextIs(() => AtWordOnSameLine("class")):
                var abstractStart = Token.Start;
                Next();
                ParseClass(expression: false, abstractStart);
                return false;
            case "if":
                Next();
                ParseParenthesizedExpression();
                ParseEmbeddedStatement();
                if (Eat("else"))
                {
                    ParseEmbeddedStatement();
                }

                return false;
            case "for":
                ParseFor();
                return false;
            case "while":
                Next();
                ParseParenthesizedExpression();
                ParseEmbeddedStatement();
                return false;
            case "do":
                Next();
                ParseEmbeddedStatement();
                Expect("while");
                ParseParenthesizedExpression();
                Eat(";");
                return false;
            case "return":
                Next();
                if (!AtPunctuator(";") && !AtPunctuator("}") && Token.Kind != TsTokenKind.EndOfFile && !Token.LineBreakBefore)
                {
                    ParseExpression();
                }

                ParseSemicolon();
                return false;
            case "break" or "continue":
                Next();
                if (AtIdentifier && !Token.LineBreakBefore)
                {
                    Next();
                }

                ParseSemicolon();
                return false;
            case "throw":
                Next();
                ParseExpression();
                ParseSemicolon();
                return false;
            case "try":
                ParseTry();
                return false;
            case "switch":
                ParseSwitch();
                return false;
            case "with":
                Next();
                ParseParenthesizedExpression();
                ParseEmbeddedStatement();
                return false;
            case "debugger":
                Next();
                ParseSemicolon();
                return false;
            case "import" when !NextIs(() => AtPunctuator("(") || AtPunctuator(".")):
                return ParseImport();
            case "export":
                return ParseExport();
            case "enum":
                return ParseEnum(exported: false);
            case "interface" when NextIs(() => AtIdentifier && !Token.LineBreakBefore):
                ParseInterface();
                return true;
            case "type" when NextIs(() => AtIdentifier && !Token.LineBreakBefore):
                ParseTypeAlias();
                return true;
            case "namespace" or "module" when NextIs(() => (AtIdentifier || Token.Kind == TsTokenKind.String) && !Token.LineBreakBefore):
                return ParseNamespace(exported: false);
            case "declare" when NextIs(() => !Token.LineBreakBefore && AtStartOfAmbientDeclaration()):
                ParseAmbientDeclaration();
                return true;
            case "global" when statementListItem && context.Ambient && NextIs(() => AtPunctuator("{")):
                Next();
                ParseAmbientBlock();
                return true;
        }

        if (AtIdentifier && NextIs(() => AtPunctuator(":")))
        {
            Next();
            Next();
            ParseEmbeddedStatement();
            return false;
        }

        ParseExpressionStatement();
        return false;
    }

    private void ParseExpressionStatement()
    {
        ParseExpression();
        ParseSemicolon();
    }

    /// <summary>An explicit `;`, or automatic semicolon insertion before `}`, the end, or a line break.</summary>
    private void ParseSemicolon()
    {
        if (AtPunctuator(";"))
        {
            Next();
            return;
        }

        if (AtPunctuator("}") || Token.Kind == TsTokenKind.EndOfFile || Token.LineBreakBefore)
        {
            if (!edits.TerminateTrailingErasure(previousEnd))
            {
                asiAt = previousEnd;
            }

            return;
        }

        throw Unexpected("';' expected");
    }

    private void ParseBlock()
    {
        Expect("{");
        ParseStatementList(() => AtPunctuator("}"), scope: null);
        Expect("}");
    }

    private void ParseParenthesizedExpression()
    {
        Expect("(");
        ParseExpression();
        Expect(")");
    }

    private void ParseVariableStatement()
    {
        ParseVariableDeclarationList();
        ParseSemicolon();
    }

    /// <summary>`var`/`let`/`const`/`using`/`await using` and its declarators: `x!: T = init` loses `!` and `: T`.</summary>
    private void ParseVariableDeclarationList()
    {
        if (Eat("await"))
        {
            Expect("using");
        }
        else
        {
            Next();
        }

        do
        {
            ParseBindingName();
            if (AtPunctuator("!") && !Token.LineBreakBefore)
            {
                edits.Blank(Token.Start, Token.End);
                Next();
            }

            EraseTypeAnnotationIfPresent();
            if (Eat("="))
            {
                ParseAssignmentExpression();
            }
        }
        while (Eat(","));
    }

    private void ParseFor()
    {
        Next();
        if (AtWordOnSameLine("await"))
        {
            Next();
        }

        Expect("(");
        var outer = context;
        context = context with { DisallowIn = true };
        if (AtPunctuator(";"))
        {
        }
        else if (At("var") || At("const") ||
                 (At("let") && NextIs(() => AtIdentifierOrKeyword && !At("in") && !At("of") || AtPunctuator("[") || AtPunctuator("{"))) ||
                 (At("using") && NextIs(() => AtIdentifier && !At("of"))) || (At("await") && NextIs(() => At("using"))))
        {
            ParseVariableDeclarationList();
        }
        else
        {
            ParseExpression();
        }

        context = outer;
        if (Eat("of"))
        {
            ParseAssignmentExpression();
        }
        else if (Eat("in"))
        {
            ParseExpression();
        }
        else
        {
            Expect(";");
            if (!AtPunctuator(";"))
            {
                ParseExpression();
            }

            Expect(";");
            if (!AtPunctuator(")"))
            {
                ParseExpression();
            }
        }

        Expect(")");
        ParseEmbeddedStatement();
    }

    private void ParseTry()
    {
        Next();
        ParseBlock();
        if (Eat("catch"))
        {
            if (Eat("("))
            {
                ParseBindingName();
                EraseTypeAnnotationIfPresent();
                Expect(")");
            }

            ParseBlock();
        }

        if (Eat("finally"))
        {
            ParseBlock();
        }
    }

    private void ParseSwitch()
    {
        Next();
        ParseParenthesizedExpression();
        Expect("{");
        while (!AtPunctuator("}"))
        {
            if (Eat("case"))
            {
                ParseExpression();
            }
            else
            {
                Expect("default");
            }

            Expect(":");
            ParseStatementList(() => AtPunctuator("}") || At("case") || At("default"), scope: null);
        }

        Next();
    }

    /// <summary>Decorators before `class`, `export` or `abstract class`; kept, as tsc keeps standard decorators for ESNext.</summary>
    private bool ParseDecoratedStatement()
    {
        var start = Token.Start;
        ParseDecorators();
        if (At("export"))
        {
            var keywordStart = Token.Start;
            if (NextIs(() => At("default")))
            {
                // `@dec export default class {}`: the standard's other spelling, `export default @dec class {}`, is
                // the one Acornima reads; same meaning.
                edits.Insert(start, "export default ");
                Next();
                Next();
                edits.Blank(keywordStart, previousEnd);
                var abstractStart = At("abstract") ? Token.Start : -1;
                if (abstractStart >= 0)
                {
                    Next();
                }

                ParseClass(expression: true, abstractStart);
                return false;
            }

            Next();
            ParseExportedDecoratedClass(keywordStart);
            return false;
        }

        if (At("abstract"))
        {
            var abstractStart = Token.Start;
            Next();
            ParseClass(expression: false, abstractStart);
            return false;
        }

        if (!At("class"))
        {
            throw new TsSyntaxException(start, "decorators must precede a class");
        }

        ParseClass(expression: false, abstractStart: -1);
        return false;
    }

    /// <summary>
    /// `@dec export class C {}` and `export @dec class C {}`, which tsc keeps as written: Acornima reads decorators on
    /// a class declaration but on neither exported form, so the class is declared decorated and exported by name
    /// after it, `@dec class C {} export { C };`: the same binding exported, the same decorators applied.
    /// </summary>
    private void ParseExportedDecoratedClass(int exportStart)
    {
        edits.Blank(exportStart, previousEnd);
        ParseDecorators();
        var abstractStart = -1;
        if (At("abstract"))
        {
            abstractStart = Token.Start;
            Next();
        }

        var name = NextIs(() => AtIdentifier && !At("implements")) ? LookAheadClassName() : null;
        ParseClass(expression: false, abstractStart);
        if (name is null)
        {
            throw new TsSyntaxException(exportStart, "an exported class declaration needs a name");
        }

        edits.Insert(previousEnd, $" export {{ {name} }};");
    }

    private string LookAheadClassName()
    {
        var snapshot = Save();
        Next();
        var name = Token.Text;
        Restore(snapshot);
        return name;
    }

    private void ParseDecorators()
    {
        while (AtPunctuator("@"))
        {
            Next();
            ParseDecoratorExpression();
        }
    }
}
