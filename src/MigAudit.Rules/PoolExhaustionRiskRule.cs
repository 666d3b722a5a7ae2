using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class PoolExhaustionRiskRule : Rule
{
    /// <summary>PostgreSQL's default max_connections (100) minus superuser_reserved_connections (3).</summary>
    public const int UsableConnections = 97;

    public override RuleMetadata Metadata { get; } = new(
        Id: "pool-exhaustion-risk",
        Title: "Connection pool exhaustion risk",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "The pool maxima of all clients add up close to or beyond PostgreSQL's default max_connections.",
        Impact: "Under load new connections are refused ('sorry, too many clients already').")
    {
        Category = RuleCategory.Configuration,
        // Compares with PostgreSQL's default max_connections (100, 3 reserved for superusers).
        Dialects = [SqlDialect.PostgreSQL],
        EffortBaseMinutes = 30,
    };

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        // The app's clients only: a test's or a one-shot script's pool does not run beside the app's in production.
        var clients = Clients.AppClients(input).ToList();
        var known = clients.Where(c => c.Production().Max.Number is not null).ToList();
        var total = known.Sum(c => c.Production().Max.Number!.Value);
        if (total <= UsableConnections * 0.8)
        {
            yield break;
        }

        var parts = string.Join(" + ", known.Select(c => $"{c.Production().Max.Number} ({c.Label})"));
        var unknown = clients.Except(known).ToList();
        var notCounted = unknown.Count == 0 ? string.Empty
            : $" Not counted, their size unknown: {string.Join("; ", unknown.Select(c => $"{c.Label} ({c.Production().Max.Text})"))}.";
        yield return Found(
            $"Pool maxima add up to {total} = {parts}, against {UsableConnections} usable connections on a default PostgreSQL (max_connections 100, 3 reserved for superusers). This assumes one process per client; every extra process or replica adds its pool again.{notCounted}",
            file: known.OrderByDescending(c => c.Production().Max.Number).First().File,
            key: "pool-total",
            line: known.OrderByDescending(c => c.Production().Max.Number).First().Line,
            action: "Lower the pool maxima or raise max_connections (or put PgBouncer in front) so that the sum over all processes stays below it",
            severity: total > UsableConnections ? Severity.High : null);
    }
}
