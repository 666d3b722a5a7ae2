using System.Text.Json.Nodes;
using MigAudit.Core;
using MigAudit.Reporting;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Reporting;

/// <summary>
/// The pending batch's locks: which pending migration locks which live table, for how long as knex migrate:latest runs
/// the batch, and what row work runs meanwhile. A release tag splits shipped from pending.
/// </summary>
public sealed class BatchLocksTests
{
    private const string CreateUsersAndOrders = """
        exports.up = async function (knex) {
          await knex.schema.createTable('users', (t) => { t.increments('id'); t.string('email'); });
          await knex.schema.createTable('orders', (t) => { t.increments('id'); t.integer('user_id'); });
        };
        exports.down = async function (knex) {
          await knex.schema.dropTable('orders');
          await knex.schema.dropTable('users');
        };
        """;

    private const string IndexUsersEmail = """
        exports.up = function (knex) {
          return knex.schema.alterTable('users', (t) => {
            t.index('email');
          });
        };
        exports.down = function (knex) {
          return knex.schema.alterTable('users', (t) => { t.dropIndex('email'); });
        };
        """;

    private static string AddOrderToken(bool ownTransaction) => $$"""
        exports.up = function (knex) {
          return knex.schema.alterTable('orders', (t) => {
            t.uuid('token').defaultTo(knex.raw('gen_random_uuid()'));
          });
        };
        exports.down = function (knex) {
          return knex.schema.alterTable('orders', (t) => { t.dropColumn('token'); });
        };
        {{(ownTransaction ? "exports.config = { transaction: false };\n" : string.Empty)}}
        """;

    private const string CreateInvoices = """
        exports.up = function (knex) {
          return knex.schema.createTable('invoices', (t) => {
            t.increments('id');
            t.integer('user_id').references('id').inTable('users');
          });
        };
        exports.down = function (knex) {
          return knex.schema.dropTable('invoices');
        };
        """;

    private static TempRepo Released(bool tokenOwnTransaction)
    {
        var repo = Audit.Project(("20250101000000_create_users.js", CreateUsersAndOrders));
        repo.Git("tag", "v1.0.0");
        repo.Write("migrations/20250201000000_index_email.js", IndexUsersEmail)
            .Write("migrations/20250202000000_order_token.js", AddOrderToken(tokenOwnTransaction))
            .Write("migrations/20250203000000_create_invoices.js", CreateInvoices)
            .Commit("pending");
        return repo;
    }

    [Fact]
    public void One_batch_transaction_holds_each_lock_to_the_end_with_the_work_after_it()
    {
        using var repo = Released(tokenOwnTransaction: false);
        var batch = BatchLocks.Of(Audit.Run(repo.Root).Input);

        Assert.Equal(["20250201000000_index_email.js", "20250202000000_order_token.js", "20250203000000_create_invoices.js"], batch.Pending);
        Assert.Equal(LockRelease.Batch, batch.Release);

        // The rewrite of orders runs while users is locked; the new table's index and key are work on an empty table.
        Assert.Equal([("20250201000000_index_email.js", "users", RowWork.Build), ("20250202000000_order_token.js", "orders", RowWork.Rewrite)],
            batch.Work.Select(w => (w.Migration, w.Table!, w.Work)));
        var locks = batch.Migrations.Select(m => (m.Migration, m.Longest!.Table, m.Longest.Mode, m.Longest.MigrationsHeld, m.Longest.WorkFrom, m.Longest.WorkTo, m.Longest.ReleasedAfter)).ToList();
        Assert.Equal(
            [
                ("20250201000000_index_email.js", "users", "SHARE", 3, 0, 2, "20250203000000_create_invoices.js"),
                ("20250202000000_order_token.js", "orders", "ACCESS EXCLUSIVE", 2, 1, 2, "20250203000000_create_invoices.js"),
                ("20250203000000_create_invoices.js", "users", "SHARE ROW EXCLUSIVE", 1, 2, 2, "20250203000000_create_invoices.js"),
            ],
            locks);
        Assert.Equal([("users", "SHARE ROW EXCLUSIVE", 2, 3), ("orders", "ACCESS EXCLUSIVE", 1, 2)],
            batch.Tables.Select(t => (t.Table, t.Mode, t.WorkCount, t.MigrationsHeld)));

        var json = JsonNode.Parse(JsonReport.Render(Audit.Run(repo.Root), "test"))!["batchLocks"]!;
        Assert.Equal("batch", (string?)json["release"]);
        var first = json["migrations"]![0]!["longest"]!;
        Assert.Equal("users", (string?)first["table"]);
        Assert.Equal(3, (int)first["line"]!);
        Assert.Equal(1, (int)first["workWhileHeld"]!["rewrite"]!);
        Assert.Equal(1, (int)first["workWhileHeld"]!["build"]!);
    }

    [Fact]
    public void A_migration_without_a_transaction_gives_each_its_own_and_its_statements_release_at_once()
    {
        using var repo = Released(tokenOwnTransaction: true);
        var audit = Audit.Run(repo.Root);
        var batch = BatchLocks.Of(audit.Input);

        Assert.Equal(LockRelease.Migration, batch.Release);
        var locks = batch.Migrations.Select(m => (m.Migration, m.Longest!.Release, m.Longest.MigrationsHeld, m.Longest.WorkCount)).ToList();
        Assert.Equal(
            [
                ("20250201000000_index_email.js", LockRelease.Migration, 1, 1),
                ("20250202000000_order_token.js", LockRelease.Statement, 1, 1),
                ("20250203000000_create_invoices.js", LockRelease.Migration, 1, 0),
            ],
            locks);
        Assert.Equal([("orders", 1, 1), ("users", 1, 2)], batch.Tables.Select(t => (t.Table, t.WorkCount, t.MigrationsHeld)));

        var writer = new StringWriter();
        TextReport.Write(audit, new ReportConsole(writer, colour: false));
        var text = writer.ToString();
        Assert.Contains("Pending batch: 3 pending migrations; each runs in its own transaction (one of them sets transaction: false), so a lock ends with its migration.", text);
        Assert.Contains("- 20250202000000_order_token.js: ACCESS EXCLUSIVE on orders (line 3) for the statement only (no transaction); while held: 1 rewrite", text);
    }

    [Fact]
    public void Without_a_release_tag_committed_migrations_are_not_called_pending()
    {
        using var repo = Audit.Project(("20250101000000_create_users.js", CreateUsersAndOrders), ("20250201000000_index_email.js", IndexUsersEmail));
        var batch = BatchLocks.Of(Audit.Run(repo.Root).Input);

        Assert.Empty(batch.Pending);
        Assert.Empty(batch.Migrations);
        Assert.Equal("no release tag and no list of the names production recorded (--applied) say which migrations are pending", batch.PendingUnknown);
    }
}
