using MigAudit.Core;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Knex.Schema;

public sealed partial class KnexSchemaInterpreter
{
    /// <summary>
    /// .enu(column, values, options).alter() on PostgreSQL, as knex 3.1.0 compiles it (checked with real knex on
    /// PostgreSQL 15): without useNative it sends alter column "c" type text check ("c" in (...)) using (...), which
    /// PostgreSQL refuses (syntax error at or near "check", 42601); with useNative it sends create type "name" as enum
    /// (...) first, which fails (42710) when the type exists; with existingType: true it sends only alter column "c"
    /// type "name" using ("c"::text::"name"): the values listed are not added, and the table is rewritten.
    /// </summary>
    private void EnumAlter(string table, string column, IReadOnlyList<StaticValue> typeArguments, int line)
    {
        var options = typeArguments.Count > 1 ? typeArguments[1] as JsObject : null;
        var values = typeArguments.Count > 0 && typeArguments[0] is JsArray { Items: var items } && items.All(v => v is JsString)
            ? items.Cast<JsString>().Select(v => v.Value).ToList()
            : null;
        var list = values is null ? "..." : string.Join(", ", values.Select(Quoting.SqlLiteral));
        if (options?.Get("useNative") is not JsBoolean { Value: true })
        {
            if (options is null && typeArguments.Count > 1 && typeArguments[1] is not (JsUndefined or JsNull))
            {
                return;
            }

            state.PostgresRefuses(line,
                $"enu('{column}', [...]).alter() on {table}: knex 3.1.0 sends alter table \"{table}\" alter column \"{column}\" type text check (\"{column}\" in ({list})) using (\"{column}\"::text::text check (...)), which PostgreSQL refuses on every database (syntax error at or near \"check\", 42601): 'knex migrate:latest' fails here. " +
                $"Change the values with knex.raw: ALTER TABLE \"{table}\" DROP CONSTRAINT \"{SchemaState.MakeObjectName(table[(table.LastIndexOf('.') + 1)..], column, "check")}\", then ADD CONSTRAINT ... CHECK (\"{column}\" IN ({list})) NOT VALID and VALIDATE CONSTRAINT in a later statement");
            return;
        }

        if (options.Get("enumName") is not JsString { Value: var enumName })
        {
            return;
        }

        if (options.Get("existingType") is JsBoolean { Value: true })
        {
            state.NoteEnumChange(new EnumChange(EnumChangeKind.ValuesIgnored, enumName, line) { Table = table, Column = column, Values = values ?? [] });
            return;
        }

        // The column is of that type already (the replay knows it): knex's create type fails.
        if (state.Current.Table(table)?.Column(column)?.Type is { } current && current.Trim('"') == enumName)
        {
            state.PostgresRefuses(line,
                $"enu('{column}', [...], {{ useNative: true, enumName: '{enumName}' }}).alter() on {table}: knex sends create type \"{enumName}\" as enum ({list}) first, and {table}.{column} is already of type {enumName}, so PostgreSQL refuses it (type \"{enumName}\" already exists, 42710): 'knex migrate:latest' fails here. " +
                $"Add the new values with knex.raw(\"ALTER TYPE \\\"{enumName}\\\" ADD VALUE 'new_value'\") instead");
        }
    }
}
