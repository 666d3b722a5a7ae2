using System.Text;

namespace MigAudit.Demo;

/// <summary>A table the demo's migrations create, written out as idiomatic Knex schema-builder code.</summary>
internal sealed record TableSpec(string Name, string[] Columns, string[] Indexes)
{
    public static string Fk(string column, string table, string onDelete = "CASCADE", bool nullable = false) =>
        $"table.uuid('{column}'){(nullable ? ".nullable()" : ".notNullable()")}.references('id').inTable('{table}').onDelete('{onDelete}');";

    public static string Str(string column, int length = 255, bool nullable = false) =>
        $"table.string('{column}', {length}){(nullable ? ".nullable()" : ".notNullable()")};";

    public static string Status(string initial) => $"table.string('status', 32).notNullable().defaultTo('{initial}');";

    public static string Json(string column) => $"table.jsonb('{column}').notNullable().defaultTo('{{}}');";

    public static string Int(string column, int initial = 0) => $"table.integer('{column}').notNullable().defaultTo({initial});";

    public static string Time(string column) => $"table.timestamp('{column}', {{ useTz: true }}).nullable();";

    public static string Text(string column, bool nullable = false) => $"table.text('{column}'){(nullable ? ".nullable()" : ".notNullable()")};";

    public static string Bool(string column, bool initial) => $"table.boolean('{column}').notNullable().defaultTo({(initial ? "true" : "false")});";

    public static string Index(params string[] columns) => $"table.index([{string.Join(", ", columns.Select(c => $"'{c}'"))}]);";

    public static string Unique(params string[] columns) => $"table.unique([{string.Join(", ", columns.Select(c => $"'{c}'"))}]);";

    public string CreateBody()
    {
        var body = new StringBuilder();
        body.Append($"  await knex.schema.createTable('{Name}', (table) => {{\n");
        body.Append("    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));\n");
        foreach (var column in Columns)
        {
            body.Append("    ").Append(column).Append('\n');
        }

        body.Append("    table.timestamps(true, true);\n");
        foreach (var index in Indexes)
        {
            body.Append("    ").Append(index).Append('\n');
        }

        body.Append("  });\n");
        return body.ToString();
    }

    public string KnexMigration(bool withDown = true) => Migration(CreateBody(), $"  await knex.schema.dropTableIfExists('{Name}');\n", withDown);

    public static string Migration(string up, string down, bool withDown = true)
    {
        var text = new StringBuilder();
        text.Append("/**\n * @param { import(\"knex\").Knex } knex\n * @returns { Promise<void> }\n */\n");
        text.Append("exports.up = async function (knex) {\n").Append(up).Append("};\n");
        if (withDown)
        {
            text.Append("\n/**\n * @param { import(\"knex\").Knex } knex\n * @returns { Promise<void> }\n */\n");
            text.Append("exports.down = async function (knex) {\n").Append(down).Append("};\n");
        }

        return text.ToString();
    }
}
