using MigAudit.Knex.JavaScript;

namespace MigAudit.Knex.Schema;

public sealed partial class KnexSchemaInterpreter
{
    private static readonly HashSet<string> WhereMethods = ["where", "andWhere", "orWhere", "whereNot", "andWhereNot", "orWhereNot"];

    /// <summary>
    /// The strings a knex data call uses (knex('t').update({ c: 'v' }), insert, where('c', 'v')...), for the enum values an
    /// earlier ALTER TYPE ... ADD VALUE added: with the column when the string is an object key's or where()'s value.
    /// </summary>
    private void RecordEnumValueUses(List<Link> links, Frame frame)
    {
        if (!state.AnyEnumValueAdded)
        {
            return;
        }

        var named = links.FirstOrDefault(l => l.Name is "(query)" or "table" or "from" or "into" or "batchInsert");
        var table = named?.Arguments is { Count: > 0 } tableArguments && Text(tableArguments, 0, frame) is { } name ? state.Key(null, name) : null;
        foreach (var link in links.Where(l => l.Arguments is { Count: > 0 }))
        {
            var line = link.Node.Location.Start.Line;
            var values = link.Arguments!.Select(a => Value(a, frame)).ToList();
            if (WhereMethods.Contains(link.Name) && values is [JsString column, .., JsString whereValue] && values.Count is 2 or 3)
            {
                state.UseString(whereValue.Value, line, table, column.Value);
                continue;
            }

            foreach (var value in values)
            {
                Use(value, line, table, column: null);
            }
        }
    }

    private void Use(StaticValue value, int line, string? table, string? column)
    {
        switch (value)
        {
            case JsString text:
                state.UseString(text.Value, line, table, column);
                break;
            case JsObject record:
                foreach (var (key, item) in record.Properties)
                {
                    Use(item, line, table, item is JsString ? key : null);
                }

                break;
            case JsArray list:
                foreach (var item in list.Items)
                {
                    Use(item, line, table, column: null);
                }

                break;
        }
    }
}
