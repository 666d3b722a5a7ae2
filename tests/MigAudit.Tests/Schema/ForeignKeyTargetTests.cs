using System.Text.Json;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Schema;

/// <summary>
/// PostgreSQL refuses a foreign key whose referenced columns are not exactly a primary key, a unique constraint or a
/// unique index without WHERE of the referenced table (42830). Each case is replayed and run by real knex 3.1.0 on a
/// real PostgreSQL: the replay's chain error (or its absence) is what knex meets.
/// </summary>
public sealed class ForeignKeyTargetTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private static (string Name, string Content)[] Chain(string targetExtra, string foreign = "t.foreign(['j', 's']).references(['j', 's']).inTable('b');") =>
    [
        ("20250101000000_tables.js", $$"""
            exports.up = async (knex) => {
              await knex.schema.createTable('b', (t) => { t.increments('id'); t.integer('j'); t.string('s'); {{targetExtra}} });
              await knex.schema.createTable('g', (t) => { t.increments('id'); t.integer('j'); t.string('s'); });
            };
            exports.down = async () => {};
            """),
        ("20250102000000_foreign.js", $$"""
            exports.up = async (knex) => {
              await knex.schema.alterTable('g', (t) => {
                {{foreign}}
              });
            };
            exports.down = async () => {};
            """),
    ];

    public static TheoryData<string, string, string?> Cases => new()
    {
        // What knex sends for each target is in the comment; "refused" is the replay's claim and knex's 42830.
        { "no unique at all", string.Empty, "refused" },
        { "a plain index (create index)", "t.index(['j', 's']);", "refused" },
        { "a partial unique index (create unique index ... where)", "t.unique(['j', 's'], { predicate: knex.whereNotNull('j') });", "refused" },
        { "a unique constraint over more columns", "t.unique(['j', 's', 'id']);", "refused" },
        { "a unique constraint in another order", "t.unique(['s', 'j']);", null },
        { "a unique index made without a constraint", "t.unique(['j', 's'], { useConstraint: false });", null },
        { "index() with indexType unique", "t.index(['s', 'j'], 'b_sj', { indexType: 'unique' });", null },
        { "a composite primary key", "t.primary(['j', 's']);", null },
    };

    private const string Refusal =
        "foreign key g(j, s) references b(j, s): b has no primary key, unique constraint or unique index (without WHERE) over exactly (j, s) at this point, " +
        "so PostgreSQL refuses it (\"there is no unique constraint matching given keys for referenced table \\\"b\\\"\", 42830)";

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_replay_refuses_a_foreign_key_only_when_no_unique_key_covers_its_columns(string why, string targetExtra, string? expected)
    {
        using var repo = Audit.Project(Chain(targetExtra));
        var step = Audit.Run(repo.Root).Input.Schema.Migrations.Single(m => m.Migration == "20250102000000_foreign.js");
        Assert.Equal(expected is null ? [] : [(3, Refusal)], step.ChainProblems.Select(p => (p.Line, p.Message)));
        Assert.True(step.Unknowns.Count == 0, why);
    }

    [Fact]
    public void A_primary_key_target_passes()
    {
        using var repo = Audit.Project(Chain(string.Empty, "t.foreign('j').references('id').inTable('b');"));
        Assert.Empty(Audit.Run(repo.Root).Input.Schema.Migrations.SelectMany(m => m.ChainProblems));
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public async Task Real_knex_on_postgresql_refuses_exactly_those(string why, string targetExtra, string? expected)
    {
        Requires.Postgres();
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        using var repo = Audit.Project(Chain(targetExtra));
        var outcome = await LatestAsync(repo);
        Assert.True((expected is null ? "ok" : "42830 alter table \"g\" add constraint \"g_j_s_foreign\" foreign key (\"j\", \"s\") references \"b\" (\"j\", \"s\") - there is no unique constraint matching given keys for referenced table \"b\"") == outcome, $"{why}: {outcome}");
    }

    [Fact]
    public void When_code_the_replay_could_not_follow_ran_on_the_target_the_outcome_is_unknown_not_a_chain_error()
    {
        // The SQL is read from the environment: it may well be the unique index the foreign key needs (real knex runs it
        // with the variable unset and the foreign key is accepted).
        var chain = Chain(string.Empty);
        using var repo = Audit.Project(chain[0], ("20250101500000_unique.js", """
            exports.up = async (knex) => {
              await knex.raw(process.env.UNIQUE_SQL || 'create unique index b_js on b (j, s)');
            };
            exports.down = async () => {};
            """), chain[1]);
        var step = Audit.Run(repo.Root).Input.Schema.Migrations.Single(m => m.Migration == "20250102000000_foreign.js");
        Assert.Empty(step.ChainProblems);
        var unknown = Assert.Single(step.Unknowns);
        Assert.Equal(3, unknown.Line);
        Assert.StartsWith("foreign key g(j, s) references b(j, s): fails unless 20250101500000_unique.js:2: ", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_never_run_foreign_key_to_columns_without_a_unique_key_is_would_fail_not_add_await()
    {
        // The shape of nasa/harmony's create_granule_batches: the alterTable inside then() is neither awaited nor returned.
        using var repo = Audit.Project(Chain(string.Empty)[0], ("20250102000000_foreign.js", """
            exports.up = (knex) => knex.schema.createTable('x', (t) => { t.increments('id'); }).then(() => {
              knex.schema.alterTable('g', (t) => {
                t.foreign(['j', 's']).references(['j', 's']).on('b');
              });
            });
            exports.down = async () => {};
            """));
        var finding = Assert.Single(Audit.Run(repo.Root).Of("unexecuted-builder"));
        Assert.Equal((2, "medium", false), (finding.Line, finding.Severity.ToString().ToLowerInvariant(), finding.Blocking));
        Assert.Contains($"Had it run, it would fail at this point (line 3: {Refusal})", finding.Message, StringComparison.Ordinal);
        Assert.StartsWith("Remove the dead builder at line 2; do not add await", finding.Action, StringComparison.Ordinal);
    }

    /// <summary>knex's own migrate.latest() on a new database: "ok", or the error's code and message.</summary>
    private Task<string> LatestAsync(TempRepo repo) => LiveDatabase.KnexLatestOutcomeAsync(server.Postgres!, repo, "fk_target");
}
