using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// One check with its metadata. Severity and blocking come from what Knex really does with the problem:
/// blocking means <c>knex migrate:latest</c> fails or runs something other than what the code says.
/// </summary>
public abstract class Rule
{
    /// <summary>Stable kebab-case id, also the docs page name: docs/rules/&lt;id&gt;.md.</summary>
    public abstract string Id { get; }

    /// <summary>Short plural title for report headings, e.g. "Deleted migrations".</summary>
    public abstract string Title { get; }
    public abstract Severity Severity { get; }
    public abstract bool Blocking { get; }

    /// <summary>One sentence: what the rule finds.</summary>
    public abstract string Summary { get; }

    /// <summary>What happens in Knex when the problem ships, for the report's "Impact" line.</summary>
    public abstract string Impact { get; }

    /// <summary>Rough effort to fix, as a fixed part plus a part per finding (minutes).</summary>
    public virtual int EffortBaseMinutes => 10;
    public virtual int EffortPerFindingMinutes => 10;

    public abstract IEnumerable<Finding> Check(AuditInput input);

    public virtual RuleCategory Category => RuleCategory.Migrations;

    /// <summary>Every dialect migaudit knows: the default for rules whose claim holds on any database.</summary>
    public static readonly IReadOnlyList<SqlDialect> AllDialects = [SqlDialect.PostgreSQL, SqlDialect.MySQL, SqlDialect.SQLite, SqlDialect.MSSQL, SqlDialect.Oracle];

    /// <summary>The databases whose behaviour the rule's claim describes; it runs only for them.</summary>
    public virtual IReadOnlyList<SqlDialect> Dialects => AllDialects;

    /// <summary>
    /// Whether the rule's claim holds for the project's database. When the dialect is not known, only a rule that holds for
    /// every dialect the project may use (its installed drivers, or all) runs: a PostgreSQL-only claim needs PostgreSQL.
    /// </summary>
    public bool AppliesTo(DialectInfo dialect) => dialect.Dialect != SqlDialect.Unknown
        ? Dialects.Contains(dialect.Dialect)
        : (dialect.Possible.Count > 0 ? dialect.Possible : AllDialects).All(Dialects.Contains);

    public RuleSummary ToSummary() => new(Id, Title, Severity, Blocking, Summary, Impact, EffortBaseMinutes, EffortPerFindingMinutes) { Category = Category, Dialects = Dialects };

    protected Finding Found(string message, string? file = null, int? line = null, string? action = null, string? headline = null,
        IReadOnlyList<string>? related = null, IReadOnlyList<FileChange>? changes = null, Severity? severity = null, bool? blocking = null, string? key = null,
        bool predictsKnexFailure = false) =>
        new()
        {
            Rule = Id,
            Severity = severity ?? Severity,
            Blocking = blocking ?? Blocking,
            File = file,
            Line = line,
            Message = message,
            Headline = headline,
            Action = action,
            Related = related ?? [],
            Changes = changes ?? [],

            // Most rules find one thing per file; those that find several name what each one is about.
            Key = key ?? string.Empty,
            PredictsKnexFailure = predictsKnexFailure,
        };
}
