using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Knex;

/// <summary>A migration only migaudit's own reader cannot parse is unread, not "knex fails": an unknown, and no rule claims anything from it.</summary>
public sealed class UnreadMigrationTests
{
    [Fact]
    public void A_typescript_migration_migaudit_cannot_read_is_an_unknown_and_later_migrations_are_not_blamed_for_its_tables()
    {
        using var repo = Audit.Project();
        repo.Write("migrations/20240101120000_create_users.ts", """
            import { Knex } from "knex";
            namespace Kind { export const { admin } = { admin: "admin" }; }
            export async function up(knex: Knex): Promise<void> {
              await knex.schema.createTable("users", (t) => { t.increments("id"); t.string("kind"); });
            }
            export async function down(knex: Knex): Promise<void> {
              await knex.schema.dropTable("users");
            }
            """);
        repo.Write("migrations/20240102120000_add_email.ts", """
            import { Knex } from "knex";
            export async function up(knex: Knex): Promise<void> {
              await knex.schema.alterTable("users", (t) => { t.string("email"); });
            }
            export async function down(knex: Knex): Promise<void> {
              await knex.schema.alterTable("users", (t) => { t.dropColumn("email"); });
            }
            """);
        repo.Commit();

        var result = Audit.Run(repo.Root);
        const string reason = "migaudit could not read 20240101120000_create_users.ts (line 2, column 31): migaudit does not rewrite an exported destructuring declaration in a namespace, found '{' (migaudit could not read this TypeScript); what it runs, and whether Knex loads it, is unknown";
        Assert.Equal([new ReadinessUnknown(reason, "migrations/20240101120000_create_users.ts", 2)], result.Unknowns);
        var finding = Assert.Single(result.Of("unparseable-migration"));
        Assert.Equal((false, Severity.Medium, false), (finding.Blocking, finding.Severity, finding.PredictsKnexFailure));
        Assert.Equal(reason + ". Its up/down and database use are not audited, and this audit cannot say the project is ready.", finding.Message);

        // What the unread file may have created is unknown: the later alterTable is not "a table created outside".
        Assert.Empty(result.Of("table-created-outside"));
        Assert.Empty(result.Of("chain-error"));
        Assert.Equal(("unknown", false), (result.Verdict, result.Ready));
    }

    [Fact]
    public void A_javascript_syntax_error_is_still_blocking_because_knex_fails_too()
    {
        using var repo = Audit.Project(("20240101120000_create_users.js", "exports.up = function (knex) {\n  return knex.schema.createTable('users', (t) => {\n};\n"));
        var result = Audit.Run(repo.Root);
        var finding = Assert.Single(result.Of("unparseable-migration"));
        Assert.True(finding.Blocking);
        Assert.True(finding.PredictsKnexFailure);
        Assert.Empty(result.Unknowns);
        Assert.Equal("not-ready", result.Verdict);
    }
}
