namespace MigAudit.Knex.TypeScript;

/// <summary>Interfaces, type aliases, `declare` forms and namespaces.</summary>
internal sealed partial class TsParser
{
    private NamespaceScope? currentNamespace;
    private HashSet<string> declaredInScope = [];
    private int statementListDepth;

    /// <summary>A namespace body being parsed: its qualifier (`N`) and the variables it exports, which tsc rewrites to `N.x`.</summary>
    private sealed class NamespaceScope(string qualifier)
    {
        public string Qualifier { get; } = qualifier;

        public HashSet<string> ExportedVariables { get; } = [];
    }

    private void ParseInterface()
    {
        Expect("interface");
        Next();
        if (AtPunctuator("<"))
        {
            ParseTypeParameters();
        }

        if (Eat("extends"))
        {
            do
            {
                ParseEntityName(allowKeywords: false);
                if (AtPunctuator("<"))
                {
                    ParseTypeArgumentList();
                }
            }
            while (Eat(","));
        }

        ParseTypeMembers();
    }

    private void ParseTypeAlias()
    {
        Expect("type");
        Next();
        if (AtPunctuator("<"))
        {
            ParseTypeParameters();
        }

        Expect("=");
        ParseType();
        ParseSemicolon();
    }

    private bool AtStartOfAmbientDeclaration() =>
        Token.Kind == TsTokenKind.Identifier && Token.Text is "var" or "let" or "const" or "function" or "class" or "abstract" or "enum" or
            "namespace" or "module" or "global" or "type" or "interface" or "async" or "using";

    /// <summary>`declare ...`: everything is erased; it is parsed in the ambient context, where bodies are missing.</summary>
    private void ParseAmbientDeclaration()
    {
        Expect("declare");
        var outer = context;
        context = context with { Ambient = true };
        try
        {
            if (At("global"))
            {
                Next();
                ParseAmbientBlock();
            }
            else if ((At("module") || At("namespace")) && NextIs(() => Token.Kind == TsTokenKind.String))
            {
                Next();
                Next();
                if (AtPunctuator("{"))
                {
                    ParseAmbientBlock();
                }
                else
                {
                    ParseSemicolon();
                }
            }
            else
            {
                ParseStatement(statementListItem: true);
            }
        }
        finally
        {
            context = outer;
        }
    }

    private void ParseAmbientBlock()
    {
        var outer = context;
        context = context with { Ambient = true };
        Expect("{");
        ParseStatementList(() => AtPunctuator("}"), scope: null);
        Expect("}");
        context = outer;
    }

    /// <summary>
    /// `namespace N.M { ... }`: tsc's <c>var N; (function (N) { ... })(N || (N = {}));</c>. A namespace with nothing
    /// but types in it is erased. Exported variables become `N.x = ...` and references to them `N.x`.
    /// </summary>
    private bool ParseNamespace(bool exported)
    {
        var keywordStart = Token.Start;
        Next();
        if (Token.Kind == TsTokenKind.String || context.Ambient)
        {
            Next();
            while (Eat("."))
            {
                Next();
            }

            ParseAmbientBlock();
            return true;
        }

        var names = new List<string>();
        do
        {
            if (!AtIdentifier)
            {
                throw Unexpected("namespace name expected");
            }

            names.Add(Token.Text);
            Next();
        }
        while (Eat("."));
        var parent = exported ? currentNamespace : null;
        var header = DeclarationFor(names[0]) + $"(function ({names[0]}) {{";
        for (var i = 1; i < names.Count; i++)
        {
            header += $" var {names[i]}; (function ({names[i]}) {{";
        }

        var headerMark = edits.Count;
        Expect("{");
        var headerEnd = previousEnd;
        var scope = new NamespaceScope(names[^1]);
        var outerReferences = references;
        references = [];

        var instantiated = false;
        try
        {
            instantiated = ParseNamespaceBody(scope);
            foreach (var reference in references)
            {
                if (scope.ExportedVariables.Contains(reference.Name))
                {
                    if (reference.Shorthand)
                    {
                        edits.Insert(reference.Position + reference.Name.Length, $": {scope.Qualifier}.{reference.Name}");
                    }
                    else
                    {
                        edits.Insert(reference.Position, scope.Qualifier + ".");
                    }
                }
            }
        }
        finally
        {
            outerReferences?.AddRange(references);
            references = outerReferences;
        }

        if (!instantiated)
        {
            Expect("}");
            edits.Truncate(headerMark);
            return true;
        }

        edits.Replace(keywordStart, headerEnd, header);
        var footer = "";
        for (var i = names.Count - 1; i >= 1; i--)
        {
            footer += $"}})({names[i]} = {names[i - 1]}.{names[i]} || ({names[i - 1]}.{names[i]} = {{}})); ";
        }

        footer += parent is null
            ? $"}})({names[0]} || ({names[0]} = {{}}));"
            : $"}})({names[0]} = {parent.Qualifier}.{names[0]} || ({parent.Qualifier}.{names[0]} = {{}}));";
        if (!AtPunctuator("}"))
        {
            throw Unexpected("'}' expected");
        }

        edits.Replace(Token.Start, Token.End, footer.TrimEnd());
        Next();
        return false;
    }

    /// <summary>The statements of a namespace body; true when any of them is code (the namespace is instantiated).</summary>
    private bool ParseNamespaceBody(NamespaceScope scope)
    {
        var outerContext = context;
        context = context with { Await = false, Yield = false };
        var instantiated = false;
        var outerScope = currentNamespace;
        var outerDeclared = declaredInScope;
        currentNamespace = scope;
        declaredInScope = [];
        statementListDepth++;
        var previousEndedByAsi = false;
        try
        {
            while (!AtPunctuator("}"))
            {
                if (Token.Kind == TsTokenKind.EndOfFile)
                {
                    throw Unexpected("'}' expected");
                }

                instantiated |= !ParseListItem(() => ParseStatement(statementListItem: true), ref previousEndedByAsi);
            }
        }
        finally
        {
            currentNamespace = outerScope;
            declaredInScope = outerDeclared;
            statementListDepth--;
            context = outerContext;
        }

        return instantiated;
    }

    /// <summary>
    /// `export const a = 1, b = a;` in a namespace: tsc's <c>N.a = 1, N.b = N.a;</c>. Declarators without an initializer
    /// produce nothing (a statement of only those is erased); destructuring is not rewritten: migaudit reports it.
    /// </summary>
    private bool ParseNamespaceExportedVariables(int exportStart, NamespaceScope scope)
    {
        var keywordEnd = Token.End;
        Next();
        var declarators = new List<(int Start, int End, bool Kept, int CommaStart, int CommaEnd)>();
        do
        {
            var declaratorStart = Token.Start;
            if (!AtIdentifier)
            {
                throw Unexpected("migaudit does not rewrite an exported destructuring declaration in a namespace");
            }

            scope.ExportedVariables.Add(Token.Text);
            Next();
            if (AtPunctuator("!"))
            {
                edits.Blank(Token.Start, Token.End);
                Next();
            }

            EraseTypeAnnotationIfPresent();
            var kept = false;
            if (Eat("="))
            {
                edits.Insert(declaratorStart, scope.Qualifier + ".");
                ParseAssignmentExpression();
                kept = true;
            }

            var commaStart = AtPunctuator(",") ? Token.Start : -1;
            declarators.Add((declaratorStart, previousEnd, kept, commaStart, commaStart + 1));
        }
        while (Eat(","));
        ParseSemicolon();
        if (!declarators.Any(d => d.Kept))
        {
            return true;
        }

        edits.Blank(exportStart, keywordEnd);
        for (var i = 0; i < declarators.Count; i++)
        {
            var declarator = declarators[i];
            if (!declarator.Kept)
            {
                edits.Blank(declarator.Start, declarator.End);
            }

            if (declarator.CommaStart >= 0 && !(declarator.Kept && declarators.Skip(i + 1).Any(d => d.Kept)))
            {
                edits.Blank(declarator.CommaStart, declarator.CommaEnd);
            }
        }

        return false;
    }
}
