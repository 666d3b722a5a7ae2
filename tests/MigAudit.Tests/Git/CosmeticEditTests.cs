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
        Assert.Single(result.Of("edited-migration"));
        Assert.Empty(result.Input.CosmeticEdits);
    }
}
