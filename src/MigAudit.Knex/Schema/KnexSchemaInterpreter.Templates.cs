using Acornima.Ast;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Knex.Schema;

/// <summary>
/// SQL written as a template whose interpolations are known values or one of a few known alternatives (both branches
/// of <c>cond ? '' : 'IF NOT EXISTS'</c>, a local const set that way): every text it can be is read, each as a branch
/// of the undecided condition, so the statement's locks are seen (kutt's 20241223062111_indexes.js builds its CREATE
/// INDEX statements so). An interpolation with no known alternatives leaves the statement unread, as before.
/// </summary>
public sealed partial class KnexSchemaInterpreter
{
    /// <summary>More texts than this (alternatives multiply across interpolations) are not read one by one.</summary>
    private const int MaxTemplateTexts = 8;

    /// <summary>
    /// The distinct texts of a template when every interpolation is a string or number, or one of known string or number
    /// alternatives, and some interpolation has more than one; with the first such interpolation (the condition's place).
    /// Alternatives of separate interpolations are combined freely: a pair no run can produce (the same condition read
    /// twice) may be read too, under the same undecided condition, so what it changes only becomes unknown.
    /// </summary>
    private (IReadOnlyList<string> Texts, Node Undecided)? TemplateTexts(TemplateLiteral template, Frame frame)
    {
        var texts = new List<string> { string.Empty };
        Node? undecided = null;
        for (var i = 0; i < template.Quasis.Count; i++)
        {
            var quasi = template.Quasis[i].Value.Cooked;
            texts = [.. texts.Select(t => t + quasi)];
            if (i >= template.Expressions.Count)
            {
                continue;
            }

            if (PrimitiveTexts(Value(template.Expressions[i], frame)) is not { } parts)
            {
                return null;
            }

            if (parts.Count > 1)
            {
                undecided ??= template.Expressions[i];
            }

            texts = [.. texts.SelectMany(t => parts.Select(p => t + p)).Distinct(StringComparer.Ordinal)];
            if (texts.Count > MaxTemplateTexts)
            {
                return null;
            }
        }

        return undecided is null || texts.Count < 2 ? null : (texts, undecided);
    }

    private static List<string>? PrimitiveTexts(StaticValue value) => value switch
    {
        JsString s => [s.Value],
        JsNumber n => [n.ToString()],
        JsUnknown { Alternatives: { } alternatives } when alternatives.All(a => a.Value is JsString or JsNumber) =>
            [.. alternatives.Select(a => a.Value is JsString s ? s.Value : ((JsNumber)a.Value).ToString()).Distinct(StringComparer.Ordinal)],
        _ => null,
    };

    /// <summary>
    /// Each text as a branch of the undecided condition: what they agree on stays known. A statement every text makes
    /// the same (the same index on the same table, with or without IF NOT EXISTS) is recorded once, for the lock rules.
    /// </summary>
    private void SqlAlternatives(CallExpression call, Frame frame, int? line, Node undecided, IReadOnlyList<string> texts)
    {
        var before = state.Operations.Count;
        Branch(0);
        var seen = new HashSet<(Core.LockOperationKind, string?, string?, int, bool, string?, string?)>();
        var kept = state.Operations.Skip(before).Where(o => seen.Add((o.Kind, o.Table, o.Name, o.Line, o.Concurrently, o.Column, o.Target))).ToList();
        state.Operations.RemoveRange(before, state.Operations.Count - before);
        state.Operations.AddRange(kept);

        Flow Branch(int i) => i == texts.Count - 1
            ? Normal(() => ApplySql(call, frame, line, texts[i]))
            : Branches(undecided, frame, () => Normal(() => ApplySql(call, frame, line, texts[i])), () => Branch(i + 1));
    }
}
