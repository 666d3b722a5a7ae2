using MigAudit.Core;

namespace MigAudit.Knex.Schema;

/// <summary>
/// PostgreSQL accepts a foreign key only when its referenced columns are exactly the columns of the referenced table's
/// primary key, of a unique constraint, or of a unique index over every row (no WHERE), in any order; otherwise it
/// refuses it with 42830 "there is no unique constraint matching given keys for referenced table" (checked on
/// PostgreSQL 15: a unique index made without a constraint counts, a partial one or one over more columns does not).
/// </summary>
public sealed partial class SchemaState
{
    private void ReferencedKeyMustBeUnique(string table, IReadOnlyList<string> columns, string referencesTable, IReadOnlyList<string> referencesColumns, int line)
    {
        // A self-reference is left alone: Knex puts createTable's primary key into CREATE TABLE, before the foreign keys,
        // and a column's modifiers compile in the order they are chained, while the replay takes them in a fixed order.
        // REFERENCES t without columns means t's primary key; a column named twice is another error (42701).
        if (Dialect != SqlDialect.PostgreSQL || referencesTable == table || referencesColumns.Count == 0 ||
            referencesColumns.Distinct(StringComparer.Ordinal).Count() != referencesColumns.Count)
        {
            return;
        }

        var (state, model, _) = Existence(referencesTable);
        if (model is null || state is not (TableState.Present or TableState.Unknown) || Matches(model.PrimaryKey, referencesColumns) ||
            model.Indexes.Any(i => i.Unique && i.Predicate is null && Matches(i.Columns, referencesColumns)))
        {
            return;
        }

        var key = $"foreign key {table}({string.Join(", ", columns)}) references {referencesTable}({string.Join(", ", referencesColumns)})";
        var refusal = $"PostgreSQL refuses it (\"there is no unique constraint matching given keys for referenced table \\\"{referencesTable}\\\"\", 42830)";

        // Only a table the chain made, and nothing since that the replay could not follow: otherwise that code may have
        // made the unique constraint or index (or the table may be one made outside the migrations).
        if (state == TableState.Present && model.InferredAfter is null && Current.IsKnown(model))
        {
            Problem(line, $"{key}: {referencesTable} has no primary key, unique constraint or unique index (without WHERE) over exactly ({string.Join(", ", referencesColumns)}) at this point, so {refusal}");
        }
        else if (Current.IndexUncertaintyOf(model) is { IsCreatedOutside: false } why)
        {
            Unknown(line, $"{key}: fails unless {why.Describe()} made a primary key, unique constraint or unique index over exactly ({string.Join(", ", referencesColumns)}) on {referencesTable}: without one, {refusal}", why);
        }
    }

    private static bool Matches(IReadOnlyList<string> key, IReadOnlyList<string> referenced) =>
        key.Count == referenced.Count && key.All(referenced.Contains);
}
