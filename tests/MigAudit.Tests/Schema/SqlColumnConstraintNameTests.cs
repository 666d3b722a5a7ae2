using System.Text.Json;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Schema;

/// <summary>
/// A column constraint written CONSTRAINT name ... in SQL's CREATE TABLE has that name, not PostgreSQL's default
/// (&lt;table&gt;_&lt;column&gt;_fkey, _key, _check): dropping it by that name succeeds on PostgreSQL, and the replay agrees
/// (the shape of speckle-server's drop_beta_tables down, which recreates tables with knex's constraint names).
/// </summary>
public sealed class SqlColumnConstraintNameTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private static readonly (string Name, string Content)[] Chain =
    [
        ("20250101000000_tables.js", """
            exports.up = async (knex) => {
              await knex.raw(`create table b (id integer primary key);
                create table a (
                  id integer primary key,
                  b_id integer constraint a_b_named references b (id) on delete cascade,
                  code text constraint a_code_named unique,
                  n integer not null constraint a_n_named check (n > 0)
                )`);
            };
            exports.down = async () => {};
            """),
        ("20250102000000_drop.js", """
            exports.up = async (knex) => {
              await knex.raw('alter table a drop constraint a_b_named');
              await knex.raw('alter table a drop constraint a_code_named');
              await knex.raw('alter table a drop constraint a_n_named');
            };
            exports.down = async () => {};
            """),
    ];

    [Fact]
    public void The_replay_knows_the_constraints_by_their_written_names()
    {
        using var repo = Audit.Project(Chain);
        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Input.Schema.Migrations.SelectMany(m => m.ChainProblems));
        var a = result.Input.Schema.Schema.Table("a")!;
        Assert.Empty(a.ForeignKeys);
        Assert.Empty(a.Indexes);
        Assert.Empty(a.Checks);
        Assert.False(a.Column("n")!.Nullable);
    }

    [Fact]
    public void Without_the_names_the_drops_are_chain_errors()
    {
        using var repo = Audit.Project(Chain[0], ("20250102000000_drop.js", "exports.up = (knex) => knex.raw('alter table a drop constraint a_b_id_fkey_typo');\nexports.down = async () => {};\n"));
        var problem = Assert.Single(Audit.Run(repo.Root).Input.Schema.Migrations.SelectMany(m => m.ChainProblems));
        Assert.Equal("drop constraint 'a_b_id_fkey_typo' on a: no such constraint at this point", problem.Message);
    }

    [SkippableFact]
    public async Task Real_knex_on_postgresql_drops_them_by_those_names()
    {
        Requires.Postgres();
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        using var repo = Audit.Project(Chain);
        Assert.Equal("ok", await LiveDatabase.KnexLatestOutcomeAsync(server.Postgres!, repo, "column_names"));
    }
}
