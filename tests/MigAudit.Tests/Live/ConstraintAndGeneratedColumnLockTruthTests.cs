using MigAudit.Tests.Support;
using Npgsql;

namespace MigAudit.Tests.Live;

/// <summary>
/// What not-valid-validated-in-same-transaction, add-exclusion-constraint and add-generated-column claim, checked on a
/// real PostgreSQL: the locks in pg_locks, the rewrite in relfilenode, and the suggested fixes run.
/// </summary>
public sealed class ConstraintAndGeneratedColumnLockTruthTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    // The first migration is deployed on its own (the table exists before the batch, as in production); the capture
    // writes the session's locks on users and teams just before the VALIDATE runs.
    private const string CreateTables = """
        exports.up = async function (knex) {
          await knex.schema.createTable('teams', (table) => { table.increments('id'); });
          await knex.schema.createTable('users', (table) => { table.increments('id'); table.integer('score'); table.integer('team_id').index(); });
          await knex.schema.createTable('lock_log', (table) => { table.text('relation'); table.text('mode'); });
          await knex('teams').insert({ id: 1 });
          await knex('users').insert({ score: 1, team_id: 1 });
        };
        exports.down = (knex) => knex.raw('DROP TABLE lock_log, users, teams');
        """;

    private const string AddNotValid = """
        exports.up = async function (knex) {
          await knex.raw('ALTER TABLE users ADD CONSTRAINT users_score_positive CHECK (score > 0) NOT VALID');
          await knex.raw('ALTER TABLE users ADD CONSTRAINT users_team_id_foreign FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE SET NULL NOT VALID');
        };
        exports.down = async function (knex) {
          await knex.raw('ALTER TABLE users DROP CONSTRAINT users_team_id_foreign');
          await knex.raw('ALTER TABLE users DROP CONSTRAINT users_score_positive');
        };
        """;

    private static string Validate(bool withoutTransaction) => $$"""
        {{(withoutTransaction ? "exports.config = { transaction: false };\n" : string.Empty)}}exports.up = async function (knex) {
          await knex.raw("INSERT INTO lock_log SELECT c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE l.pid = pg_backend_pid() AND l.granted AND c.relname IN ('users', 'teams')");
          await knex.raw('ALTER TABLE users VALIDATE CONSTRAINT users_score_positive');
          await knex.raw('ALTER TABLE users VALIDATE CONSTRAINT users_team_id_foreign');
        };
        exports.down = (knex) => knex.raw('SELECT 1');
        """;

    [SkippableTheory]
    [InlineData(false, "teams AccessShareLock,teams ShareRowExclusiveLock,users AccessExclusiveLock,users AccessShareLock,users ShareRowExclusiveLock", 2)]
    [InlineData(true, "", 0)]
    public async Task A_validation_in_the_same_batch_runs_under_the_adds_locks_and_transaction_false_ends_them(bool withoutTransaction, string heldBeforeValidate, int findings)
    {
        Requires.Postgres();
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        using var repo = new TempRepo();
        repo.Write("knexfile.js", "module.exports = { production: { client: 'pg', connection: { connectionString: process.env.DATABASE_URL, lock_timeout: 5000 }, migrations: { directory: './migrations' } } };\n");
        repo.Write("migrations/20250101000000_create_tables.js", CreateTables);
        repo.Commit("first release");
        repo.Git("tag", "v1.0.0");
        repo.Write("migrations/20250102000000_add_not_valid.js", AddNotValid);
        repo.Write("migrations/20250103000000_validate.js", Validate(withoutTransaction));
        repo.Commit("pending");

        // The static claim.
        Assert.Equal(findings, Audit.Run(repo.Root).Of("not-valid-validated-in-same-transaction").Count(f => f.File == "migrations/20250103000000_validate.js"));

        // Real knex: the release first, then the pending batch in one migrate:latest.
        var database = await MigrateAsync(repo, "migrate.up(config).then(() => knex.migrate.latest(config))");
        Assert.Equal(heldBeforeValidate, string.Join(',', await RowsAsync(database, "SELECT relation || ' ' || mode FROM lock_log ORDER BY 1")));
        Assert.Equal(["true", "true"], await RowsAsync(database, "SELECT convalidated::text FROM pg_constraint WHERE conname IN ('users_score_positive', 'users_team_id_foreign')"));
    }

    [SkippableFact]
    public async Task An_exclusion_constraint_takes_access_exclusive_and_refuses_not_valid()
    {
        var database = await DatabaseAsync("CREATE TABLE bookings (id serial PRIMARY KEY, during tstzrange); INSERT INTO bookings (during) VALUES (tstzrange(now(), now() + interval '1 hour'));");

        Assert.Equal(["AccessExclusiveLock", "ShareLock"], await LocksDuringAsync(database, "ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (during WITH &&)", "bookings"));
        var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(database, "ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap_2 EXCLUDE USING gist (during WITH &&) NOT VALID"));
        Assert.Equal("EXCLUDE constraints cannot be marked NOT VALID", refused.MessageText);
    }

    [SkippableTheory]
    [InlineData("ALTER TABLE users ADD COLUMN score_doubled integer GENERATED ALWAYS AS (score * 2) STORED")]
    [InlineData("ALTER TABLE users ADD COLUMN seq bigint GENERATED BY DEFAULT AS IDENTITY")]
    public async Task A_generated_column_rewrites_the_table_under_access_exclusive(string statement)
    {
        var database = await DatabaseAsync("CREATE TABLE users (id serial PRIMARY KEY, score integer); INSERT INTO users (score) VALUES (1);");
        var before = await FileNodeAsync(database, "users");

        Assert.Contains("AccessExclusiveLock", await LocksDuringAsync(database, statement, "users"));
        Assert.NotEqual(before, await FileNodeAsync(database, "users"));
    }

    [SkippableFact]
    public async Task The_suggested_identity_route_attaches_the_identity_without_a_rewrite()
    {
        var database = await DatabaseAsync("CREATE TABLE teams (id serial PRIMARY KEY); INSERT INTO teams DEFAULT VALUES;");
        await ExecuteAsync(database, "ALTER TABLE teams ADD COLUMN seq bigint; UPDATE teams SET seq = id; ALTER TABLE teams ADD CONSTRAINT teams_seq_not_null CHECK (seq IS NOT NULL) NOT VALID;");
        await ExecuteAsync(database, "ALTER TABLE teams VALIDATE CONSTRAINT teams_seq_not_null; ALTER TABLE teams ALTER COLUMN seq SET NOT NULL;");
        var before = await FileNodeAsync(database, "teams");

        await ExecuteAsync(database, "ALTER TABLE teams ALTER COLUMN seq ADD GENERATED BY DEFAULT AS IDENTITY (START WITH 100)");

        Assert.Equal(before, await FileNodeAsync(database, "teams"));
        Assert.Equal(["100"], await RowsAsync(database, "INSERT INTO teams DEFAULT VALUES RETURNING seq::text"));
    }

    [SkippableTheory]
    [InlineData("SELECT DISTINCT * FROM events", "could not identify an equality operator for type json")]
    [InlineData("SELECT * FROM events UNION SELECT * FROM events", "could not identify an equality operator for type json")]
    [InlineData("SELECT * FROM events UNION ALL SELECT * FROM events", null)]
    public async Task A_json_column_added_to_a_live_table_breaks_its_whole_row_distinct_and_union(string query, string? error)
    {
        var database = await DatabaseAsync("CREATE TABLE events (id serial PRIMARY KEY, name text); INSERT INTO events (name) VALUES ('a');");
        await ExecuteAsync(database, query);

        await ExecuteAsync(database, "ALTER TABLE events ADD COLUMN context json");

        var failure = await Record.ExceptionAsync(() => ExecuteAsync(database, query));
        Assert.Equal(error, (failure as PostgresException)?.MessageText);
    }

    private Task<string> DatabaseAsync(string setup)
    {
        Requires.Postgres();
        return LiveDatabase.CreateAsync(server.Postgres!, "locktruth", setup);
    }

    private string ConnectionTo(string database) => LiveDatabase.ConnectionTo(server.Postgres!, database);

    private Task ExecuteAsync(string database, string sql) => LiveDatabase.ExecuteAsync(ConnectionTo(database), sql);

    private Task<List<string>> RowsAsync(string database, string sql) => LiveDatabase.RowsAsync(ConnectionTo(database), sql);

    /// <summary>The locks the statement's own session holds on the table right after it, inside its transaction.</summary>
    private async Task<List<string>> LocksDuringAsync(string database, string statement, string table)
    {
        await using var connection = new NpgsqlConnection(ConnectionTo(database));
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await new NpgsqlCommand(statement, connection, transaction).ExecuteNonQueryAsync();
        var command = new NpgsqlCommand("SELECT l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE l.pid = pg_backend_pid() AND c.relname = @table ORDER BY 1", connection, transaction);
        command.Parameters.AddWithValue("table", table);
        var modes = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                modes.Add(reader.GetString(0));
            }
        }

        await transaction.CommitAsync();
        return modes;
    }

    private async Task<string> FileNodeAsync(string database, string table) =>
        (await RowsAsync(database, $"SELECT relfilenode::text FROM pg_class WHERE relname = '{table}'")).Single();

    /// <summary>Real knex (tests/node) runs <paramref name="calls"/> (knex.migrate...) on a new database; its name.</summary>
    private async Task<string> MigrateAsync(TempRepo repo, string calls)
    {
        var database = await DatabaseAsync("SELECT 1");
        Assert.Equal("ok", LiveDatabase.KnexRun(server.Postgres!, repo, database, calls));
        return database;
    }
}
