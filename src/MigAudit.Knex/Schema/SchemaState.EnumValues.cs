using MigAudit.Core;

namespace MigAudit.Knex.Schema;

/// <summary>
/// ALTER TYPE ... ADD VALUE and the later statements that use the new value: PostgreSQL refuses a value added in the
/// still-open transaction ("unsafe use of new value", 55P04), and Knex's migration transaction (or migrate:latest's one
/// transaction for the batch) keeps it open. Only strings equal to an added value are recorded.
/// </summary>
public sealed partial class SchemaState
{
    /// <summary>Every value any migration so far added (the replay is in order: a use is recorded only after its add).</summary>
    private readonly HashSet<string> addedEnumValues = new(StringComparer.Ordinal);

    public List<EnumValueAdded> EnumValuesAdded { get; } = [];

    public List<EnumValueUse> EnumValueUses { get; } = [];

    public bool AnyEnumValueAdded => addedEnumValues.Count > 0;

    public void AddEnumValue(string type, string value, int line)
    {
        addedEnumValues.Add(value);
        EnumValuesAdded.Add(new EnumValueAdded(type, value, line) { Helper = Site, Conditional = conditions.Count > 0 });
    }

    /// <summary>A string a statement uses; recorded when it equals an added value. With a table and column, its type now.</summary>
    public void UseString(string value, int line, string? table = null, string? column = null)
    {
        if (!addedEnumValues.Contains(value))
        {
            return;
        }

        var type = table is not null && column is not null ? Current.Table(table)?.Column(column)?.Type : null;
        EnumValueUses.Add(new EnumValueUse(value, line) { Table = table, Column = column, ColumnType = type, Helper = Site, Conditional = conditions.Count > 0 });
    }
}
