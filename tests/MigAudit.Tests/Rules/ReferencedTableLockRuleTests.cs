using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Rules;

/// <summary>
/// A foreign key that comes with a new table (createTable's references()) takes SHARE ROW EXCLUSIVE on the table it
/// references (pg_locks on PostgreSQL 15: VerifyReferencedLockTests): missing-lock-timeout and lock-held-across-batch
/// count that lock when the referenced table is live.
/// </summary>
public sealed class ReferencedTableLockRuleTests
{
    private const string Users = """
        exports.up = (knex) => knex.schema.createTable('users', (t) => { t.increments('id'); });
        exports.down = (knex) => knex.schema.dropTable('users');
        """;

    private const string Posts = """
        exports.up = (knex) => knex.schema.createTable('posts', (t) => {
          t.increments('id');
          t.integer('user_id').references('users.id');
        });
        exports.down = (knex) => knex.schema.dropTable('posts');
        """;

    private const string Tags = """
        exports.up = (knex) => knex.schema.createTable('tags', (t) => { t.increments('id'); });
        exports.down = (knex) => knex.schema.dropTable('tags');
        """;

    [Fact]
    public void Missing_lock_timeout_counts_a_new_tables_foreign_key_on_a_live_table()
    {
        using var repo = Audit.Project(("20250101000000_users.js", Users), ("20250102000000_posts.js", Posts));

        var finding = Assert.Single(Audit.Run(repo.Root).Of("missing-lock-timeout"));

        Assert.StartsWith("1 migration locks tables that existed before it (first: 20250102000000_posts.js takes a SHARE ROW EXCLUSIVE lock on users (foreign key posts_user_id_foreign of new table posts references it: writes to it wait, reads do not), line 3), and neither", finding.Message);
        Assert.Equal(["migrations/20250102000000_posts.js"], finding.Related);
    }

    [Fact]
    public void A_foreign_key_to_a_table_the_same_migration_creates_locks_nothing_live()
    {
        using var together = Audit.Project(("20250101000000_both.js", """
            exports.up = async (knex) => {
              await knex.schema.createTable('users', (t) => { t.increments('id'); });
              await knex.schema.createTable('posts', (t) => { t.increments('id'); t.integer('user_id').references('users.id'); });
            };
            exports.down = async (knex) => {
              await knex.schema.dropTable('posts');
              await knex.schema.dropTable('users');
            };
            """));

        Assert.Empty(Audit.Run(together.Root).Of("missing-lock-timeout"));
    }

    [Fact]
    public void Lock_held_across_batch_counts_the_referenced_live_table_and_not_one_the_batch_creates()
    {
        using var repo = UsersReleased();
        repo.Write("migrations/20250102000000_posts.js", Posts);
        repo.Write("migrations/20250103000000_tags.js", Tags);
        repo.Write("migrations/20250104000000_tag_posts.js", """
            exports.up = (knex) => knex.schema.createTable('post_tags', (t) => {
              t.integer('post_id').references('posts.id');
              t.integer('tag_id').references('tags.id');
            });
            exports.down = (knex) => knex.schema.dropTable('post_tags');
            """);
        repo.Commit("pending migrations");

        var result = Audit.Run(repo.Root);
        var finding = Assert.Single(result.Of("lock-held-across-batch"));

        Assert.Equal(("migrations/20250102000000_posts.js", 3, "users", Severity.Medium), (finding.File!, finding.Line!.Value, finding.Key, finding.Severity));
        Assert.StartsWith("20250102000000_posts.js takes a SHARE ROW EXCLUSIVE lock on users (foreign key posts_user_id_foreign of new table posts references it: writes to it wait, reads do not) (line 3), and it is one of 3 pending migrations since release v1.0.0", finding.Message);
        // posts and tags are created by the batch: the application cannot see them until it commits.
        var batch = BatchLocks.Of(result.Input);
        Assert.Equal(["users SHARE ROW EXCLUSIVE"], batch.Tables.Select(t => $"{t.Table} {t.Mode}"));
    }

    [Fact]
    public void A_later_lock_the_batch_already_holds_as_strongly_is_not_reported_again_and_a_stronger_one_is()
    {
        using var repo = UsersReleased();

        // posts and comments each reference the live users table (SHARE ROW EXCLUSIVE): from posts on, the batch holds
        // that lock until it commits, so comments' adds nothing. The column added to users takes ACCESS EXCLUSIVE, which
        // stops reads too: that is new, and reported.
        repo.Write("migrations/20250102000000_posts.js", Posts);
        repo.Write("migrations/20250103000000_comments.js", """
            exports.up = (knex) => knex.schema.createTable('comments', (t) => {
              t.increments('id');
              t.integer('user_id').references('users.id');
            });
            exports.down = (knex) => knex.schema.dropTable('comments');
            """);
        repo.Write("migrations/20250104000000_user_nick.js", """
            exports.up = (knex) => knex.schema.alterTable('users', (t) => { t.text('nick'); });
            exports.down = (knex) => knex.schema.alterTable('users', (t) => { t.dropColumn('nick'); });
            """);
        repo.Write("migrations/20250105000000_more_comments.js", """
            exports.up = (knex) => knex.schema.createTable('replies', (t) => {
              t.increments('id');
              t.integer('user_id').references('users.id');
            });
            exports.down = (knex) => knex.schema.dropTable('replies');
            """);
        repo.Write("migrations/20250106000000_tags.js", Tags);
        repo.Commit("pending migrations");

        var findings = Audit.Run(repo.Root).Of("lock-held-across-batch");

        Assert.Equal(
            [("migrations/20250102000000_posts.js", "users"), ("migrations/20250104000000_user_nick.js", "users")],
            findings.Select(f => (f.File!, f.Key!)));
        Assert.StartsWith("20250104000000_user_nick.js takes an ACCESS EXCLUSIVE lock on users", findings[1].Message);
    }

    /// <summary>A repository whose release v1.0.0 created users: what follows is the pending batch, users a live table.</summary>
    private static TempRepo UsersReleased()
    {
        var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Write("migrations/20250101000000_users.js", Users);
        repo.Commit("first release");
        repo.Git("tag", "v1.0.0");
        return repo;
    }
}
