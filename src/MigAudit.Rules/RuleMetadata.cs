using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// A rule's metadata: id (also its docs page, docs/rules/&lt;id&gt;.md), a short plural title for headings, severity and
/// blocking (from what Knex really does with the problem), one sentence of what it finds, and what happens in Knex when
/// it ships. Effort is a fixed part plus a part per finding, in minutes.
/// </summary>
public sealed record RuleMetadata(string Id, string Title, Severity Severity, bool Blocking, string Summary, string Impact)
{
    public RuleCategory Category { get; init; } = RuleCategory.Migrations;

    /// <summary>The databases whose behaviour the rule's claim describes; it runs only for them.</summary>
    public IReadOnlyList<SqlDialect> Dialects { get; init; } = Rule.AllDialects;
    public int EffortBaseMinutes { get; init; } = 10;
    public int EffortPerFindingMinutes { get; init; } = 10;
}
