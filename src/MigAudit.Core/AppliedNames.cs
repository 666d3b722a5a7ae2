namespace MigAudit.Core;

/// <summary>
/// The rows of production's migrations table: Knex records each migration's file name (with its extension, without
/// its folder) when it runs it, so this list says exactly which names production holds.
/// </summary>
/// <param name="Source">Where the list came from, for messages: a file path, "stdin", or the live database.</param>
public sealed record AppliedNames(IReadOnlySet<string> Names, string Source)
{
    public bool Contains(string name) => Names.Contains(name);

    /// <summary>The given names production holds, in the given order.</summary>
    public IReadOnlyList<string> Held(IEnumerable<string> names) => names.Where(Names.Contains).Distinct(StringComparer.Ordinal).ToList();
}
