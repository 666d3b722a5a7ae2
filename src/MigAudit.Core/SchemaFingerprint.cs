namespace MigAudit.Core;

/// <summary>
/// A schema as sorted lines of what a database would hold (tables, columns with type, nullability and default,
/// primary keys, indexes, foreign keys, checks), without where each came from: two replays that build the same
/// schema have the same lines, whatever the code that built it looked like.
/// </summary>
public static class SchemaFingerprint
{
    public static IReadOnlyList<string> Lines(SchemaModel schema)
    {
        var lines = new List<string>();
        foreach (var table in schema.Tables.Values)
        {
            // A stand-in for a table made before the migration (or outside the chain) is named, not described.
            lines.Add($"table {table.Name}{(table.Partial is { Reason: Uncertainty.CreatedOutside } ? " (made earlier)" : string.Empty)}");
            foreach (var column in table.Columns)
            {
                lines.Add($"column {table.Name}.{column.Name} {column.Type}{(column.Nullable ? string.Empty : " not null")}{(column.Default is { } d ? " default " + d : string.Empty)}");
            }

            if (table.PrimaryKey.Count > 0)
            {
                lines.Add($"primary key {table.Name} ({string.Join(", ", table.PrimaryKey)})");
            }

            foreach (var index in table.Indexes)
            {
                lines.Add($"{(index.Unique ? "unique " : string.Empty)}index {index.Name} on {table.Name} using {index.Method} ({string.Join(", ", index.Columns)}){(index.Include.Count > 0 ? $" include ({string.Join(", ", index.Include)})" : string.Empty)}{(index.Predicate is { } p ? " where " + p : string.Empty)}");
            }

            foreach (var key in table.ForeignKeys)
            {
                lines.Add($"foreign key {key.Name} {table.Name} ({string.Join(", ", key.Columns)}) references {key.ReferencesTable} ({string.Join(", ", key.ReferencesColumns)}){(key.OnDelete is { } del ? " on delete " + del : string.Empty)}{(key.OnUpdate is { } up ? " on update " + up : string.Empty)}");
            }

            lines.AddRange(table.Checks.Select(check => $"check {table.Name} {check}"));
        }

        lines.AddRange(schema.Dropped.Select(name => $"dropped {name}"));
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    /// <summary>What the second schema has that the first has not (+), and the reverse (-).</summary>
    public static IReadOnlyList<string> Difference(SchemaModel before, SchemaModel after)
    {
        var old = Lines(before);
        var now = Lines(after);
        var removed = old.Except(now, StringComparer.Ordinal).Select(l => "- " + l);
        var added = now.Except(old, StringComparer.Ordinal).Select(l => "+ " + l);
        return [.. removed, .. added];
    }
}
