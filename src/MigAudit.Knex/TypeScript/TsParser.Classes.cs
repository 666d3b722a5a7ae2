namespace MigAudit.Knex.TypeScript;

/// <summary>
/// Classes. TypeScript-only members (index signatures, overloads, `declare` and `abstract` members) are erased; TypeScript
/// modifiers (public, private, protected, readonly, override, abstract, declare) are erased; parameter properties become
/// a field declaration at the top of the class body and `this.x = x;` in the constructor, as tsc emits them with
/// useDefineForClassFields.
/// </summary>
internal sealed partial class TsParser
{
    private static readonly HashSet<string> ErasedModifiers = ["public", "private", "protected", "readonly", "override", "abstract", "declare"];
    private static readonly HashSet<string> KeptModifiers = ["static", "accessor", "async"];

    private void ParseClass(bool expression, int abstractStart)
    {
        if (abstractStart >= 0)
        {
            edits.Blank(abstractStart, previousEnd);
        }

        Expect("class");
        if (AtIdentifier && !At("implements") && !(At("extends") && NextIs(() => !AtPunctuator("{"))))
        {
            if (!expression)
            {
                declaredInScope.Add(Token.Text);
            }

            Next();
        }

        if (AtPunctuator("<"))
        {
            ParseTypeParameters();
        }

        if (Eat("extends"))
        {
            var outer = context;
            ParseLeftHandSideExpression();
            context = outer;
            if (AtPunctuator("<"))
            {
                var start = Token.Start;
                var mark = edits.Count;
                ParseTypeArgumentList();
                EraseFrom(mark, start);
            }
        }

        if (At("implements"))
        {
            var start = Token.Start;
            var mark = edits.Count;
            Next();
            do
            {
                ParseEntityName(allowKeywords: false);
                if (AtPunctuator("<"))
                {
                    ParseTypeArgumentList();
                }
            }
            while (Eat(","));
            EraseFrom(mark, start);
        }

        ParseClassBody();
    }

    private void ParseClassBody()
    {
        Expect("{");
        var bodyStart = previousEnd;
        var fields = new List<string>();
        var previousEndedByAsi = false;
        while (!AtPunctuator("}"))
        {
            if (Token.Kind == TsTokenKind.EndOfFile)
            {
                throw Unexpected("'}' expected");
            }

            if (Eat(";"))
            {
                previousEndedByAsi = false;
                continue;
            }

            asiAt = -1;
            ParseListItem(() => ParseClassElement(fields), ref previousEndedByAsi);
        }

        if (fields.Count > 0)
        {
            edits.Insert(bodyStart, " " + string.Join(" ", fields.Select(f => f + ";")));
        }

        Next();
    }

    /// <summary>Parses one class member; true when the whole member is erased.</summary>
    private bool ParseClassElement(List<string> parameterPropertyFields)
    {
        ParseDecorators();
        var erase = false;
        var isStatic = false;
        var isAsync = false;
        while (Token.Kind == TsTokenKind.Identifier && (ErasedModifiers.Contains(Token.Text) || KeptModifiers.Contains(Token.Text)) &&
               NextCanFollowModifier(allowLineBreak: At("static")))
        {
            if (At("static") && NextIs(() => AtPunctuator("{")))
            {
                break;
            }

            if (ErasedModifiers.Contains(Token.Text))
            {
                erase |= Token.Text is "abstract" or "declare";
                edits.Blank(Token.Start, Token.End);
            }

            isStatic |= At("static");
            isAsync |= At("async");
            Next();
        }

        if (At("static") && NextIs(() => AtPunctuator("{")))
        {
            Next();
            var outer = context;
            context = context with { Await = false, Yield = false };
            ParseBlock();
            context = outer;
            return false;
        }

        if (AtPunctuator("[") && LookAhead(IsIndexSignature))
        {
            ParseIndexSignatureRest();
            ParseSemicolon();
            return true;
        }

        var isGenerator = Eat("*");
        if ((At("get") || At("set")) && NextIs(() => !Token.LineBreakBefore && (AtLiteralPropertyName || AtPunctuator("["))))
        {
            Next();
            ParsePropertyName();
            return !ParseFunctionRest(false, false, allowMissingBody: true, constructor: null) || erase;
        }

        var isConstructor = !isStatic && (At("constructor") || (Token.Kind == TsTokenKind.String && scanner.Cook(Token) == "constructor"));
        ParsePropertyName();
        if (AtPunctuator("?") || AtPunctuator("!"))
        {
            edits.Blank(Token.Start, Token.End);
            Next();
        }

        if (AtPunctuator("(") || AtPunctuator("<"))
        {
            var constructor = isConstructor ? new ConstructorBody() : null;
            var hasBody = ParseFunctionRest(isAsync, isGenerator, allowMissingBody: true, constructor);
            if (!hasBody || erase)
            {
                return true;
            }

            if (constructor is { ParameterProperties.Count: > 0 })
            {
                parameterPropertyFields.AddRange(constructor.ParameterProperties);
                var assignments = string.Join(" ", constructor.ParameterProperties.Select(p => $"this.{p} = {p};"));
                edits.Insert(constructor.InsertAt, (constructor.SuperEndedByAsi ? "; " : " ") + assignments);
            }

            return false;
        }

        EraseTypeAnnotationIfPresent();
        if (Eat("="))
        {
            var outer = context;
            context = context with { Await = false, Yield = false, DisallowIn = false };
            ParseAssignmentExpression();
            context = outer;
        }

        ParseSemicolon();
        return erase;
    }
}
