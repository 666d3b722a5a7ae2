using MigAudit.Core;
using MigAudit.Tests.Support;
using Npgsql;

namespace MigAudit.Tests.Rules;

/// <summary>
/// Knex's unique() on PostgreSQL makes a UNIQUE constraint, whose index PostgreSQL will not drop with DROP INDEX
/// [CONCURRENTLY]: drop-index-not-concurrently must advise the constraint's route, and a DROP INDEX of it is a chain
/// error (issue #29: "DROP INDEX CONCURRENTLY" was advised for an index a constraint owns).
/// </summary>
public sealed class ConstraintIndexDropTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private const string CreateUsers = """
        exports.up = async function (knex) {
          await knex.schema.createTable('users', (table) => {
            table.increments('id');
            table.string('email').notNullable();
            table.string('nick');
            table.unique(['email']);
            table.unique(['nick'], { useConstraint: false });
          });
        };

        exports.down = async function (knex) {
          await knex.schema.dropTable('users');
        };
        """;

    private static string Up(string body) => $"exports.up = async function (knex) {{\n  {body}\n}};\n\nexports.down = async function () {{}};\n";

    [Fact]
    public void DropUnique_of_a_unique_constraint_is_advised_the_constraint_route_not_CONCURRENTLY()
    {
        using var repo = Audit.Project(("20250101000000_create_users.js", CreateUsers),
            ("20250102000000_drop_email_unique.js", Up("await knex.schema.alterTable('users', (table) => {\n    table.dropUnique(['email']);\n  });")));
        var result = Audit.Run(repo.Root);

        var finding = Assert.Single(result.Of("drop-index-not-concurrently"));
        Assert.Equal(("migrations/20250102000000_drop_email_unique.js", 3, Severity.Medium, false), (finding.File, finding.Line, finding.Severity, finding.Blocking));
        Assert.StartsWith("20250102000000_drop_email_unique.js drops the unique constraint users_email_unique of users, which existed before this migration (line 3): Knex's dropUnique() sends ALTER TABLE users DROP CONSTRAINT users_email_unique, which takes an ACCESS EXCLUSIVE lock on users", finding.Message, StringComparison.Ordinal);
        Assert.Contains("A constraint has no concurrent drop: PostgreSQL refuses DROP INDEX CONCURRENTLY on the index a constraint owns.", finding.Message, StringComparison.Ordinal);
        Assert.Equal("Keep ALTER TABLE users DROP CONSTRAINT users_email_unique (DROP INDEX CONCURRENTLY is refused on a constraint's index), in a migration of its own that first runs SET lock_timeout (e.g. '5s'), so that the drop gives up instead of queueing every query on users behind it; rerun it until it gets the lock", finding.Action);
        Assert.Empty(result.Of("chain-error"));
    }

    [Fact]
    public void Drop_index_of_a_constraints_index_is_a_chain_error_not_a_lock_finding()
    {
        using var repo = Audit.Project(("20250101000000_create_users.js", CreateUsers),
            ("20250102000000_drop_email_index.js", Up("await knex.raw('DROP INDEX users_email_unique');")));
        var result = Audit.Run(repo.Root);

        Assert.Empty(result.Of("drop-index-not-concurrently"));
        var chain = Assert.Single(result.Of("chain-error"));
        Assert.Equal(("migrations/20250102000000_drop_email_index.js", 2), (chain.File, chain.Line));
        Assert.Equal("20250102000000_drop_email_index.js (line 2): drop index \"users_email_unique\": PostgreSQL refuses it (\"cannot drop index users_email_unique because constraint users_email_unique on table users requires it\"): the index belongs to a unique constraint, which only ALTER TABLE users DROP CONSTRAINT users_email_unique removes. Replayed in Knex's order on an empty database, 'knex migrate:latest' fails here.", chain.Message);
    }

    [Fact]
    public void DropUnique_of_a_unique_index_that_is_no_constraint_is_a_chain_error()
    {
        using var repo = Audit.Project(("20250101000000_create_users.js", CreateUsers),
            ("20250102000000_drop_nick_unique.js", Up("await knex.schema.alterTable('users', (table) => {\n    table.dropUnique(['nick']);\n  });")));
        var result = Audit.Run(repo.Root);

        var chain = Assert.Single(result.Of("chain-error"));
        Assert.Equal("20250102000000_drop_nick_unique.js (line 3): dropUnique: Knex sends ALTER TABLE users DROP CONSTRAINT users_nick_unique, and PostgreSQL refuses it (\"constraint \\\"users_nick_unique\\\" of relation \\\"users\\\" does not exist\"): users_nick_unique is a unique index, not a constraint; drop it with dropIndex([], 'users_nick_unique') or DROP INDEX. Replayed in Knex's order on an empty database, 'knex migrate:latest' fails here.", chain.Message);
    }

    [SkippableFact]
    public async Task Real_postgresql_refuses_dropping_a_constraints_index_and_knex_unique_makes_a_constraint()
    {
        Requires.PostgresAndKnex();
        using var repo = Audit.Project(("20250101000000_create_users.js", CreateUsers));
        var url = await LiveDatabase.MigratedAsync(server.Postgres!, repo, "constraint_index");
        var connection = new NpgsqlConnectionStringBuilder(server.Postgres!.ConnectionString) { Database = new Uri(url).AbsolutePath.TrimStart('/') }.ConnectionString;

        // What the replay records: unique() made a constraint (contype 'u'); useConstraint: false made only an index.
        await using (var db = new NpgsqlConnection(connection))
        {
            await db.OpenAsync();
            await using var query = new NpgsqlCommand("SELECT string_agg(conname || ':' || contype::text, ',' ORDER BY conname) FROM pg_constraint WHERE conrelid = 'users'::regclass AND contype = 'u'", db);
            Assert.Equal("users_email_unique:u", await query.ExecuteScalarAsync());
        }

        foreach (var drop in new[] { "DROP INDEX CONCURRENTLY users_email_unique", "DROP INDEX users_email_unique" })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => LiveDatabase.ExecuteAsync(connection, drop));
            Assert.Equal(("2BP01", "cannot drop index users_email_unique because constraint users_email_unique on table users requires it"), (refused.SqlState, refused.MessageText));
        }

        var noConstraint = await Assert.ThrowsAsync<PostgresException>(() => LiveDatabase.ExecuteAsync(connection, "ALTER TABLE users DROP CONSTRAINT users_nick_unique"));
        Assert.Equal(("42704", "constraint \"users_nick_unique\" of relation \"users\" does not exist"), (noConstraint.SqlState, noConstraint.MessageText));

        // The route the advice gives works.
        await LiveDatabase.ExecuteAsync(connection, "ALTER TABLE users DROP CONSTRAINT users_email_unique");
    }
}
