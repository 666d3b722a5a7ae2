using MigAudit.Tests.Support;

namespace MigAudit.Tests.Schema;

/// <summary>Tables in different PostgreSQL schemas are different tables: withSchema(), dotted names and qualified SQL.</summary>
public sealed class SchemaNamespaceTests
{
    [Fact]
    public void Roles_in_two_schemas_do_not_collide_and_each_keeps_its_own_columns()
    {
        using var repo = Audit.Project(
            ("20250101000000_crm.js", """
                exports.up = async (knex) => {
                  await knex.schema.createSchema('crm');
                  await knex.schema.withSchema('crm').createTable('roles', (t) => { t.increments('id'); t.string('name').index(); });
                };
                exports.down = (knex) => knex.schema.withSchema('crm').dropTable('roles');
                """),
            ("20250102000000_idm.js", """
                exports.up = async (knex) => {
                  await knex.raw('CREATE SCHEMA idm');
                  await knex.raw('CREATE TABLE idm.roles (id serial PRIMARY KEY, code text NOT NULL)');
                  await knex.schema.createTable('roles', (t) => { t.increments('id'); t.string('label'); });
                };
                exports.down = async () => {};
                """),
            ("20250103000000_more.js", """
                exports.up = async (knex) => {
                  await knex.schema.withSchema('crm').alterTable('roles', (t) => { t.string('color'); });
                  await knex.raw('ALTER TABLE public.roles ADD COLUMN rank integer');
                  await knex.schema.alterTable('idm.roles', (t) => { t.dropColumn('code'); });
                };
                exports.down = async () => {};
                """));
        var result = Audit.Run(repo.Root);
        var schema = result.Input.Schema.Schema;
        Assert.Equal(["crm.roles", "idm.roles", "roles"], schema.Tables.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["id", "name", "color"], schema.Table("crm.roles")!.Columns.Select(c => c.Name));
        Assert.Equal(["id"], schema.Table("idm.roles")!.Columns.Select(c => c.Name));
        Assert.Equal(["id", "label", "rank"], schema.Table("roles")!.Columns.Select(c => c.Name));

        // Knex names the index of withSchema('crm').createTable('roles') after 'roles' alone.
        Assert.Equal("roles_name_index", Assert.Single(schema.Table("crm.roles")!.Indexes).Name);
        Assert.Empty(result.Of("chain-error"));
    }

    [Fact]
    public void With_a_search_path_unqualified_names_are_tables_of_its_first_schema()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", "module.exports = { production: { client: 'pg', connection: process.env.DATABASE_URL, searchPath: ['crm', 'public'] } };\n");
        repo.Write("migrations/20250101000000_roles.js", """
            exports.up = async (knex) => {
              await knex.raw('CREATE SCHEMA crm');
              await knex.raw('CREATE TABLE crm.roles (id serial PRIMARY KEY)');
              await knex.schema.alterTable('roles', (t) => { t.string('name'); });
            };
            exports.down = async () => {};
            """);
        repo.Commit();
        var result = Audit.Run(repo.Root);
        Assert.Equal("crm", result.Input.Project.DefaultSchema);
        Assert.Equal(["id", "name"], Assert.Single(result.Input.Schema.Schema.Tables, t => t.Key == "roles").Value.Columns.Select(c => c.Name));
        Assert.Empty(result.Of("table-created-outside"));
    }

    [Fact]
    public void Dropping_a_schema_with_cascade_drops_its_tables_and_the_keys_that_reference_them()
    {
        // knex writes "drop schema "s" cascade" (real knex on PostgreSQL: the conformance suite's dropSchema cases).
        const string Setup = """
            exports.up = async (knex) => {
              await knex.schema.createSchema('s');
              await knex.schema.withSchema('s').createTable('w', (t) => { t.increments(); });
              await knex.schema.createTable('t', (t) => { t.increments(); t.integer('w_id').references('id').inTable('s.w'); });
            };
            exports.down = async () => {};
            """;
        var cascade = Audit.Replay(MigAudit.Core.SqlDialect.PostgreSQL, Setup, "exports.up = (knex) => knex.schema.dropSchema('s', true);\nexports.down = async () => {};\n");
        Assert.Null(cascade.Schema.Table("s.w"));
        Assert.Empty(cascade.Schema.Table("t")!.ForeignKeys);

        var plain = Audit.Replay(MigAudit.Core.SqlDialect.PostgreSQL, Setup, "exports.up = (knex) => knex.schema.dropSchemaIfExists('s');\nexports.down = async () => {};\n");
        Assert.NotNull(plain.Schema.Table("s.w"));
        Assert.Single(plain.Schema.Table("t")!.ForeignKeys);
    }
}
