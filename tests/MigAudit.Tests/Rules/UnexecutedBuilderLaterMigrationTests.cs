using MigAudit.Core;
using MigAudit.Tests.Support;
using Npgsql;

namespace MigAudit.Tests.Rules;

/// <summary>
/// A builder that never runs, whose change a later migration makes anyway (the shape of nasa/harmony's
/// 20210817130322_create_workflow_tables.js and 20220301141810_add_work_item_foreign_keys.js): databases built by the
/// chain have the foreign key, and "add await" would make the later migration fail (issue #29 item 8). Real knex 3.1.0 on
/// PostgreSQL shows both.
/// </summary>
public sealed class UnexecutedBuilderLaterMigrationTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private const string ForeignKey = "work_items_jobid_workflowstepindex_foreign";

    private static string CreateWorkflowTables(bool awaited) => $$"""
        exports.up = function (knex) {
          return knex.schema
            .createTable('workflow_steps', (t) => {
              t.increments('id').primary();
              t.uuid('jobID').notNullable();
              t.integer('stepIndex').notNullable();
              t.unique(['jobID', 'stepIndex']);
            })
            .createTable('work_items', (t) => {
              t.increments('id').primary();
              t.uuid('jobID').notNullable();
              t.integer('workflowStepIndex').notNullable();
            })
            .then(() => {
              {{(awaited ? "return " : string.Empty)}}knex.schema.alterTable('work_items', (t) => {
                t.foreign(['jobID', 'workflowStepIndex'])
                  .references(['jobID', 'stepIndex'])
                  .on('workflow_steps');
              });
            });
        };

        exports.down = function (knex) {
          return knex.schema.dropTable('work_items').then(() => knex.schema.dropTable('workflow_steps'));
        };
        """;

    private const string AddWorkItemForeignKeys = """
        exports.up = function (knex) {
          return knex.schema.table('work_items', (t) => {
            t.foreign(['jobID', 'workflowStepIndex'])
              .references(['jobID', 'stepIndex'])
              .inTable('workflow_steps');
          });
        };

        exports.down = function (knex) {
          return knex.schema.table('work_items', (t) => {
            t.dropForeign(['jobID', 'workflowStepIndex']);
          });
        };
        """;

    private static TempRepo Chain(bool awaited) => Audit.Project(
        ("20210817130322_create_workflow_tables.js", CreateWorkflowTables(awaited)),
        ("20220301141810_add_work_item_foreign_keys.js", AddWorkItemForeignKeys));

    [Fact]
    public void A_dead_builder_whose_foreign_key_a_later_migration_adds_is_not_blocking_and_is_not_told_to_add_await()
    {
        using var repo = Chain(awaited: false);
        var result = Audit.Run(repo.Root);

        var finding = Assert.Single(result.Of("unexecuted-builder"));
        Assert.Equal(("migrations/20210817130322_create_workflow_tables.js", 15, Severity.Medium, false), (finding.File, finding.Line, finding.Severity, finding.Blocking));
        Assert.EndsWith($"Its change is made anyway: the chain makes foreign key {ForeignKey} on work_items by 20220301141810_add_work_item_foreign_keys.js (line 3); so databases built by the chain have it and the builder is dead code.", finding.Message, StringComparison.Ordinal);
        Assert.Equal($"Remove the dead builder at line 15; do not add await: 20220301141810_add_work_item_foreign_keys.js (line 3) would then fail, as PostgreSQL refuses to make foreign key {ForeignKey} on work_items a second time (\"constraint \"{ForeignKey}\" for relation \"work_items\" already exists\")", finding.Action);
        Assert.Empty(result.Of("chain-error"));
        Assert.Equal([ForeignKey], result.Input.Schema.Schema.Table("work_items")!.ForeignKeys.Select(f => f.Name));
    }

    [Fact]
    public void A_dead_builder_whose_foreign_key_nothing_adds_stays_blocking_with_the_add_await_advice()
    {
        using var repo = Audit.Project(("20210817130322_create_workflow_tables.js", CreateWorkflowTables(awaited: false)));
        var result = Audit.Run(repo.Root);

        var finding = Assert.Single(result.Of("unexecuted-builder"));
        Assert.Equal((Severity.High, true), (finding.Severity, finding.Blocking));
        Assert.EndsWith($"Databases built by the chain lack what it would add: foreign key {ForeignKey} on work_items.", finding.Message, StringComparison.Ordinal);
        Assert.StartsWith("Add await (or return) before the builder at line 15;", finding.Action, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Real_knex_builds_the_foreign_key_through_the_later_migration_as_written()
    {
        Requires.PostgresAndKnex();
        using var repo = Chain(awaited: false);
        var url = await LiveDatabase.MigratedAsync(server.Postgres!, repo, "dead_builder");

        await using var db = new NpgsqlConnection(ConnectionTo(url));
        await db.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint WHERE conrelid = 'work_items'::regclass AND contype = 'f'", db);
        Assert.Equal(ForeignKey, await query.ExecuteScalarAsync());
    }

    [SkippableFact]
    public async Task Real_knex_fails_the_later_migration_once_the_dead_builder_is_awaited()
    {
        Requires.PostgresAndKnex();
        using var repo = Chain(awaited: true);
        NodeKnex.LinkInto(repo);
        var (driver, url) = await LiveDatabase.DriverOnNewDatabaseAsync(server.Postgres!, repo, "awaited_builder");
        using (driver)
        {
            var reply = driver.Send("latest", TimeSpan.FromMinutes(1));
            Assert.False(reply.Ok);
            Assert.Contains($"constraint \"{ForeignKey}\" for relation \"work_items\" already exists", reply.Error, StringComparison.Ordinal);
        }

        // Knex ran the batch in one transaction, so nothing of it stayed: the same statements by hand show PostgreSQL's code.
        var connection = ConnectionTo(url);
        await LiveDatabase.ExecuteAsync(connection, "CREATE TABLE workflow_steps (\"jobID\" uuid NOT NULL, \"stepIndex\" integer NOT NULL, UNIQUE (\"jobID\", \"stepIndex\")); " +
            "CREATE TABLE work_items (\"jobID\" uuid NOT NULL, \"workflowStepIndex\" integer NOT NULL)");
        var addKey = $"ALTER TABLE work_items ADD CONSTRAINT {ForeignKey} FOREIGN KEY (\"jobID\", \"workflowStepIndex\") REFERENCES workflow_steps (\"jobID\", \"stepIndex\")";
        await LiveDatabase.ExecuteAsync(connection, addKey);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => LiveDatabase.ExecuteAsync(connection, addKey));
        Assert.Equal(("42710", $"constraint \"{ForeignKey}\" for relation \"work_items\" already exists"), (refused.SqlState, refused.MessageText));
    }

    private string ConnectionTo(string url) =>
        new NpgsqlConnectionStringBuilder(server.Postgres!.ConnectionString) { Database = new Uri(url).AbsolutePath.TrimStart('/') }.ConnectionString;

    /// <summary>kutt's shape: a dead DROP CONSTRAINT IF EXISTS, written for databases built by older versions of the app.</summary>
    [Theory]
    [InlineData("t.integer('user_id');", false)]
    [InlineData("t.integer('user_id').unique();", true)]
    public void A_dead_drop_of_what_the_chain_never_made_changes_nothing_on_databases_it_builds(string userColumn, bool blocking)
    {
        using var repo = Audit.Project(
            ("20200101000000_domains.js", $"exports.up = (knex) => knex.schema.createTable('domains', (t) => {{ t.increments('id'); {userColumn} }});\nexports.down = (knex) => knex.schema.dropTable('domains');\n"),
            ("20200510000000_drop_unique.js", "exports.up = async (knex) => {\n  knex.raw('ALTER TABLE domains DROP CONSTRAINT IF EXISTS domains_user_id_unique');\n};\nexports.down = async () => {};\n"));

        var finding = Assert.Single(Audit.Run(repo.Root).Of("unexecuted-builder"));
        Assert.Equal((blocking, blocking ? Severity.High : Severity.Medium), (finding.Blocking, finding.Severity));
        if (!blocking)
        {
            Assert.EndsWith("Replayed where it stands, it would change nothing: databases built by the chain lack nothing, and only a database whose schema came from elsewhere (older versions of the migrations, a dump) misses it.", finding.Message);
            Assert.Equal("Await (or return) the builder at line 2 if databases built some other way need it; otherwise remove it", finding.Action);
        }
    }
}
