using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>The type advice rules' walk: the replayed schema's columns of a type, each with the migration file that created it.</summary>
internal static class ColumnsOfType
{
    public static IEnumerable<(TableModel Table, ColumnModel Column, string Path)> Where(AuditInput input, string hint, Func<string, bool> isType)
    {
        var paths = input.Migrations.ToDictionary(m => m.Name, m => m.Path, StringComparer.Ordinal);
        foreach (var table in input.Schema.Schema.Tables.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            // The text test first: normalising every column's type costs more than the rule at 100,000 columns.
            foreach (var column in table.Columns.Where(c => c.Type.Contains(hint, StringComparison.OrdinalIgnoreCase) && isType(SqlTypes.Normalize(c.Type))))
            {
                if (paths.TryGetValue(column.Origin.Migration, out var path))
                {
                    yield return (table, column, path);
                }
            }
        }
    }
}
