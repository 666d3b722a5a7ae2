using System.Text.RegularExpressions;
using MigAudit.Rules;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Rules;

public sealed partial class RuleCatalogTests
{
    [GeneratedRegex("^[a-z]+(-[a-z]+)*$")]
    private static partial Regex KebabCase();

    [Fact]
    public void Every_rule_has_a_unique_kebab_case_id_and_a_docs_page_with_bad_and_good_examples()
    {
        var docs = Path.Combine(NodeKnex.ScriptsDirectory!, "..", "..", "docs", "rules");
        Assert.Equal(RuleCatalog.All.Count, RuleCatalog.All.Select(r => r.Id).Distinct().Count());
        foreach (var rule in RuleCatalog.All)
        {
            Assert.Matches(KebabCase(), rule.Id);
            var page = Path.Combine(docs, rule.Id + ".md");
            Assert.True(File.Exists(page), $"missing docs/rules/{rule.Id}.md");
            var text = File.ReadAllText(page);
            Assert.Contains("## Bad", text);
            Assert.Contains("## Good", text);
            Assert.Contains($"severity: {rule.Severity.ToString().ToLowerInvariant()}, blocking: {(rule.Blocking ? "yes" : "no")}", text);
            var dialects = rule.Dialects.Count == Rule.AllDialects.Count ? "all databases" : string.Join(", ", rule.Dialects);
            Assert.Contains($"## Dialects\n\nApplies to: {dialects}.\n", text.ReplaceLineEndings("\n"));
        }
    }
}
