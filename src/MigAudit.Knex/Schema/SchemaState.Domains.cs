using MigAudit.Core;

namespace MigAudit.Knex.Schema;

/// <summary>
/// CREATE DOMAIN and ALTER DOMAIN (raw SQL only: Knex has no domain builder). A domain's new constraint is tested
/// against every column of that type in every table: PostgreSQL 15 takes a SHARE lock on each such table and scans it,
/// for ADD CONSTRAINT (not NOT VALID), VALIDATE CONSTRAINT and SET NOT NULL alike (pg_locks).
/// </summary>
public sealed partial class SchemaState
{
    /// <summary>Domains created with a CHECK or NOT NULL, by name (the last schema-less part), in the order created.</summary>
    public List<DomainCreated> DomainsCreated { get; } = [];

    public void CreateDomain(string domain, bool constrained, int line) =>
        DomainsCreated.Add(new DomainCreated(domain, constrained, line) { Helper = Site });

    /// <summary>
    /// An ALTER DOMAIN that tests the domain's values: one SHARE lock and scan per table with a column of the domain
    /// (the column's type as the replay holds it, e.g. from table.specificType('price', 'positive_int')).
    /// </summary>
    public void AlterDomain(string domain, string action, int line)
    {
        foreach (var table in Current.Tables.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            var columns = table.Columns.Where(c => IsDomain(c.Type, domain)).Select(c => c.Name).ToList();
            if (columns.Count > 0)
            {
                Record(NewLock(LockOperationKind.AlterDomain, table.Name, line, string.Join(", ", columns), domain, action));
            }
        }
    }

    /// <summary>The column's type is the domain: its name alone or schema-qualified, quoted or not, any case PostgreSQL folds.</summary>
    private static bool IsDomain(string type, string domain)
    {
        var name = type.Trim().Trim('"');
        var dot = name.LastIndexOf('.');
        if (dot >= 0)
        {
            name = name[(dot + 1)..].Trim('"');
        }

        return string.Equals(name, domain, StringComparison.OrdinalIgnoreCase);
    }
}
