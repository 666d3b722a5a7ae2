namespace MigAudit.Knex.TypeScript;

/// <summary>Functions, arrow functions (TypeScript's tri-state lookahead and speculative parse), parameters, bindings.</summary>
internal sealed partial class TsParser
{
    private enum Tristate
    {
        False,
        True,
        Unknown,
    }

    /// <summary>A constructor being parsed: its parameter properties and where `this.x = x;` goes (after `super(...)`).</summary>
    private sealed class ConstructorBody
    {
        public List<string> ParameterProperties { get; } = [];

        public int InsertAt { get; set; } = -1;

        public bool SuperEndedByAsi { get; set; }
    }

    private bool TryParseParenthesizedArrow(bool allowReturnTypeInArrow)
    {
        if (!AtPunctuator("(") && !AtPunctuator("<") && !At("async"))
        {
            return false;
        }

        var guess = LookAheadArrow();
        if (guess == Tristate.False)
        {
            return false;
        }

        if (guess == Tristate.True)
        {
            var snapshot = Save();
            if (ParseParenthesizedArrow(allowAmbiguity: true, allowReturnTypeInArrow))
            {
                return true;
            }

            Restore(snapshot);
            return false;
        }

        return TryParse(() => ParseParenthesizedArrow(allowAmbiguity: false, allowReturnTypeInArrow));
    }

    /// <summary>TypeScript's isParenthesizedArrowFunctionExpression.</summary>
    private Tristate LookAheadArrow()
    {
        var snapshot = Save();
        try
        {
            if (At("async"))
            {
                Next();
                if (Token.LineBreakBefore || (!AtPunctuator("(") && !AtPunctuator("<")))
                {
                    return Tristate.False;
                }
            }

            if (AtPunctuator("<"))
            {
                Next();
                return AtIdentifier || At("const") ? Tristate.Unknown : Tristate.False;
            }

            Next();
            if (AtPunctuator(")"))
            {
                Next();
                return AtPunctuator("=>") || AtPunctuator(":") || AtPunctuator("{") ? Tristate.True : Tristate.False;
            }

            if (AtPunctuator("[") || AtPunctuator("{"))
            {
                return Tristate.Unknown;
            }

            if (AtPunctuator("..."))
            {
                return Tristate.True;
            }

            if (AtModifierWord("public", "private", "protected", "readonly", "override") && NextIs(() => AtIdentifier))
            {
                return NextIs(() => At("as")) ? Tristate.False : Tristate.True;
            }

            if (!AtIdentifier && !At("this"))
            {
                return Tristate.False;
            }

            Next();
            if (AtPunctuator(":"))
            {
                return Tristate.True;
            }

            if (AtPunctuator("?"))
            {
                Next();
                return AtPunctuator(":") || AtPunctuator(",") || AtPunctuator("=") || AtPunctuator(")") ? Tristate.True : Tristate.False;
            }

            return AtPunctuator(",") || AtPunctuator("=") || AtPunctuator(")") ? Tristate.Unknown : Tristate.False;
        }
        catch (TsSyntaxException)
        {
            return Tristate.False;
        }
        finally
        {
            Restore(snapshot);
        }
    }

    /// <summary>
    /// `async? &lt;T&gt;(params): R => body`. In the true branch of a conditional a return type is accepted only when
    /// `:` follows the arrow, as TypeScript decides `c ? (x): number => x : y`.
    /// </summary>
    private bool ParseParenthesizedArrow(bool allowAmbiguity, bool allowReturnTypeInArrow)
    {
        var isAsync = false;
        var asyncToken = Token;
        if (At("async"))
        {
            Next();
            isAsync = true;
        }

        var outer = context;
        context = context with { Await = isAsync, Yield = false };
        if (AtPunctuator("<"))
        {
            var typeParametersStart = Token.Start;
            ParseTypeParameters();
            if (isAsync && Source.AsSpan(typeParametersStart, previousEnd - typeParametersStart).IndexOfAny('\n', '\r') >= 0)
            {
                // `async <\n T\n>(x) => x`: once the type parameters are gone a line break would separate `async`
                // from the parameters, which JavaScript forbids, so `async` moves down to the parameters.
                edits.Blank(asyncToken.Start, asyncToken.End);
                edits.Insert(previousEnd, "async ");
            }
        }

        if (!AtPunctuator("("))
        {
            context = outer;
            return false;
        }

        ParseParameters(null);
        var parametersEnd = previousEnd;
        var hasReturnColon = AtPunctuator(":");
        var returnTypeStart = Token.Start;
        if (hasReturnColon)
        {
            var mark = edits.Count;
            Next();
            ParseTypeOrTypePredicate();
            EraseFrom(mark, returnTypeStart);
        }

        context = outer;
        if (!allowAmbiguity && !AtPunctuator("=>") && !AtPunctuator("{"))
        {
            return false;
        }

        if (hasReturnColon && AtPunctuator("=>") && Source.AsSpan(parametersEnd, Token.Start - parametersEnd).IndexOfAny('\n', '\r') >= 0)
        {
            // `(): Promise<\n  T\n> => x`: no line break may come before `=>` in JavaScript, so the arrow moves up
            // to where the return type started.
            edits.WriteIntoLastErasure(returnTypeStart, "=>");
            edits.Blank(Token.Start, Token.End);
        }

        Expect("=>");
        ParseArrowBody(isAsync, allowReturnTypeInArrow);
        return allowReturnTypeInArrow || !hasReturnColon || AtPunctuator(":");
    }

    private bool TryParseAsyncSimpleArrow(bool allowReturnTypeInArrow)
    {
        if (!At("async") || !LookAhead(() =>
            {
                Next();
                if (Token.LineBreakBefore || !AtIdentifier)
                {
                    return false;
                }

                Next();
                return AtPunctuator("=>");
            }))
        {
            return false;
        }

        Next();
        Next();
        Next();
        ParseArrowBody(isAsync: true, allowReturnTypeInArrow);
        return true;
    }

    private void ParseArrowBody(bool isAsync, bool allowReturnTypeInArrow)
    {
        var outer = context;
        context = context with { Await = isAsync, Yield = false };
        if (AtPunctuator("{"))
        {
            ParseFunctionBody(null);
        }
        else
        {
            ParseAssignmentExpression(allowReturnTypeInArrow);
        }

        context = outer;
    }

    /// <summary>`function f&lt;T&gt;(a: T): R {}`; a declaration without a body is an overload signature: erased.</summary>
    private bool ParseFunctionDeclaration(bool isAsync)
    {
        Expect("function");
        var isGenerator = Eat("*");
        if (AtIdentifierOrKeyword)
        {
            declaredInScope.Add(Token.Text);
            Next();
        }

        return !ParseFunctionRest(isAsync, isGenerator, allowMissingBody: true, constructor: null);
    }

    private void ParseFunctionExpression(bool isAsync)
    {
        Expect("function");
        var isGenerator = Eat("*");
        if (AtIdentifierOrKeyword && !AtPunctuator("("))
        {
            Next();
        }

        ParseFunctionRest(isAsync, isGenerator, allowMissingBody: false, constructor: null);
    }

    /// <summary>Type parameters, parameters, return type and body. False when the body is missing (overload, ambient).</summary>
    private bool ParseFunctionRest(bool isAsync, bool isGenerator, bool allowMissingBody, ConstructorBody? constructor)
    {
        var outer = context;
        context = context with { Await = isAsync, Yield = isGenerator };
        if (AtPunctuator("<"))
        {
            ParseTypeParameters();
        }

        ParseParameters(constructor);
        if (AtPunctuator(":"))
        {
            var start = Token.Start;
            var mark = edits.Count;
            Next();
            ParseTypeOrTypePredicate();
            EraseFrom(mark, start);
        }

        try
        {
            if (AtPunctuator("{") && !(allowMissingBody && context.Ambient))
            {
                ParseFunctionBody(constructor);
                return true;
            }

            if (!allowMissingBody)
            {
                throw Unexpected("'{' expected");
            }

            ParseSemicolon();
            return false;
        }
        finally
        {
            context = outer;
        }
    }

    private void ParseFunctionBody(ConstructorBody? constructor)
    {
        Expect("{");
        var outer = context;
        context = context with { DisallowIn = false };
        if (constructor is not null)
        {
            constructor.InsertAt = previousEnd;
            ParseConstructorStatements(constructor);
        }
        else
        {
            ParseStatementList(() => AtPunctuator("}"), scope: null);
        }

        context = outer;
        Expect("}");
    }

    /// <summary>A constructor body: `this.x = x;` for parameter properties goes after the directive prologue, or after the first `super(...)` statement, as tsc puts it.</summary>
    private void ParseConstructorStatements(ConstructorBody constructor)
    {
        var inPrologue = true;
        var sawSuper = false;
        var previousEndedByAsi = false;
        while (!AtPunctuator("}"))
        {
            if (Token.Kind == TsTokenKind.EndOfFile)
            {
                throw Unexpected("'}' expected");
            }

            var isDirective = inPrologue && Token.Kind == TsTokenKind.String && NextIs(() => AtPunctuator(";") || AtPunctuator("}") || Token.LineBreakBefore);
            var isSuperCall = !sawSuper && At("super") && NextIs(() => AtPunctuator("("));
            inPrologue &= isDirective;
            if (ParseListItem(() => ParseStatement(statementListItem: true), ref previousEndedByAsi))
            {
                continue;
            }

            if (isDirective || isSuperCall)
            {
                constructor.InsertAt = previousEnd;
                constructor.SuperEndedByAsi = previousEndedByAsi;
                sawSuper |= isSuperCall;
            }
        }
    }

    /// <summary>
    /// `(this: T, @dec private a?: T = 1, ...rest: T[])`: the `this` parameter, types, `?`, parameter decorators and
    /// accessibility modifiers are erased. tsc keeps parameter decorators in its output, but no JavaScript engine parses
    /// them (they are not part of the decorators standard), so they are erased here and their effect is lost.
    /// </summary>
    private void ParseParameters(ConstructorBody? constructor)
    {
        Expect("(");
        var first = true;
        while (!AtPunctuator(")"))
        {
            var start = Token.Start;
            var mark = edits.Count;
            if (first && At("this") && NextIs(() => AtPunctuator(":") || AtPunctuator(",") || AtPunctuator(")")))
            {
                Next();
                EraseTypeAnnotationIfPresent();
                Eat(",");
                edits.Truncate(mark);
                edits.Blank(start, AtPunctuator(")") ? previousEnd : Token.Start);
                first = false;
                continue;
            }

            first = false;
            if (AtPunctuator("@"))
            {
                ParseDecorators();
                EraseFrom(mark, start);
            }

            var isProperty = false;
            while (AtModifierWord("public", "private", "protected", "readonly", "override") &&
                   NextIs(() => !Token.LineBreakBefore && (AtIdentifierOrKeyword || AtPunctuator("{") || AtPunctuator("["))))
            {
                edits.Blank(Token.Start, Token.End);
                Next();
                isProperty = true;
            }

            Eat("...");
            var name = AtIdentifierOrKeyword ? Token.Text : null;
            ParseBindingName();
            if (AtPunctuator("?"))
            {
                edits.Blank(Token.Start, Token.End);
                Next();
            }

            EraseTypeAnnotationIfPresent();
            if (Eat("="))
            {
                ParseAssignmentExpressionAllowingIn();
            }

            if (isProperty && constructor is not null && name is not null)
            {
                constructor.ParameterProperties.Add(name);
            }

            if (!AtPunctuator(")"))
            {
                Expect(",");
            }
        }

        Next();
    }

    /// <summary>An identifier, or an object or array binding pattern with defaults.</summary>
    private void ParseBindingName()
    {
        if (Eat("{"))
        {
            while (!AtPunctuator("}"))
            {
                if (Eat("..."))
                {
                    ParseBindingName();
                }
                else
                {
                    var shorthand = ParsePropertyName();
                    if (Eat(":"))
                    {
                        ParseBindingName();
                    }
                    else if (!shorthand)
                    {
                        throw Unexpected("':' expected");
                    }

                    if (Eat("="))
                    {
                        ParseAssignmentExpressionAllowingIn();
                    }
                }

                if (!AtPunctuator("}"))
                {
                    Expect(",");
                }
            }

            Next();
            return;
        }

        if (Eat("["))
        {
            while (!AtPunctuator("]"))
            {
                if (Eat(","))
                {
                    continue;
                }

                Eat("...");
                ParseBindingName();
                if (Eat("="))
                {
                    ParseAssignmentExpressionAllowingIn();
                }

                if (!AtPunctuator("]"))
                {
                    Expect(",");
                }
            }

            Next();
            return;
        }

        if (!AtIdentifierOrKeyword)
        {
            throw Unexpected("identifier expected");
        }

        Next();
    }

    /// <summary>`&lt;const T extends U = D, in out V,&gt;`, erased whole.</summary>
    private void ParseTypeParameters()
    {
        var start = Token.Start;
        var mark = edits.Count;
        Expect("<");
        while (!AtPunctuator(">"))
        {
            while (AtModifierWord("const", "in", "out") && NextIs(() => AtIdentifier))
            {
                Next();
            }

            if (!AtIdentifierOrKeyword)
            {
                throw Unexpected("type parameter name expected");
            }

            Next();
            if (Eat("extends"))
            {
                ParseType();
            }

            if (Eat("="))
            {
                ParseType();
            }

            if (!AtPunctuator(">"))
            {
                Expect(",");
            }
        }

        Next();
        EraseFrom(mark, start);
    }
}
