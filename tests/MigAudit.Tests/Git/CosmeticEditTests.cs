using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Git;

/// <summary>An edit after a migration's first commit matters only when it changes the code Knex runs.</summary>
public sealed class CosmeticEditTests
{
    private const string Original = """
        exports.up = function(knex) {
          return knex.schema.createTable('users', function(t) {
            t.increments('id'); t.string("name").comment("Zoë's name")
          })
        }
        exports.down = function(knex) { return knex.schema.dropTable('users') }
        """;

    private const string Formatted = """
        // Reformatted by Prettier: quotes, semicolons, trailing commas, line breaks, a comment.
        exports.up = function (knex) {
          return knex.schema.createTable('users', function (t) {
            t.increments('id');
            t.string('name').comment('Zoë\'s name');
          });
        };
        exports.down = function (knex) {
          return knex.schema.dropTable('users');
        };
        """;

    [Fact]
    public void A_formatting_only_edit_is_no_finding_and_is_listed()
    {
        using var repo = Audit.Project(("20250101000000_users.js", Original));
        repo.Write("migrations/20250101000000_users.js", Formatted);
        repo.Commit("prettier");

        var result = Audit.Run(repo.Root);
        Assert.Single(result.Migration("20250101000000_users.js").Git.EditedIn);
        Assert.Empty(result.Of("edited-migration"));
        Assert.Equal(["migrations/20250101000000_users.js"], result.Input.CosmeticEdits);
    }

    [Fact]
    public void An_edit_that_changes_the_code_is_still_reported()
    {
        using var repo = Audit.Project(("20250101000000_users.js", Original));
        repo.Write("migrations/20250101000000_users.js", Formatted.Replace("t.increments('id');", "t.increments('id');\n    t.string('email');", StringComparison.Ordinal));
        repo.Commit("add email to an applied migration");

        var result = Audit.Run(repo.Root);
        var edited = Assert.Single(result.Of("edited-migration"));
        Assert.EndsWith("The edit changes the schema Knex builds: after the up + column users.email varchar(255).", edited.Message);
        Assert.Equal(EditKind.SchemaChanging, result.Input.Edits["migrations/20250101000000_users.js"].Kind);
        Assert.Empty(result.Input.CosmeticEdits);
    }

    [Fact]
    public void Other_code_that_builds_the_same_schema_is_no_finding_and_is_listed_as_same_schema()
    {
        // function -> arrow function, CommonJS -> ESM, builder spellings that compile to the same columns.
        using var repo = Audit.Project(("20250101000000_users.js", Original));
        repo.Write("migrations/20250101000000_users.js", """
            export const up = async (knex) => {
              await knex.schema.createTable('users', (table) => {
                table.increments('id');
                table.string('name', 255).comment("Zoë's name");
              });
            };

            export async function down(knex) {
              await knex.schema.dropTableIfExists('users');
            }
            """);
        repo.Commit("to ESM");

        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Of("edited-migration"));
        Assert.Equal(EditKind.SameSchema, result.Input.Edits["migrations/20250101000000_users.js"].Kind);
        Assert.Equal(["migrations/20250101000000_users.js"], result.Input.CosmeticEdits);
        Assert.Equal(1, result.Statistics.CosmeticEdits);
    }

    [Fact]
    public void An_edit_of_the_down_alone_is_a_low_finding_about_rollbacks()
    {
        using var repo = Audit.Project(("20250101000000_users.js", Original));
        repo.Write("migrations/20250101000000_users.js", Formatted.Replace("return knex.schema.dropTable('users');", "return knex.schema.table('users', (t) => { t.dropColumn('name'); });", StringComparison.Ordinal));
        repo.Commit("a down that keeps the table");

        var result = Audit.Run(repo.Root);
        var edited = Assert.Single(result.Of("edited-migration"));
        Assert.Equal(Severity.Low, edited.Severity);
        Assert.Contains("Its up builds the same schema as the first version, so databases agree; only the down changed, which is what a rollback does: after the down - dropped users; after the down + column users.id serial not null; after the down + primary key users (id); after the down + table users.", edited.Message);
    }

    [Fact]
    public void An_edit_the_replay_cannot_follow_is_reported_as_unknown_with_its_line()
    {
        using var repo = Audit.Project(("20250101000000_users.js", Original));
        repo.Write("migrations/20250101000000_users.js", Formatted.Replace("return knex.schema.createTable('users', function (t) {", "await knex.raw(process.env.EXTRA_SQL);\n  return knex.schema.createTable('users', function (t) {", StringComparison.Ordinal).Replace("exports.up = function (knex)", "exports.up = async function (knex)", StringComparison.Ordinal));
        repo.Commit("run extra SQL from the environment");

        var result = Audit.Run(repo.Root);
        var edited = Assert.Single(result.Of("edited-migration"));
        Assert.Contains("Whether the edit changes the schema is unknown: the current version's up is not fully understood (line 3: ", edited.Message);
        Assert.Equal(EditKind.Unknown, result.Input.Edits["migrations/20250101000000_users.js"].Kind);
    }

    [Fact]
    public void One_formatting_commit_over_every_migration_is_no_finding_and_lists_them_all()
    {
        string[] tables = ["users", "teams", "projects"];
        using var repo = Audit.Project([.. tables.Select((t, i) => ($"2025010{i + 1}000000_{t}.js", Original.Replace("users", t, StringComparison.Ordinal)))]);
        foreach (var (table, i) in tables.Select((t, i) => (t, i)))
        {
            repo.Write($"migrations/2025010{i + 1}000000_{table}.js", Formatted.Replace("users", table, StringComparison.Ordinal));
        }

        repo.Commit("prettier --write migrations");

        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Of("edited-migration"));
        Assert.Equal(3, result.Statistics.CosmeticEdits);
        Assert.All(result.Input.Edits.Values, e => Assert.Equal(EditKind.Cosmetic, e.Kind));
        Assert.Equal(3, result.Input.Edits.Count);
    }

    [Fact]
    public void A_name_two_rename_chains_end_at_is_compared_with_the_latest_chains_first_version()
    {
        // 001.js -> 001.ts, back to 001.js, then 001.ts again with an edit: two renames end at 001.ts (once this made
        // the audit stop with an internal error).
        using var repo = Audit.Project(("001_users.js", Original));
        repo.Move("migrations/001_users.js", "migrations/001_users.ts").Commit("to ts");
        repo.Move("migrations/001_users.ts", "migrations/001_users.js").Commit("back to js");
        repo.Move("migrations/001_users.js", "migrations/001_users.ts").Commit("to ts again");
        repo.Write("migrations/001_users.ts", Formatted).Commit("prettier");

        var result = Audit.Run(repo.Root);

        Assert.Equal(["001_users.ts"], result.Input.Migrations.Select(m => m.Name));
        Assert.Empty(result.Of("edited-migration"));
    }
}
