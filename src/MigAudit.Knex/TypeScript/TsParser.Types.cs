namespace MigAudit.Knex.TypeScript;

/// <summary>
/// TypeScript's type grammar. Types never reach the output, so this only consumes them; it still has to know the whole
/// grammar to find where a type ends (`a as Array&lt;Map&lt;K, Set&lt;V&gt;&gt;&gt; &gt;= b`, function types, conditional types).
/// </summary>
internal sealed partial class TsParser
{
    private static readonly HashSet<string> TypeOperatorWords = ["keyof", "unique", "readonly"];

    private void ParseType()
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        var outer = context;
        context = context with { DisallowIn = false };
        try
        {
            if (AtStartOfFunctionOrConstructorType())
            {
                ParseFunctionOrConstructorType();
                return;
            }

            ParseUnionType();
            if (!context.DisallowConditionalTypes && !Token.LineBreakBefore && At("extends"))
            {
                Next();
                context = context with { DisallowConditionalTypes = true };
                ParseType();
                context = context with { DisallowConditionalTypes = false };
                Expect("?");
                ParseType();
                Expect(":");
                ParseType();
            }
        }
        finally
        {
            context = outer;
        }
    }

    /// <summary>A return type, which may be a type predicate: `x is T`, `asserts x`, `asserts this is T`.</summary>
    private void ParseTypeOrTypePredicate()
    {
        if (At("asserts") && NextIs(() => !Token.LineBreakBefore && (AtIdentifier || At("this"))))
        {
            Next();
            Next();
            if (AtWordOnSameLine("is"))
            {
                Next();
                ParseType();
            }

            return;
        }

        if ((AtIdentifier || At("this")) && NextIs(() => AtWordOnSameLine("is")))
        {
            Next();
            Next();
        }

        ParseType();
    }

    private bool AtStartOfFunctionOrConstructorType()
    {
        if (AtPunctuator("<") || At("new") || (At("abstract") && NextIs(() => At("new"))))
        {
            return true;
        }

        return AtPunctuator("(") && LookAhead(IsUnambiguouslyStartOfFunctionType);
    }

    /// <summary>TypeScript's isUnambiguouslyStartOfFunctionType, after `(`.</summary>
    private bool IsUnambiguouslyStartOfFunctionType()
    {
        Next();
        if (AtPunctuator(")") || AtPunctuator("..."))
        {
            return true;
        }

        if (SkipParameterStart())
        {
            if (AtPunctuator(":") || AtPunctuator(",") || AtPunctuator("?") || AtPunctuator("="))
            {
                return true;
            }

            if (AtPunctuator(")"))
            {
                Next();
                return AtPunctuator("=>");
            }
        }

        return false;
    }

    private bool SkipParameterStart()
    {
        while (AtModifierWord("public", "private", "protected", "readonly", "override") && NextIs(() => AtIdentifierOrKeyword || AtPunctuator("{") || AtPunctuator("[")))
        {
            Next();
        }

        if (AtIdentifier || At("this"))
        {
            Next();
            return true;
        }

        if (AtPunctuator("[") || AtPunctuator("{"))
        {
            ParseBindingName();
            return true;
        }

        return false;
    }

    private void ParseFunctionOrConstructorType()
    {
        Eat("abstract");
        Eat("new");
        if (AtPunctuator("<"))
        {
            ParseTypeParameters();
        }

        ParseParameters(null);
        Expect("=>");
        ParseTypeOrTypePredicate();
    }

    private void ParseUnionType()
    {
        Eat("|");
        ParseIntersectionType();
        while (Eat("|"))
        {
            ParseIntersectionType();
        }
    }

    private void ParseIntersectionType()
    {
        Eat("&");
        ParseTypeOperatorOrHigher();
        while (Eat("&"))
        {
            ParseTypeOperatorOrHigher();
        }
    }

    private void ParseTypeOperatorOrHigher()
    {
        if (AtStartOfFunctionOrConstructorType())
        {
            // `A | () => void` is an error TypeScript still reads; reading it the same way keeps the type's end right.
            ParseFunctionOrConstructorType();
            return;
        }

        if (Token.Kind == TsTokenKind.Identifier && TypeOperatorWords.Contains(Token.Text) && NextIs(() => AtStartOfType()))
        {
            Next();
            ParseTypeOperatorOrHigher();
            return;
        }

        if (At("infer") && NextIs(() => AtIdentifierOrKeyword))
        {
            Next();
            Next();
            if (At("extends"))
            {
                // `infer U extends C` binds a constraint only when it cannot be read as the start of a conditional type.
                TryParse(() =>
                {
                    Next();
                    var outer = context;
                    context = context with { DisallowConditionalTypes = true };
                    ParseType();
                    context = outer;
                    return context.DisallowConditionalTypes || !AtPunctuator("?");
                });
            }

            return;
        }

        ParsePostfixType();
    }

    private void ParsePostfixType()
    {
        ParseNonArrayType();
        while (!Token.LineBreakBefore && AtPunctuator("["))
        {
            Next();
            if (!AtPunctuator("]"))
            {
                ParseType();
            }

            Expect("]");
        }
    }

    private bool AtStartOfType() => Token.Kind switch
    {
        TsTokenKind.Identifier => !ReservedWords.Contains(Token.Text) || Token.Text is "typeof" or "void" or "null" or "true" or "false" or "this" or "new" or "import",
        TsTokenKind.Punctuator => Token.Text is "{" or "[" or "(" or "<" or "|" or "&" or "-" or "...",
        TsTokenKind.EndOfFile => false,
        _ => true,
    };

    private void ParseNonArrayType()
    {
        switch (Token.Kind)
        {
            case TsTokenKind.String or TsTokenKind.Number or TsTokenKind.BigInt or TsTokenKind.NoSubstitutionTemplate:
                Next();
                return;
            case TsTokenKind.TemplateHead:
                ParseTemplateLiteralType();
                return;
            case TsTokenKind.Punctuator:
                switch (Token.Text)
                {
                    case "-":
                        Next();
                        if (Token.Kind is not (TsTokenKind.Number or TsTokenKind.BigInt))
                        {
                            throw Unexpected("number expected");
                        }

                        Next();
                        return;
                    case "{":
                        if (LookAhead(IsStartOfMappedType))
                        {
                            ParseMappedType();
                        }
                        else
                        {
                            ParseTypeMembers();
                        }

                        return;
                    case "[":
                        ParseTupleType();
                        return;
                    case "(":
                        Next();
                        ParseType();
                        Expect(")");
                        return;
                }

                break;
            case TsTokenKind.Identifier:
                switch (Token.Text)
                {
                    case "typeof":
                        Next();
                        if (At("import"))
                        {
                            ParseImportType();
                        }
                        else
                        {
                            ParseEntityName(allowKeywords: true);
                            if (AtPunctuator("<") && !Token.LineBreakBefore)
                            {
                                ParseTypeArgumentList();
                            }
                        }

                        return;
                    case "import":
                        ParseImportType();
                        return;
                    case "void" or "null" or "true" or "false" or "this":
                        Next();
                        return;
                }

                if (ReservedWords.Contains(Token.Text))
                {
                    break;
                }

                ParseEntityName(allowKeywords: false);
                if (AtPunctuator("<") && !Token.LineBreakBefore)
                {
                    ParseTypeArgumentList();
                }

                return;
        }

        throw Unexpected("type expected");
    }

    private void ParseEntityName(bool allowKeywords)
    {
        if (!(allowKeywords ? AtIdentifierOrKeyword : AtIdentifier) && !At("this"))
        {
            throw Unexpected("type name expected");
        }

        Next();
        while (AtPunctuator(".") && NextIs(() => AtIdentifierOrKeyword || Token.Kind == TsTokenKind.PrivateName))
        {
            Next();
            Next();
        }
    }

    /// <summary>`import('./x', { with: {...} }).Name&lt;T&gt;`.</summary>
    private void ParseImportType()
    {
        Expect("import");
        Expect("(");
        ParseType();
        if (Eat(",") && !AtPunctuator(")"))
        {
            ParseObjectLiteral();
            Eat(",");
        }

        Expect(")");
        while (Eat("."))
        {
            ParsePropertyAccessName();
        }

        if (AtPunctuator("<") && !Token.LineBreakBefore)
        {
            ParseTypeArgumentList();
        }
    }

    private void ParseTemplateLiteralType()
    {
        while (true)
        {
            Next();
            ParseType();
            if (!AtPunctuator("}"))
            {
                throw Unexpected("'}' expected in template literal type");
            }

            if (scanner.RescanTemplateContinuation().Kind == TsTokenKind.TemplateTail)
            {
                Next();
                return;
            }
        }
    }

    /// <summary>`[a: A, b?: B, ...rest: C[]]` or `[A, B?, ...C]`.</summary>
    private void ParseTupleType()
    {
        Expect("[");
        while (!AtPunctuator("]"))
        {
            Eat("...");
            if (AtIdentifierOrKeyword && NextIs(() => AtPunctuator(":") || (AtPunctuator("?") && NextIs(() => AtPunctuator(":")))))
            {
                Next();
                Eat("?");
                Expect(":");
            }

            ParseType();
            Eat("?");
            if (!AtPunctuator("]"))
            {
                Expect(",");
            }
        }

        Next();
    }

    private bool IsStartOfMappedType()
    {
        Next();
        if (AtPunctuator("+") || AtPunctuator("-"))
        {
            Next();
            return At("readonly");
        }

        if (At("readonly"))
        {
            Next();
        }

        if (!AtPunctuator("["))
        {
            return false;
        }

        Next();
        if (!AtIdentifierOrKeyword)
        {
            return false;
        }

        Next();
        return At("in");
    }

    /// <summary>`{ readonly [K in keyof T as N]?: T[K] }`, with `+`/`-` modifiers.</summary>
    private void ParseMappedType()
    {
        Expect("{");
        if (AtPunctuator("+") || AtPunctuator("-"))
        {
            Next();
        }

        Eat("readonly");
        Expect("[");
        Next();
        Expect("in");
        ParseType();
        if (Eat("as"))
        {
            ParseType();
        }

        Expect("]");
        if (AtPunctuator("+") || AtPunctuator("-"))
        {
            Next();
            Expect("?");
        }
        else
        {
            Eat("?");
        }

        if (Eat(":"))
        {
            ParseType();
        }

        Eat(";");
        Eat(",");
        Expect("}");
    }

    /// <summary>An object type literal or interface body: properties, methods, call/construct/index signatures, accessors.</summary>
    private void ParseTypeMembers()
    {
        Expect("{");
        while (!AtPunctuator("}"))
        {
            ParseTypeMember();
            if (!Eat(";") && !Eat(",") && !AtPunctuator("}") && !Token.LineBreakBefore)
            {
                throw Unexpected("';' expected");
            }
        }

        Next();
    }

    private void ParseTypeMember()
    {
        if (AtPunctuator("(") || AtPunctuator("<"))
        {
            ParseSignatureRest();
            return;
        }

        if (At("new") && NextIs(() => AtPunctuator("(") || AtPunctuator("<")))
        {
            Next();
            ParseSignatureRest();
            return;
        }

        while (AtModifierWord("readonly", "public", "private", "protected", "static", "declare", "abstract", "override", "export") &&
               NextIs(() => !Token.LineBreakBefore && AtTokenThatCanFollowModifier))
        {
            Next();
        }

        if (AtPunctuator("[") && LookAhead(IsIndexSignature))
        {
            ParseIndexSignatureRest();
            return;
        }

        if ((At("get") || At("set")) && NextIs(() => !Token.LineBreakBefore && (AtLiteralPropertyName || AtPunctuator("["))))
        {
            Next();
        }

        ParsePropertyName();
        Eat("?");
        if (AtPunctuator("(") || AtPunctuator("<"))
        {
            ParseSignatureRest();
            return;
        }

        if (Eat(":"))
        {
            ParseType();
        }
    }

    private void ParseSignatureRest()
    {
        if (AtPunctuator("<"))
        {
            ParseTypeParameters();
        }

        ParseParameters(null);
        if (Eat(":"))
        {
            ParseTypeOrTypePredicate();
        }
    }

    /// <summary>`[` name `:` or `[` modifiers name: TypeScript's isIndexSignature.</summary>
    private bool IsIndexSignature()
    {
        Next();
        if (AtPunctuator("...") || AtPunctuator("]"))
        {
            return true;
        }

        if (AtModifierWord("public", "private", "protected", "readonly"))
        {
            Next();
            if (AtIdentifierOrKeyword)
            {
                return true;
            }
        }
        else if (!AtIdentifierOrKeyword)
        {
            return false;
        }
        else
        {
            Next();
        }

        return AtPunctuator(":") || AtPunctuator(",") || (AtPunctuator("?") && NextIs(() => AtPunctuator(":") || AtPunctuator(",") || AtPunctuator("]")));
    }

    private void ParseIndexSignatureRest()
    {
        Expect("[");
        ParseBindingName();
        Expect(":");
        ParseType();
        Expect("]");
        Eat("?");
        if (Eat(":"))
        {
            ParseType();
        }
    }
}
