namespace MigAudit.Knex.TypeScript;

/// <summary>Expressions: precedence climbing as TypeScript does it, with `as`/`satisfies`/`!`/casts/type arguments erased.</summary>
internal sealed partial class TsParser
{
    /// <summary>What the caller needs to know about a parsed expression: whether it was a bare identifier (`x =>`).</summary>
    private enum ExpressionKind
    {
        Other,
        Identifier,
    }

    private void ParseExpression()
    {
        ParseAssignmentExpression();
        while (Eat(","))
        {
            ParseAssignmentExpression();
        }
    }

    private ExpressionKind ParseAssignmentExpression(bool allowReturnTypeInArrow = true)
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        if (At("yield") && context.Yield)
        {
            Next();
            if (!Token.LineBreakBefore && (AtPunctuator("*") || AtStartOfExpression))
            {
                Eat("*");
                ParseAssignmentExpression(allowReturnTypeInArrow);
            }

            return ExpressionKind.Other;
        }

        if (TryParseParenthesizedArrow(allowReturnTypeInArrow) || TryParseAsyncSimpleArrow(allowReturnTypeInArrow))
        {
            return ExpressionKind.Other;
        }

        var kind = ParseBinaryExpression(0);
        if (kind == ExpressionKind.Identifier && AtPunctuator("=>"))
        {
            Next();
            ParseArrowBody(isAsync: false, allowReturnTypeInArrow);
            return ExpressionKind.Other;
        }

        if (Token.Kind == TsTokenKind.Punctuator && AssignmentOperators.Contains(Token.Text))
        {
            Next();
            ParseAssignmentExpression(allowReturnTypeInArrow);
            return ExpressionKind.Other;
        }

        if (AtPunctuator("?"))
        {
            Next();
            var outer = context;
            context = context with { DisallowIn = false };
            ParseAssignmentExpression(allowReturnTypeInArrow: false);
            context = outer;
            Expect(":");
            ParseAssignmentExpression(allowReturnTypeInArrow);
            return ExpressionKind.Other;
        }

        return kind;
    }

    private ExpressionKind ParseBinaryExpression(int minimumPrecedence)
    {
        var kind = ParseUnaryExpression();
        while (true)
        {
            if (AtPunctuator(">"))
            {
                scanner.RescanGreater();
            }

            var precedence = BinaryPrecedence();
            // `**` is right-associative: `a ** b ** c` is `a ** (b ** c)`.
            if (precedence == 0 || (precedence <= minimumPrecedence && !(precedence == 12 && minimumPrecedence == 12)))
            {
                return kind;
            }

            kind = ExpressionKind.Other;
            if (At("as") || At("satisfies"))
            {
                var start = Token.Start;
                var mark = edits.Count;
                var isAs = At("as");
                Next();
                if (isAs && At("const"))
                {
                    Next();
                }
                else
                {
                    ParseType();
                }

                EraseFrom(mark, start);
                continue;
            }

            Next();
            ParseBinaryExpression(precedence == 12 ? 11 : precedence);
        }
    }

    private ExpressionKind ParseUnaryExpression()
    {
        if (Token.Kind == TsTokenKind.Punctuator)
        {
            switch (Token.Text)
            {
                case "++" or "--" or "+" or "-" or "~" or "!":
                    Next();
                    ParseUnaryExpression();
                    return ExpressionKind.Other;
                case "<":
                    // `<T>expr`, a type assertion (.ts files have no JSX); `<T>(x) => x` was tried as an arrow first.
                    var start = Token.Start;
                    var mark = edits.Count;
                    Next();
                    if (!Eat("const"))
                    {
                        ParseType();
                    }

                    Expect(">");
                    EraseFrom(mark, start);
                    ParseUnaryExpression();
                    return ExpressionKind.Other;
            }
        }
        else if (Token.Kind == TsTokenKind.Identifier)
        {
            if (Token.Text is "delete" or "typeof" or "void" || (At("await") && AtAwaitExpression()))
            {
                Next();
                ParseUnaryExpression();
                return ExpressionKind.Other;
            }
        }

        var kind = ParseLeftHandSideExpression();
        if ((AtPunctuator("++") || AtPunctuator("--")) && !Token.LineBreakBefore)
        {
            Next();
            return ExpressionKind.Other;
        }

        return kind;
    }

    private bool AtAwaitExpression() =>
        context.Await || NextIs(() => !Token.LineBreakBefore && (AtIdentifierOrKeyword || Token.Kind is TsTokenKind.String or TsTokenKind.Number or TsTokenKind.BigInt));

    private ExpressionKind ParseLeftHandSideExpression()
    {
        ExpressionKind kind;
        if (At("new"))
        {
            ParseNewExpression();
            kind = ExpressionKind.Other;
        }
        else if (At("super"))
        {
            Next();
            kind = ExpressionKind.Other;
        }
        else if (At("import"))
        {
            Next();
            if (Eat("."))
            {
                Next();
            }
            else if (!AtPunctuator("("))
            {
                throw Unexpected("'(' or '.' expected after import");
            }

            kind = ExpressionKind.Other;
        }
        else
        {
            kind = ParsePrimaryExpression();
        }

        return ParseMemberAndCallRest(kind, allowCalls: true);
    }

    private void ParseNewExpression()
    {
        Next();
        if (Eat("."))
        {
            Next();
            return;
        }

        if (At("new"))
        {
            ParseNewExpression();
        }
        else if (At("import"))
        {
            throw Unexpected("cannot use new with import");
        }
        else if (At("super"))
        {
            Next();
        }
        else
        {
            ParsePrimaryExpression();
        }

        ParseMemberAndCallRest(ExpressionKind.Other, allowCalls: false);
        if (AtPunctuator("<"))
        {
            TryParse(() => ParseTypeArgumentsInExpression() && AtPunctuator("("));
        }

        if (AtPunctuator("("))
        {
            ParseArguments();
        }
    }

    private ExpressionKind ParseMemberAndCallRest(ExpressionKind kind, bool allowCalls)
    {
        while (true)
        {
            if (Token.Kind == TsTokenKind.Punctuator)
            {
                switch (Token.Text)
                {
                    case ".":
                        Next();
                        ParsePropertyAccessName();
                        kind = ExpressionKind.Other;
                        continue;
                    case "?." when allowCalls:
                        Next();
                        if (AtPunctuator("<"))
                        {
                            var start = Token.Start;
                            var mark = edits.Count;
                            ParseTypeArgumentList();
                            EraseFrom(mark, start);
                            ParseArguments();
                        }
                        else if (AtPunctuator("("))
                        {
                            ParseArguments();
                        }
                        else if (Eat("["))
                        {
                            ParseExpressionAllowingIn();
                            Expect("]");
                        }
                        else
                        {
                            ParsePropertyAccessName();
                        }

                        kind = ExpressionKind.Other;
                        continue;
                    case "!" when !Token.LineBreakBefore:
                        edits.Blank(Token.Start, Token.End);
                        Next();
                        continue;
                    case "[":
                        Next();
                        ParseExpressionAllowingIn();
                        Expect("]");
                        kind = ExpressionKind.Other;
                        continue;
                    case "(" when allowCalls:
                        ParseArguments();
                        kind = ExpressionKind.Other;
                        continue;
                    case "<" when allowCalls:
                        if (TryParse(ParseTypeArgumentsInExpression))
                        {
                            kind = ExpressionKind.Other;
                            continue;
                        }

                        return kind;
                }
            }
            else if (Token.Kind is TsTokenKind.NoSubstitutionTemplate or TsTokenKind.TemplateHead)
            {
                ParseTemplateExpression();
                kind = ExpressionKind.Other;
                continue;
            }

            return kind;
        }
    }

    private void ParsePropertyAccessName()
    {
        if (!AtIdentifierOrKeyword && Token.Kind != TsTokenKind.PrivateName)
        {
            throw Unexpected("property name expected");
        }

        Next();
    }

    /// <summary>
    /// `f&lt;T&gt;` after an expression: type arguments only when TypeScript's rule says so (followed by `(`, a template,
    /// a line break, a binary operator or a token that cannot start an expression); erased when they are.
    /// </summary>
    private bool ParseTypeArgumentsInExpression()
    {
        var start = Token.Start;
        var mark = edits.Count;
        ParseTypeArgumentList();
        var canFollow = Token.Kind switch
        {
            TsTokenKind.NoSubstitutionTemplate or TsTokenKind.TemplateHead => true,
            TsTokenKind.Punctuator when Token.Text is "(" => true,
            TsTokenKind.Punctuator when Token.Text is "<" or ">" or "+" or "-" => false,
            _ => Token.LineBreakBefore || AtBinaryOperator() || !AtStartOfExpression,
        };
        if (canFollow)
        {
            EraseFrom(mark, start);
        }

        return canFollow;
    }

    private void ParseTypeArgumentList()
    {
        Expect("<");
        do
        {
            ParseType();
        }
        while (Eat(","));
        Expect(">");
    }

    private void ParseArguments()
    {
        Expect("(");
        var outer = context;
        context = context with { DisallowIn = false };
        while (!AtPunctuator(")"))
        {
            Eat("...");
            ParseAssignmentExpression();
            if (!AtPunctuator(")"))
            {
                Expect(",");
            }
        }

        context = outer;
        Next();
    }

    private void ParseExpressionAllowingIn()
    {
        var outer = context;
        context = context with { DisallowIn = false };
        ParseExpression();
        context = outer;
    }

    private ExpressionKind ParsePrimaryExpression()
    {
        switch (Token.Kind)
        {
            case TsTokenKind.Number or TsTokenKind.BigInt or TsTokenKind.String or TsTokenKind.NoSubstitutionTemplate or TsTokenKind.PrivateName:
                Next();
                return ExpressionKind.Other;
            case TsTokenKind.TemplateHead:
                ParseTemplateExpression();
                return ExpressionKind.Other;
            case TsTokenKind.Punctuator:
                switch (Token.Text)
                {
                    case "(":
                        Next();
                        ParseExpressionAllowingIn();
                        Expect(")");
                        return ExpressionKind.Other;
                    case "[":
                        ParseArrayLiteral();
                        return ExpressionKind.Other;
                    case "{":
                        ParseObjectLiteral();
                        return ExpressionKind.Other;
                    case "/" or "/=":
                        scanner.RescanSlashAsRegex();
                        Next();
                        return ExpressionKind.Other;
                    case "@":
                        ParseDecorators();
                        ParseClass(expression: true, abstractStart: -1);
                        return ExpressionKind.Other;
                }

                break;
            case TsTokenKind.Identifier:
                switch (Token.Text)
                {
                    case "function":
                        ParseFunctionExpression(isAsync: false);
                        return ExpressionKind.Other;
                    case "async" when NextIs(() => AtWordOnSameLine("function")):
                        Next();
                        ParseFunctionExpression(isAsync: true);
                        return ExpressionKind.Other;
                    case "class":
                        ParseClass(expression: true, abstractStart: -1);
                        return ExpressionKind.Other;
                    case "this" or "null" or "true" or "false" or "super":
                        Next();
                        return ExpressionKind.Other;
                }

                if (ReservedWords.Contains(Token.Text))
                {
                    break;
                }

                RecordReference(Token.Start, Token.Text);
                Next();
                return ExpressionKind.Identifier;
        }

        throw Unexpected("expression expected");
    }

    private void ParseTemplateExpression()
    {
        if (Token.Kind == TsTokenKind.NoSubstitutionTemplate)
        {
            Next();
            return;
        }

        while (true)
        {
            Next();
            ParseExpressionAllowingIn();
            if (!AtPunctuator("}"))
            {
                throw Unexpected("'}' expected in template");
            }

            if (scanner.RescanTemplateContinuation().Kind == TsTokenKind.TemplateTail)
            {
                Next();
                return;
            }
        }
    }

    private void ParseArrayLiteral()
    {
        Expect("[");
        var outer = context;
        context = context with { DisallowIn = false };
        while (!AtPunctuator("]"))
        {
            if (Eat(","))
            {
                continue;
            }

            Eat("...");
            ParseAssignmentExpression();
            if (!AtPunctuator("]"))
            {
                Expect(",");
            }
        }

        context = outer;
        Next();
    }

    private void ParseObjectLiteral()
    {
        Expect("{");
        var outer = context;
        context = context with { DisallowIn = false };
        while (!AtPunctuator("}"))
        {
            if (Eat("..."))
            {
                ParseAssignmentExpression();
            }
            else
            {
                ParseObjectMember();
            }

            if (!AtPunctuator("}"))
            {
                Expect(",");
            }
        }

        context = outer;
        Next();
    }

    private void ParseObjectMember()
    {
        var isAsync = AtWordOnSameLineModifier("async");
        var isGenerator = Eat("*");
        var accessor = !isAsync && !isGenerator && (At("get") || At("set")) && NextIs(() => AtLiteralPropertyName || AtPunctuator("["));
        if (accessor)
        {
            Next();
        }

        var nameToken = Token;
        var isIdentifierName = ParsePropertyName();
        if (AtPunctuator("?") || AtPunctuator("!"))
        {
            // `m?() {}` in an object literal: a TypeScript error that tsc still emits without the `?`.
            edits.Blank(Token.Start, Token.End);
            Next();
        }

        if (AtPunctuator("(") || AtPunctuator("<"))
        {
            ParseFunctionRest(isAsync, isGenerator, allowMissingBody: false, constructor: null);
        }
        else if (Eat(":"))
        {
            ParseAssignmentExpression();
        }
        else if (isIdentifierName)
        {
            RecordShorthand(nameToken);
            if (Eat("="))
            {
                ParseAssignmentExpression();
            }
        }
        else
        {
            throw Unexpected("':' expected");
        }
    }

    /// <summary>`async` is a modifier when a property name follows on the same line (`async m() {}`, `async *g() {}`).</summary>
    private bool AtWordOnSameLineModifier(string word)
    {
        if (!At(word) || !NextIs(() => !Token.LineBreakBefore && (AtLiteralPropertyName || AtPunctuator("[") || AtPunctuator("*"))))
        {
            return false;
        }

        Next();
        return true;
    }

    /// <summary>A property name; true when it is a plain identifier (which may be a shorthand property).</summary>
    private bool ParsePropertyName()
    {
        if (Eat("["))
        {
            ParseAssignmentExpressionAllowingIn();
            Expect("]");
            return false;
        }

        if (!AtLiteralPropertyName)
        {
            throw Unexpected("property name expected");
        }

        var identifier = Token.Kind == TsTokenKind.Identifier;
        Next();
        return identifier;
    }

    private void ParseAssignmentExpressionAllowingIn()
    {
        var outer = context;
        context = context with { DisallowIn = false };
        ParseAssignmentExpression();
        context = outer;
    }

    private void ParseDecoratorExpression()
    {
        if (AtPunctuator("("))
        {
            Next();
            ParseExpressionAllowingIn();
            Expect(")");
        }
        else
        {
            ParsePrimaryExpression();
        }

        while (true)
        {
            if (Eat("."))
            {
                ParsePropertyAccessName();
            }
            else if (AtPunctuator("("))
            {
                ParseArguments();
            }
            else if (AtPunctuator("<") && TryParse(() => ParseTypeArgumentsInExpression() && AtPunctuator("(")))
            {
            }
            else
            {
                return;
            }
        }
    }
}
