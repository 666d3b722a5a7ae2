using MigAudit.Live;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Live;

/// <summary>
/// verify's driver reads again, after each step, only the tables whose catalog rows the step changed. On a chain
/// written to change the catalog in every way that can alter another table's text or hide a change (the
/// verify-snapshots fixture), every step's snapshot must be exactly the one a full read gives, up and down, with
/// migrate:latest's single transaction and with one transaction per migration. Real knex, real PostgreSQL.
/// </summary>
public sealed class IncrementalSnapshotTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reading_only_what_each_step_changed_gives_every_snapshot_a_full_read_gives(bool oneMigrationWithoutTransaction)
    {
        Requires.PostgresAndKnex();
        using var repo = new TempRepo();
        repo.CopyFixture("verify-snapshots");
        if (oneMigrationWithoutTransaction)
        {
            // Knex then runs every migration of the batch in a transaction of its own.
            repo.Write("migrations/20250101000000_no_transaction.js", """
                exports.config = { transaction: false };
                exports.up = (knex) => knex.raw('CREATE TABLE early (id int)');
                exports.down = (knex) => knex.raw('DROP TABLE early');
                """);
        }

        NodeKnex.LinkInto(repo);
        var (incrementalUp, incrementalDown) = await ChainsAsync(repo, fullSnapshots: false);
        var (fullUp, fullDown) = await ChainsAsync(repo, fullSnapshots: true);

        var count = oneMigrationWithoutTransaction ? 26 : 25;
        foreach (var (incremental, full) in new[] { (incrementalUp, fullUp), (incrementalDown, fullDown) })
        {
            Assert.True(incremental.Ok, incremental.Failed?.Error ?? incremental.Error);
            Assert.True(full.Ok, full.Failed?.Error ?? full.Error);
            Assert.Equal(count, incremental.Steps.Count);
            Assert.Equal(count, full.Steps.Count);
            for (var i = 0; i < count; i++)
            {
                Assert.Equal(full.Steps[i].Name, incremental.Steps[i].Name);
                Assert.True(Render(full.Steps[i].Snapshot) == Render(incremental.Steps[i].Snapshot), $"after {incremental.Steps[i].Name}:\nfull:\n{Render(full.Steps[i].Snapshot)}\nincremental:\n{Render(incremental.Steps[i].Snapshot)}");
            }

            Assert.All(full.Steps, step => Assert.True(step.WholeSnapshot));
        }

        // Table by table where nothing forced a full read: the column added, the referenced column and table
        // renamed, the indexes, the foreign key and the column changes, before the enum type (and, after a first
        // migration read whole because it ran without a transaction, the first tables too).
        string[] tableByTable = ["add_col", "rename_referenced_column", "rename_table", "indexes", "index_created", "index_dropped_alone", "drop_fk", "columns"];
        var expected = oneMigrationWithoutTransaction ? ["users", .. tableByTable] : tableByTable;
        Assert.Equal(expected, incrementalUp.Steps.Where(s => !s.WholeSnapshot).Select(s => s.Name[15..^3]).Take(expected.Length));
        Assert.Contains(incrementalDown.Steps, step => !step.WholeSnapshot);
    }

    private async Task<(ChainReply Up, ChainReply Down)> ChainsAsync(TempRepo repo, bool fullSnapshots)
    {
        var (driver, _) = await LiveDatabase.DriverOnNewDatabaseAsync(server.Postgres!, repo, "snapshots");
        using (driver)
        {
            var up = driver.SendChain("up", "knex_migrations", TimeSpan.FromMinutes(2), fullSnapshots: fullSnapshots);
            var down = driver.SendChain("down", "knex_migrations", TimeSpan.FromMinutes(2), fullSnapshots: fullSnapshots);
            return (up, down);
        }
    }

    private static string Render(SchemaSnapshot snapshot) => string.Join('\n', snapshot.Tables.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t =>
        $"{t.Key}: {string.Join(", ", t.Value.Columns)} | {string.Join(", ", t.Value.Indexes)} | {string.Join(", ", t.Value.Constraints)}"));
}
