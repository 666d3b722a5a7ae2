using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// Inline suppressions that do not do what their author meant, as ESLint reports unused disable directives: a rule id
/// migaudit does not have (a typo hides nothing), no reason (required: a suppression without one suppresses nothing),
/// and one that suppressed nothing (the finding it hid is gone, so the comment only hides a future one). The unused
/// ones are known only once every rule has run: the finding filter reports them through <see cref="Unused"/>.
/// </summary>
public sealed class SuppressionProblemRule : Rule
{
    public const string RuleId = "suppression-problem";

    public override RuleMetadata Metadata { get; } = new(
        Id: RuleId,
        Title: "Suppressions that do not work as written",
        Severity: Severity.Low,
        Blocking: false,
        Summary: "An inline migaudit-disable comment names an unknown rule, gives no reason, or suppresses nothing.",
        Impact: "A typo hides nothing; an unexplained or stale suppression hides the next real finding on that line.")
    {
        EffortPerFindingMinutes = 2,
    };

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        foreach (var directive in input.Suppressions)
        {
            if (directive.Rules.Count == 0)
            {
                yield return Found($"{directive.Directive} names no rule: migaudit suppresses only the rules a comment names (// {directive.Directive} rule-id -- reason).",
                    file: directive.File, line: directive.Line, key: $"{directive.Line}/no-rule", action: "Name the rule ids to suppress, or remove the comment");
                continue;
            }

            foreach (var unknown in directive.Rules.Where(r => RuleCatalog.Find(r) is null))
            {
                yield return Found($"{directive.Directive} names '{unknown}', which is not a migaudit rule, so it suppresses nothing (run 'migaudit rules' for the ids).",
                    file: directive.File, line: directive.Line, key: $"{directive.Line}/{unknown}", action: $"Correct the rule id '{unknown}', or remove it");
            }

            if (directive.Reason is null)
            {
                yield return Found($"{directive.Directive} {string.Join(", ", directive.Rules)} gives no reason, so it suppresses nothing: a suppression must say why after \"--\".",
                    file: directive.File, line: directive.Line, key: $"{directive.Line}/reason", action: $"Write why after the rule ids: // {directive.Directive} {string.Join(", ", directive.Rules)} -- <reason>");
            }
        }
    }

    /// <summary>A suppression that hid no finding of <paramref name="rule"/>.</summary>
    public Finding Unused(SuppressionDirective directive, string rule) => Found(
        $"{directive.Directive} {rule} suppresses nothing: no {rule} finding is {(directive.Kind == SuppressionKind.File ? "in this file" : directive.Kind == SuppressionKind.Block ? "in its block" : "on the line it covers")} any more, so it would only hide a future one.",
        file: directive.File, line: directive.Line, key: $"{directive.Line}/unused/{rule}", action: $"Remove {rule} from the comment (or the comment)");

    /// <summary>A settings-file suppression that hid nothing.</summary>
    public Finding Unused(string settingsFile, ConfigSuppression suppression, string rule) => Found(
        $"suppress[{suppression.Index}] ({rule} in {suppression.Files}) in {settingsFile} suppresses nothing: no {rule} finding matches it any more.",
        file: settingsFile, key: $"suppress/{suppression.Index}/{rule}", action: $"Remove {rule} from suppress[{suppression.Index}] (or the entry)");
}
