using MigAudit.Tests.Support;
using Npgsql;

namespace MigAudit.Tests.Live;

/// <summary>
/// What type-advice, alter-domain-constraint, create-domain-with-constraint and multiple-alter-table claim, checked on a
/// real PostgreSQL with real knex: the locks in pg_locks, the passes in relfilenode and seq_scan, the errors, and the fixes.
/// </summary>
public sealed class TypeDomainAlterTruthTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private const string Domain = """
        CREATE DOMAIN positive_int AS integer;
        CREATE TABLE products (id bigint PRIMARY KEY, price positive_int);
        CREATE TABLE refunds (id bigint PRIMARY KEY, amount positive_int);
        CREATE TABLE other (id bigint PRIMARY KEY, n integer);
        INSERT INTO products VALUES (1, 5); INSERT INTO refunds VALUES (1, 7); INSERT INTO other VALUES (1, 1);
        """;

    [SkippableTheory]
    [InlineData("ALTER DOMAIN positive_int ADD CONSTRAINT positive_int_check CHECK (VALUE > 0)", "products ShareLock,refunds ShareLock")]
    [InlineData("ALTER DOMAIN positive_int SET NOT NULL", "products ShareLock,refunds ShareLock")]
    [InlineData("ALTER DOMAIN positive_int ADD CONSTRAINT positive_int_check CHECK (VALUE > 0) NOT VALID", "")]
    [InlineData("ALTER DOMAIN positive_int DROP NOT NULL", "")]
    [InlineData("CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%')", "")]
    public async Task A_domain_change_that_tests_values_takes_share_on_every_table_using_it(string statement, string locks)
    {
        var database = await DatabaseAsync(Domain);
        Assert.Equal(locks, string.Join(',', await LocksDuringAsync(database, statement)));
    }

    [SkippableFact]
    public async Task A_domain_validate_takes_share_too_unlike_a_table_validate()
    {
        var database = await DatabaseAsync(Domain + "ALTER DOMAIN positive_int ADD CONSTRAINT positive_int_check CHECK (VALUE > 0) NOT VALID; ALTER TABLE other ADD CONSTRAINT other_n CHECK (n > 0) NOT VALID;");

        Assert.Equal("products ShareLock,refunds ShareLock", string.Join(',', await LocksDuringAsync(database, "ALTER DOMAIN positive_int VALIDATE CONSTRAINT positive_int_check")));
        Assert.Equal("other ShareUpdateExclusiveLock", string.Join(',', await LocksDuringAsync(database, "ALTER TABLE other VALIDATE CONSTRAINT other_n")));
    }

    [SkippableFact]
    public async Task Separate_alter_statements_pass_over_the_table_once_each_and_one_statement_once()
    {
        var database = await DatabaseAsync("CREATE TABLE t (id integer, a integer, b integer, c text, d text); INSERT INTO t SELECT g, g, g, 'x', 'y' FROM generate_series(1, 100) g;");

        // Two statements: two rewrites (a new relfilenode each), then one statement: one rewrite.
        var start = await FileNodeAsync(database, "t");
        await ExecuteAsync(database, "ALTER TABLE t ALTER COLUMN a TYPE bigint");
        var afterFirst = await FileNodeAsync(database, "t");
        await ExecuteAsync(database, "ALTER TABLE t ALTER COLUMN b TYPE bigint");
        Assert.Equal(3, new[] { start, afterFirst, await FileNodeAsync(database, "t") }.Distinct().Count());
        var beforeCombined = await FileNodeAsync(database, "t");
        var scans = await SeqScansAsync(database);
        await ExecuteAsync(database, "ALTER TABLE t ALTER COLUMN a TYPE numeric, ALTER COLUMN b TYPE numeric, ALTER COLUMN c SET NOT NULL");
        Assert.NotEqual(beforeCombined, await FileNodeAsync(database, "t"));
        Assert.Equal(scans + 1, await SeqScansAsync(database));

        // SET NOT NULL: one scan per statement, one for a statement listing two.
        var unchanged = await FileNodeAsync(database, "t");
        await ExecuteAsync(database, "ALTER TABLE t ALTER COLUMN c DROP NOT NULL");
        scans = await SeqScansAsync(database);
        await ExecuteAsync(database, "ALTER TABLE t ALTER COLUMN c SET NOT NULL");
        await ExecuteAsync(database, "ALTER TABLE t ALTER COLUMN d SET NOT NULL");
        Assert.Equal(scans + 2, await SeqScansAsync(database));
        await ExecuteAsync(database, "ALTER TABLE t ALTER COLUMN c DROP NOT NULL, ALTER COLUMN d DROP NOT NULL");
        scans = await SeqScansAsync(database);
        await ExecuteAsync(database, "ALTER TABLE t ALTER COLUMN c SET NOT NULL, ALTER COLUMN d SET NOT NULL");
        Assert.Equal(scans + 1, await SeqScansAsync(database));
        Assert.Equal(unchanged, await FileNodeAsync(database, "t"));
    }

    [SkippableFact]
    public async Task Knex_sends_separate_statements_for_alter_and_the_suggested_one_statement_runs()
    {
        Requires.Postgres();
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        using var repo = ReleasedFixture.Of("multiple-alter-table", "bad");
        var finding = Audit.Run(repo.Root).Of("multiple-alter-table")[0];
        var fix = finding.Action![(finding.Action!.IndexOf('`') + 1)..finding.Action.LastIndexOf('`')];

        // What knex 3.1.0 sends for the migration's alterTable: one TYPE and one SET NOT NULL per column, separately.
        var database = await DatabaseAsync("SELECT 1");
        Assert.Equal("ok", LiveDatabase.KnexRun(server.Postgres!, repo, database, "migrate.up(config)"));
        var node = await FileNodeAsync(database, "payments");
        Assert.Equal("ok", LiveDatabase.KnexRun(server.Postgres!, repo, database, "migrate.up(config)"));
        Assert.NotEqual(node, await FileNodeAsync(database, "payments"));
        Assert.Equal(["bigint", "bigint"], await RowsAsync(database, "SELECT data_type FROM information_schema.columns WHERE table_name = 'payments' AND column_name IN ('amount', 'fee')"));

        // The suggested statement, on the released table: one rewrite, and the columns bigint NOT NULL.
        var fresh = await DatabaseAsync("SELECT 1");
        Assert.Equal("ok", LiveDatabase.KnexRun(server.Postgres!, repo, fresh, "migrate.up(config)"));
        var before = await FileNodeAsync(fresh, "payments");
        Assert.Equal("ok", LiveDatabase.KnexRun(server.Postgres!, repo, fresh, $"raw({System.Text.Json.JsonSerializer.Serialize(fix)})"));
        Assert.NotEqual(before, await FileNodeAsync(fresh, "payments"));
        Assert.Equal(["bigint NO", "bigint NO"], await RowsAsync(fresh, "SELECT data_type || ' ' || is_nullable FROM information_schema.columns WHERE table_name = 'payments' AND column_name IN ('amount', 'fee')"));
    }

    [SkippableTheory]
    [InlineData("type-advice", "bad")]
    [InlineData("type-advice", "good")]
    [InlineData("alter-domain-constraint", "bad")]
    [InlineData("alter-domain-constraint", "good")]
    [InlineData("create-domain-with-constraint", "bad")]
    [InlineData("create-domain-with-constraint", "good")]
    [InlineData("multiple-alter-table", "bad")]
    [InlineData("multiple-alter-table", "good")]
    public async Task Every_fixture_migrates_with_real_knex_up_and_down(string rule, string side)
    {
        Requires.Postgres();
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine(rule, side));
        var database = await DatabaseAsync("SELECT 1");

        Assert.Equal("ok", LiveDatabase.KnexRun(server.Postgres!, repo, database, "migrate.latest(config).then(() => knex.migrate.rollback(config, true))"));
    }

    [SkippableFact]
    public async Task The_type_advice_failures_and_fixes_are_what_postgresql_does()
    {
        var database = await DatabaseAsync("""
            CREATE TABLE accounts (id bigserial PRIMARY KEY);
            CREATE TABLE orders (id serial PRIMARY KEY, reference varchar(255), account_id integer REFERENCES accounts (id), currency char(3));
            """);

        var exhausted = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(database, "SELECT setval('orders_id_seq', 2147483647); INSERT INTO orders DEFAULT VALUES"));
        Assert.Equal(("2200H", "nextval: reached maximum value of sequence \"orders_id_seq\" (2147483647)"), (exhausted.SqlState, exhausted.MessageText));
        var tooLong = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(database, $"INSERT INTO orders (id, reference) VALUES (1, '{new string('x', 256)}')"));
        Assert.Equal(("22001", "value too long for type character varying(255)"), (tooLong.SqlState, tooLong.MessageText));
        await ExecuteAsync(database, "INSERT INTO accounts (id) VALUES (2147483648)");
        var outOfRange = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(database, "INSERT INTO orders (id, account_id) VALUES (2, 2147483648)"));
        Assert.Equal(("22003", "integer out of range"), (outOfRange.SqlState, outOfRange.MessageText));
        Assert.Equal(["true|3"], await RowsAsync(database, "SELECT ('ab'::char(3) = 'ab  '::char(3))::text || '|' || octet_length('ab'::char(3))::text"));

        // Widening varchar is catalog-only: the same relfilenode.
        var node = await FileNodeAsync(database, "orders");
        await ExecuteAsync(database, "ALTER TABLE orders ALTER COLUMN reference TYPE varchar(500)");
        Assert.Equal(node, await FileNodeAsync(database, "orders"));
    }

    private Task<string> DatabaseAsync(string setup)
    {
        Requires.Postgres();
        return LiveDatabase.CreateAsync(server.Postgres!, "typedomain", setup);
    }

    private string ConnectionTo(string database) => LiveDatabase.ConnectionTo(server.Postgres!, database);

    private Task ExecuteAsync(string database, string sql) => LiveDatabase.ExecuteAsync(ConnectionTo(database), sql);

    private Task<List<string>> RowsAsync(string database, string sql) => LiveDatabase.RowsAsync(ConnectionTo(database), sql);

    private async Task<string> FileNodeAsync(string database, string table) =>
        (await RowsAsync(database, $"SELECT pg_relation_filenode('{table}')::text")).Single();

    /// <summary>t's sequential scans so far (the statistics flushed first, PostgreSQL 15's pg_stat_force_next_flush).</summary>
    private async Task<long> SeqScansAsync(string database)
    {
        await using var connection = new NpgsqlConnection(ConnectionTo(database));
        await connection.OpenAsync();
        await new NpgsqlCommand("SELECT pg_stat_force_next_flush()", connection).ExecuteNonQueryAsync();
        return (long)(await new NpgsqlCommand("SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 't'", connection).ExecuteScalarAsync())!;
    }

    /// <summary>The user tables the statement's own session holds a lock on right after it, inside its transaction ("table mode").</summary>
    private async Task<List<string>> LocksDuringAsync(string database, string statement)
    {
        await using var connection = new NpgsqlConnection(ConnectionTo(database));
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await new NpgsqlCommand(statement, connection, transaction).ExecuteNonQueryAsync();
        var command = new NpgsqlCommand("SELECT c.relname || ' ' || l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE l.pid = pg_backend_pid() AND c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace ORDER BY 1", connection, transaction);
        var locks = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                locks.Add(reader.GetString(0));
            }
        }

        await transaction.RollbackAsync();
        return locks;
    }
}
