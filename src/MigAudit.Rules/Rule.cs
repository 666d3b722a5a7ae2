using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// One check with its metadata. Severity and blocking come from what Knex really does with the problem:
/// blocking means <c>knex migrate:latest</c> fails or runs something other than what the code says.
/// </summary>
public abstract class Rule
{
    /// <summary>Everything the reports and the catalog say about the rule, in one record.</summary>
    public abstract RuleMetadata Metadata { get; }

    /// <summary>Stable kebab-case id, also the docs page name: docs/rules/&lt;id&gt;.md.</summary>
    public string Id => Metadata.Id;

    /// <summary>Short plural title for report headings, e.g. "Deleted migrations".</summary>
    public string Title => Metadata.Title;
    public Severity Severity => Metadata.Severity;
    public bool Blocking => Metadata.Blocking;

    /// <summary>One sentence: what the rule finds.</summary>
    public string Summary => Metadata.Summary;

    /// <summary>What happens in Knex when the problem ships, for the report's "Impact" line.</summary>
    public string Impact => Metadata.Impact;
    public int EffortBaseMinutes => Metadata.EffortBaseMinutes;
    public int EffortPerFindingMinutes => Metadata.EffortPerFindingMinutes;

    public abstract IEnumerable<Finding> Check(AuditInput input);

    public RuleCategory Category => Metadata.Category;

    /// <summary>Every dialect migaudit knows: the default for rules whose claim holds on any database.</summary>
    public static readonly IReadOnlyList<SqlDialect> AllDialects = [SqlDialect.PostgreSQL, SqlDialect.MySQL, SqlDialect.SQLite, SqlDialect.MSSQL, SqlDialect.Oracle];

    /// <summary>The databases whose behaviour the rule's claim describes; it runs only for them.</summary>
    public IReadOnlyList<SqlDialect> Dialects => Metadata.Dialects;

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
        bool predictsKnexFailure = false, HelperSite? helper = null) =>
        new()
        {
            Rule = Id,
            Severity = severity ?? Severity,
            Blocking = blocking ?? Blocking,

            // A statement written in a required helper is located in the helper (its line is the helper's), and the
            // migration's call names where it runs from.
            File = helper is not null && file is not null ? helper.File : file,
            Line = line,
            CalledFrom = helper is not null && file is not null ? $"{file}:{helper.CallLine}" : null,
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
