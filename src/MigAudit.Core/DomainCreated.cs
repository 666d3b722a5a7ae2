namespace MigAudit.Core;

/// <summary>
/// CREATE DOMAIN <see cref="Domain"/>: <see cref="Constrained"/> when it carries a CHECK or NOT NULL, which every later
/// change of that rule (ALTER DOMAIN ... ADD CONSTRAINT, SET NOT NULL, VALIDATE CONSTRAINT) tests under a SHARE lock on
/// every table with a column of the domain.
/// </summary>
public sealed record DomainCreated(string Domain, bool Constrained, int Line)
{
    public HelperSite? Helper { get; init; }
}
