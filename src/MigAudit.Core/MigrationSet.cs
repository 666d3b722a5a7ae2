namespace MigAudit.Core;

/// <summary>
/// One Knex setup of a repository: a knexfile (and environment) or a migrate call, and the folders of migrations it
/// runs against its own database. A monorepo with a knexfile per service, or one knexfile run with two --env values
/// against two databases, has several; each has its own inventory, history, schema and verdict.
/// </summary>
/// <param name="Name">The set's folders, as the report names it ("services/auth/migrations").</param>
/// <param name="Reason">Why migaudit audits it: the knexfile or script that runs it.</param>
public sealed record MigrationSet(string Name, string Reason);

/// <summary>The audit of every migration set of a repository; a repository with one set has one result.</summary>
public sealed record RepositoryAudit
{
    public required IReadOnlyList<AuditResult> Sets { get; init; }

    /// <summary>Knex setups found but not audited (a knexfile whose folder holds no migrations), with the reason.</summary>
    public IReadOnlyList<string> NotAudited { get; init; } = [];

    public AuditResult Primary => Sets[0];

    /// <summary>
    /// The repository as one result, for the verdict, the exit code and the formats that list findings: the first set's
    /// inventory with every set's findings and unknowns. A finding every set reports alike (a configuration file's
    /// client) is listed once, and belongs to no one set.
    /// </summary>
    public AuditResult Combined
    {
        get
        {
            if (Sets.Count == 1)
            {
                return Sets[0];
            }

            // GroupBy keeps the order in which each fingerprint first appears.
            var findings = Sets.SelectMany(s => s.Findings).GroupBy(f => f.Fingerprint(), StringComparer.Ordinal)
                .Select(same => same.Skip(1).Any() ? same.First() with { MigrationSet = null } : same.First())
                .ToList();

            return Primary with
            {
                Findings = findings,
                Unknowns = Sets.SelectMany(s => s.Unknowns).Distinct().ToList(),
                Suppressed = Sets.Sum(s => s.Suppressed),
                Ignored = Sets.Sum(s => s.Ignored),
                Baselined = Sets.Sum(s => s.Baselined),
                OutOfScope = Sets.Sum(s => s.OutOfScope),
                Quieted = Sets.Sum(s => s.Quieted),
                Elapsed = Sets.Aggregate(TimeSpan.Zero, (total, s) => total + s.Elapsed),
            };
        }
    }

    /// <summary>The same audit with each set's result changed alike (a scope filter).</summary>
    public RepositoryAudit Map(Func<AuditResult, AuditResult> change) => this with { Sets = Sets.Select(change).ToList() };
}
