using MigAudit.Core;
using MigAudit.Tests.Support;
using Npgsql;

namespace MigAudit.Tests.Rules;

/// <summary>identifier-too-long on its fixtures, the name clashes chain-error reports instead, and PostgreSQL's truncation with real knex.</summary>
public sealed class IdentifierTooLongRuleTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private const string Rule = "identifier-too-long";

    private static readonly string LongColumn = new('é', 32);

    private static TempRepo Fixture(string side) => Audit.Fixture(Rule, side);

    [Fact]
    public void Good_fixture_has_no_finding_at_all()
    {
        using var repo = Fixture("good");

        var result = Audit.Run(repo.Root);

        Assert.Empty(result.Findings);
        Assert.True(result.Ready);
    }

    [Fact]
    public void Generated_and_written_names_over_63_bytes_are_found_and_a_column_is_medium()
    {
        using var repo = Fixture("bad");

        var findings = Audit.Run(repo.Root).Of(Rule);

        Assert.Equal(
            [
                ("migrations/20250101000000_create_billing.js", 8, Severity.Low),
                ("migrations/20250101000000_create_billing.js", 10, Severity.Low),
                ("migrations/20250101000000_create_billing.js", 12, Severity.Low),
                ("migrations/20250102000000_add_archive.js", 3, Severity.Low),
                ("migrations/20250102000000_add_archive.js", 8, Severity.Medium),
                ("migrations/20250102000000_add_archive.js", 9, Severity.Low),
            ],
            findings.Select(f => (f.File!, f.Line!.Value, f.Severity)));
        Assert.All(findings, f => Assert.False(f.Blocking));
        Assert.StartsWith("20250101000000_create_billing.js makes the index on customer_subscription_billing_events that Knex names \"customer_subscription_billing_events_external_reference_identifier_index\" (<table>_<columns>_index) (line 8), 72 bytes: PostgreSQL keeps identifiers to 63 bytes and stores \"customer_subscription_billing_events_external_reference_identif\"", findings[0].Message, StringComparison.Ordinal);
        Assert.StartsWith("Give the index a name of at most 63 bytes: table.index([...], 'short_name')", findings[0].Action);
        Assert.Contains("makes the unique constraint on customer_subscription_billing_events that Knex names \"customer_subscription_billing_events_idempotency_key_from_provider_unique\" (<table>_<columns>_unique)", findings[2].Message, StringComparison.Ordinal);

        // Bytes, not characters: 32 two-byte characters are 64 bytes, and the stored name ends on a character boundary.
        Assert.Contains($"adds the column \"{LongColumn}\" to accounts (line 8), 64 bytes: PostgreSQL keeps identifiers to 63 bytes and stores \"{LongColumn[..31]}\"", findings[4].Message, StringComparison.Ordinal);
        Assert.Contains($"row['{LongColumn}'] is undefined", findings[4].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_shipped_migration_is_left_out()
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine(Rule, "bad"));
        var second = repo.PathOf("migrations/20250102000000_add_archive.js");
        var text = File.ReadAllText(second);
        File.Delete(second);
        repo.Commit("first release");
        repo.Git("tag", "v1.0.0");
        File.WriteAllText(second, text);
        repo.Commit("pending");

        var findings = Audit.Run(repo.Root).Of(Rule);

        Assert.Equal([3, 8, 9], findings.Select(f => f.Line!.Value));
        Assert.All(findings, f => Assert.Equal("migrations/20250102000000_add_archive.js", f.File));
    }

    [SkippableFact]
    public async Task Two_generated_names_with_the_same_first_63_bytes_are_chain_errors_as_knex_fails_on_postgresql()
    {
        Requires.Postgres();
        using var indexes = Audit.Project(("20250101000000_events.js", """
            exports.up = async function (knex) {
              await knex.schema.createTable('customer_subscription_billing_events', (t) => {
                t.increments('id');
                t.string('external_reference_identifier_b').index();
                t.string('external_reference_identifier_c').index();
              });
            };
            exports.down = (knex) => knex.schema.dropTable('customer_subscription_billing_events');
            """));
        using var keys = Audit.Project(("20250101000000_events.js", """
            exports.up = async function (knex) {
              await knex.schema.createTable('parents', (t) => { t.increments('id'); });
              await knex.schema.createTable('customer_subscription_billing_events', (t) => {
                t.increments('id');
                t.integer('parent_reference_identifier_number_a').references('parents.id').onDelete('CASCADE');
                t.integer('parent_reference_identifier_number_b').references('parents.id').onDelete('CASCADE');
              });
            };
            exports.down = async function (knex) {
              await knex.schema.dropTable('customer_subscription_billing_events');
              await knex.schema.dropTable('parents');
            };
            """));

        var indexResult = Audit.Run(indexes.Root);
        var indexClash = Assert.Single(indexResult.Of("chain-error"));
        Assert.Equal(5, indexClash.Line);
        Assert.Contains("index 'customer_subscription_billing_events_external_reference_identif' already exists (\"relation \\\"customer_subscription_billing_events_external_reference_identif\\\" already exists\"): PostgreSQL truncates the name \"customer_subscription_billing_events_external_reference_identifier_c_index\" to its first 63 bytes, so it is the same name", indexClash.Message, StringComparison.Ordinal);
        Assert.Equal([4], indexResult.Of(Rule).Select(f => f.Line!.Value));

        var keyResult = Audit.Run(keys.Root);
        var keyClash = Assert.Single(keyResult.Of("chain-error"));
        Assert.Equal(6, keyClash.Line);
        Assert.Contains("foreign key 'customer_subscription_billing_events_parent_reference_identifie' on customer_subscription_billing_events: a constraint of that name already exists", keyClash.Message, StringComparison.Ordinal);
        Assert.Equal([5], keyResult.Of(Rule).Select(f => f.Line!.Value));

        Assert.StartsWith("42P07 ", await LiveDatabase.KnexLatestOutcomeAsync(server.Postgres!, indexes, "long_index"), StringComparison.Ordinal);
        Assert.StartsWith("42710 ", await LiveDatabase.KnexLatestOutcomeAsync(server.Postgres!, keys, "long_key"), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Postgresql_stores_the_truncated_names_drops_by_the_long_ones_work_and_rows_come_back_keyed_by_the_short_column()
    {
        Requires.Postgres();
        using var repo = Fixture("bad");
        var database = "long_names_" + Guid.NewGuid().ToString("n")[..8];
        await LiveDatabase.ExecuteAsync(server.Postgres!.ConnectionString, $"CREATE DATABASE {database}");

        Assert.Equal("ok", LiveDatabase.KnexRun(server.Postgres, repo, database, "migrate.latest(config)"));
        var url = LiveDatabase.ConnectionTo(server.Postgres, database);
        await using (var connection = new NpgsqlConnection(url))
        {
            await connection.OpenAsync();
            await using var names = new NpgsqlCommand(
                "SELECT relname::text FROM pg_class WHERE relname::text LIKE 'customer_subscription_billing_events%' AND relkind IN ('r', 'i') " +
                "UNION ALL SELECT conname::text FROM pg_constraint WHERE contype = 'f' " +
                "UNION ALL SELECT relname::text FROM pg_class WHERE relname::text LIKE 'archive_lookup%' " +
                "UNION ALL SELECT attname::text FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND attnum > 1 ORDER BY 1", connection);
            var stored = new List<string>();
            await using (var reader = await names.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    stored.Add(reader.GetString(0));
                }
            }

            // The names the findings say PostgreSQL stores.
            Assert.Equal(
                [
                    "archive_lookup_by_every_single_column_the_reporting_dashboard_u",
                    "customer_subscription_billing_events",
                    "customer_subscription_billing_events_archive_for_the_finan_pkey",
                    "customer_subscription_billing_events_archive_for_the_finance_te",
                    "customer_subscription_billing_events_billing_account_identifier",
                    "customer_subscription_billing_events_external_reference_identif",
                    "customer_subscription_billing_events_idempotency_key_from_provi",
                    "customer_subscription_billing_events_kind_index",
                    "customer_subscription_billing_events_pkey",
                    LongColumn[..31],
                ],
                stored.Order(StringComparer.Ordinal));
        }

        // knex writes by the long column name, but the row it reads back is keyed by the stored one.
        var read = LiveDatabase.KnexRun(server.Postgres, repo, database,
            $"raw('SELECT 1').then(() => knex('accounts').insert({{ '{LongColumn}': 'x' }})).then(() => knex('accounts').select('{LongColumn}'))" +
            $".then((rows) => {{ throw Object.assign(new Error(JSON.stringify([Object.keys(rows[0]), rows[0]['{LongColumn}']])), {{ code: 'KEYS' }}); }})");
        Assert.Equal($"KEYS [[\"{LongColumn[..31]}\"],null]", read);

        // The downs drop by the long names, which PostgreSQL truncates the same way.
        Assert.Equal("ok", LiveDatabase.KnexRun(server.Postgres, repo, database, "migrate.rollback(config, true)"));
    }
}
