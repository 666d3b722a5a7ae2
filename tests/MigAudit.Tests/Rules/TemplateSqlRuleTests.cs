using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Rules;

/// <summary>
/// Raw SQL written as a template whose interpolation is one of known alternatives (kutt's 20241223062111_indexes.js:
/// <c>const ifNotExists = isMySQL ? "" : "IF NOT EXISTS"</c>, then <c>knex.raw(`CREATE INDEX ${ifNotExists} ...`)</c>):
/// each text is read as a branch, so the lock rules see the statement; an interpolation with no known value is not.
/// </summary>
public sealed class TemplateSqlRuleTests
{
    private const string Links = """
        exports.up = (knex) => knex.schema.createTable('links', (t) => { t.increments('id'); t.integer('user_id'); t.string('address'); });
        exports.down = (knex) => knex.schema.dropTable('links');
        """;

    [Fact]
    public void Create_index_in_a_template_with_a_conditional_interpolation_is_found_on_each_statement()
    {
        using var repo = Audit.Project(("20250101000000_links.js", Links), ("20250102000000_indexes.js", """
            const isMySQL = process.env.DB_CLIENT === 'mysql' || process.env.DB_CLIENT === 'mysql2';

            exports.up = async function (knex) {
              const ifNotExists = isMySQL ? '' : 'IF NOT EXISTS';
              await Promise.all([
                knex.raw(`CREATE INDEX ${ifNotExists} links_user_id_index ON links (user_id);`),
                knex.raw(`CREATE INDEX ${ifNotExists} links_address_index ON links (address);`),
              ]);
            };

            exports.down = async function (knex) {
              await knex.raw('DROP INDEX links_user_id_index');
              await knex.raw('DROP INDEX links_address_index');
            };
            """));

        var result = Audit.Run(repo.Root);
        var findings = result.Of("create-index-not-concurrently");

        Assert.Equal([(6, "links/links_user_id_index"), (7, "links/links_address_index")], findings.Select(f => (f.Line!.Value, f.Key)));
        Assert.All(findings, f => Assert.Equal((Severity.Medium, false), (f.Severity, f.Blocking)));
        // Both texts make the same index: the replay knows it, and records its lock once.
        Assert.Equal(["links_address_index", "links_user_id_index"], result.Input.Schema.Schema.Tables["links"].Indexes.Select(i => i.Name).Order(StringComparer.Ordinal));
        Assert.Equal(2, result.Input.Schema.Migrations.Single(m => m.Migration == "20250102000000_indexes.js").Operations.Count(o => o.Kind == LockOperationKind.CreateIndex));
        Assert.True(result.Input.Schema.Migrations.Single(m => m.Migration == "20250102000000_indexes.js").Up.Complete);
    }

    [Fact]
    public void A_template_whose_interpolation_has_no_known_value_stays_unread_and_says_so()
    {
        using var repo = Audit.Project(("20250101000000_links.js", Links), ("20250102000000_indexes.js", """
            function options() { return process.env.INDEX_OPTIONS; }

            exports.up = (knex) => knex.raw(`CREATE INDEX ${options()} links_user_id_index ON links (user_id)`);
            exports.down = (knex) => knex.raw('DROP INDEX links_user_id_index');
            """));

        var result = Audit.Run(repo.Root);

        // ${options()} may be CONCURRENTLY, or a name: the lock is not claimed, and the table's indexes become unknown.
        Assert.Empty(result.Of("create-index-not-concurrently"));
        var replay = result.Input.Schema.Migrations.Single(m => m.Migration == "20250102000000_indexes.js");
        Assert.False(replay.Up.Complete);
        Assert.Contains(replay.Up.Gaps, g => g.Reason.StartsWith("SQL text not statically known", StringComparison.Ordinal));
    }

    [Fact]
    public void Alternatives_that_differ_in_concurrently_are_both_recorded()
    {
        using var repo = Audit.Project(("20250101000000_links.js", Links), ("20250102000000_indexes.js", """
            exports.config = { transaction: false };
            exports.up = (knex) => {
              const concurrently = process.env.SMALL_TABLES ? '' : 'CONCURRENTLY';
              return knex.raw(`CREATE INDEX ${concurrently} links_user_id_index ON links (user_id)`);
            };
            exports.down = (knex) => knex.raw('DROP INDEX links_user_id_index');
            """));

        var result = Audit.Run(repo.Root);

        var operations = result.Input.Schema.Migrations.Single(m => m.Migration == "20250102000000_indexes.js").Operations;
        Assert.Equal([false, true], operations.Where(o => o.Kind == LockOperationKind.CreateIndex).Select(o => o.Concurrently));
        Assert.Single(result.Of("create-index-not-concurrently"));
    }
}
