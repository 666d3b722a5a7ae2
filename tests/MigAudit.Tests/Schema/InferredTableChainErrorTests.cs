using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Schema;

/// <summary>
/// Issue #29 item 8 (2anki/server): code the replay cannot follow leaves the schema unknown, a migration then alters a
/// table no migration created, and a later one creates it. On an empty database knex fails at the alter (42P01), not
/// at the create: the chain error must name both possible failure points, not only "the table already exists".
/// </summary>
public sealed class InferredTableChainErrorTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private static readonly (string Name, string Content)[] Chain =
    [
        ("20240101000000_create_tokens.js", Audit.CreateTable("tokens")),

        // The shape of 2anki's hash-all-notion-tokens: schema work inside a .then() callback the replay does not follow.
        ("20240102000000_rehash_tokens.js", """
            module.exports.up = (knex) => {
              return knex
                .select()
                .from('tokens')
                .then((rows) => {
                  return knex.transaction((trx) => {
                    return knex.schema
                      .table('tokens', () => Promise.all(rows.map((row) => knex('tokens').update({ id: row.id }).transacting(trx))))
                      .then(trx.commit)
                      .catch(trx.rollback);
                  });
                });
            };

            module.exports.down = () => Promise.resolve();
            """),
        ("20240103000000_subscriptions_add_link_email.js", """
            module.exports.up = async function (knex) {
              return knex.schema.table('subscriptions', function (table) {
                table.string('linked_email', 255).unique().nullable();
              });
            };

            module.exports.down = async function () {};
            """),
        ("20240104000000_subscriptions.js", """
            module.exports.up = async function (knex) {
              return knex.schema.createTable('subscriptions', function (table) {
                table.increments('id');
                table.string('email', 255).unique().notNullable();
              });
            };

            module.exports.down = async function (knex) {
              return knex.schema.dropTable('subscriptions');
            };
            """),
    ];

    [Fact]
    public void Creating_a_table_only_an_alter_after_unknown_code_inferred_names_both_failure_points()
    {
        using var repo = Audit.Project(Chain);
        var result = Audit.Run(repo.Root);

        var chain = Assert.Single(result.Of("chain-error"));
        Assert.Equal(("migrations/20240104000000_subscriptions.js", 2, true), (chain.File, chain.Line, chain.Blocking));
        Assert.Equal(
            "20240104000000_subscriptions.js (line 2): createTable('subscriptions'): no migration before it creates subscriptions, but " +
            "20240103000000_subscriptions_add_link_email.js (line 2) alters it: on an empty database, 'knex migrate:latest' fails there " +
            "(relation does not exist) unless code the replay could not follow (20240102000000_rehash_tokens.js line 7) created it, " +
            "and then fails here (the table already exists).",
            chain.Message);
    }

    [Fact]
    public void A_table_a_migration_created_before_the_unknown_code_is_not_inferred_and_its_create_stays_unknown()
    {
        using var repo = Audit.Project([("20240100000000_create_subscriptions.js", Audit.CreateTable("subscriptions")), .. Chain]);
        var result = Audit.Run(repo.Root);

        // subscriptions was made by a migration before the unknown code, which may have dropped it: the createTable
        // fails only if it is still there, an unknown outcome, not a chain error.
        Assert.Empty(result.Of("chain-error"));
        var create = result.Input.Schema.Migrations.Single(m => m.Migration == "20240104000000_subscriptions.js");
        var unknown = Assert.Single(create.Unknowns);
        Assert.Equal(
            (2, "createTable('subscriptions'): fails if the table still exists; it was created earlier, then 20240102000000_rehash_tokens.js:7: " +
                "not followed by the replay: schema.then() with these arguments is not followed by the replay"),
            (unknown.Line, unknown.Message));
    }

    [SkippableFact]
    public async Task Real_knex_fails_the_chain_at_the_alter_with_undefined_table()
    {
        Requires.PostgresAndKnex();
        using var repo = Audit.Project(Chain);
        NodeKnex.LinkInto(repo);
        var (driver, _) = await LiveDatabase.DriverOnNewDatabaseAsync(server.Postgres!, repo, "inferred_table");
        using (driver)
        {
            var reply = driver.SendChain("up", "knex_migrations", TimeSpan.FromMinutes(1));
            Assert.False(reply.Ok);
            Assert.Equal(["20240101000000_create_tokens.js", "20240102000000_rehash_tokens.js"], reply.Steps.Select(s => s.Name));
            Assert.Equal("20240103000000_subscriptions_add_link_email.js", reply.Failed!.Name);
            Assert.Contains("relation \"subscriptions\" does not exist", reply.Failed.Error, StringComparison.Ordinal);
        }

        // The same chain through knex's own migrate.latest(): PostgreSQL's code is undefined_table, from the alter's SQL.
        var database = "inferred_code_" + Guid.NewGuid().ToString("n")[..8];
        await LiveDatabase.ExecuteAsync(server.Postgres!.ConnectionString, $"CREATE DATABASE {database}");
        var url = server.Postgres.Url(database);
        var script = repo.PathOf("latest-code.js");
        File.WriteAllText(script, $$"""
            const knex = require('knex')({ client: 'pg', connection: {{System.Text.Json.JsonSerializer.Serialize(url)}} });
            knex.migrate.latest({ directory: {{System.Text.Json.JsonSerializer.Serialize(repo.PathOf("migrations"))}} })
              .then(() => console.log('ok'), (error) => console.log(error.code + ' ' + error.message))
              .finally(() => knex.destroy());
            """);
        var (exit, stdout, stderr) = NodeKnex.Run(script);
        Assert.True(exit == 0, stderr);
        // knex logs "migration file ... failed" first; the last line is the error migrate.latest() rejects with.
        Assert.Equal("migration file \"20240103000000_subscriptions_add_link_email.js\" failed", stdout.Split('\n')[0]);
        Assert.Equal("42P01 alter table \"subscriptions\" add column \"linked_email\" varchar(255) null - relation \"subscriptions\" does not exist", stdout.Trim().Split('\n')[^1]);
    }
}
