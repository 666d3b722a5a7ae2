using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Git;

/// <summary>
/// An edit of a shipped migration is cosmetic when both versions send the same statements (issue #29, item 6): lint
/// renames, Prettier, Knex aliases, re-indented SQL and moved helpers are no finding; a guard added is a fix to keep;
/// a real schema change is still reported with the advice to revert. Each case is a small project with a release tag.
/// </summary>
public sealed class EditStatementsTests
{
    private const string Path = "migrations/20240301120000_create_accounts.js";
    private const string Name = "20240301120000_create_accounts.js";

    private const string Accounts = """
        const { auditColumns } = require('../lib/columns');

        exports.up = function(knex) {
          return knex.schema.createTable("accounts", t => {
            t.increments("id")
            t.string("email").notNull()
            t.string("display_name").default("")
            auditColumns(knex, t)
          })
        }

        exports.down = function(knex) {
          return knex.schema.dropTable("accounts")
        }
        """;

    private const string Columns = """
        // Shared by the migrations: who created a row and when.
        exports.auditColumns = (knex, t) => {
          t.timestamp('created_at').notNullable().defaultTo(knex.fn.now());
          t.string('created_by');
        };
        """;

    /// <summary>A service with a package.json, a helper module, the accounts migration, released as v1.0.0.</summary>
    private static TempRepo Shipped(string migration = Accounts)
    {
        var repo = new TempRepo();
        repo.Write("package.json", """{ "name": "accounts-service", "scripts": { "migrate": "knex migrate:latest" }, "dependencies": { "knex": "^3.1.0", "pg": "^8.11.0" } }""");
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Write("lib/columns.js", Columns);
        repo.Write(Path, migration);
        repo.Commit("accounts table");
        repo.Git("tag", "v1.0.0");
        return repo;
    }

    private static EditClass Edit(AuditResult result) => result.Input.Edits[Path];

    [Fact]
    public void A_lint_commit_that_names_the_functions_is_cosmetic()
    {
        using var repo = Shipped();
        repo.Write(Path, Accounts.Replace("exports.up = function(knex)", "exports.up = function up(knex)", StringComparison.Ordinal)
            .Replace("exports.down = function(knex)", "exports.down = function down(knex)", StringComparison.Ordinal));
        repo.Commit("lint: func-names");

        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Of("edited-migration"));
        Assert.Equal(EditKind.Cosmetic, Edit(result).Kind);
        Assert.Equal("the same code once comments, whitespace, punctuation style, unused function expression names and the layout of raw SQL are set aside", Edit(result).Detail);
        Assert.Equal([Path], result.Input.CosmeticEdits);
    }

    [Fact]
    public void A_function_name_the_body_uses_is_not_set_aside()
    {
        // Inside "function up", up is the function itself, not the outer binding: not the same tokens; the replay finds the same statements.
        using var repo = Shipped(Accounts.Replace("auditColumns(knex, t)", "auditColumns(knex, t, typeof up)", StringComparison.Ordinal));
        repo.Write(Path, Accounts.Replace("auditColumns(knex, t)", "auditColumns(knex, t, typeof up)", StringComparison.Ordinal)
            .Replace("exports.up = function(knex)", "exports.up = function up(knex)", StringComparison.Ordinal));
        repo.Commit("lint: func-names");

        var result = Audit.Run(repo.Root);
        Assert.Equal("other code, but the same statements once replayed, in the up and in the down (Knex's aliases such as default/defaultTo compile to the same SQL)", Edit(result).Detail);
    }

    [Fact]
    public void Prettier_reformatting_with_arrow_parentheses_is_cosmetic()
    {
        using var repo = Shipped();
        repo.Write(Path, """
            const { auditColumns } = require('../lib/columns');

            exports.up = function (knex) {
              return knex.schema.createTable('accounts', (t) => {
                t.increments('id');
                t.string('email').notNull();
                t.string('display_name').default('');
                auditColumns(knex, t);
              });
            };

            exports.down = function (knex) {
              return knex.schema.dropTable('accounts');
            };
            """);
        repo.Commit("chore: prettier --write .");

        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Of("edited-migration"));
        Assert.Equal(EditKind.Cosmetic, Edit(result).Kind);
        Assert.Equal("the same code once comments, whitespace, punctuation style, unused function expression names and the layout of raw SQL are set aside", Edit(result).Detail);
    }

    [Fact]
    public void Knex_aliases_that_compile_to_the_same_sql_are_the_same_statements()
    {
        using var repo = Shipped();
        repo.Write(Path, Accounts.Replace(".default(\"\")", ".defaultTo(\"\")", StringComparison.Ordinal).Replace(".notNull()", ".notNullable()", StringComparison.Ordinal));
        repo.Commit("use defaultTo and notNullable");

        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Of("edited-migration"));
        Assert.Equal(EditKind.Cosmetic, Edit(result).Kind);
        Assert.Equal("other code, but the same statements once replayed, in the up and in the down (Knex's aliases such as default/defaultTo compile to the same SQL)", Edit(result).Detail);
        var accounts = result.Input.Schema.Schema.Table("accounts")!;
        Assert.Equal("''", accounts.Column("display_name")!.Default);
        Assert.False(accounts.Column("email")!.Nullable);
    }

    [SkippableFact]
    public void Real_knex_compiles_each_alias_to_the_same_sql_and_the_replay_reads_them_alike()
    {
        Requires.Dependency(NodeKnex.Available, "real knex in tests/node (npm ci there)");
        string[] pairs = [
            "t.string('a').default('')|t.string('a').defaultTo('')",
            "t.string('a').defaultsTo('x')|t.string('a').defaultTo('x')",
            "t.string('a').notNull()|t.string('a').notNullable()",
            "t.string('a').nullable(false)|t.string('a').notNullable()",
        ];
        var printed = NodeKnex.WithKnex($$"""
            const pairs = {{System.Text.Json.JsonSerializer.Serialize(pairs)}};
            const sql = (body) => knex.schema.createTable('accounts', new Function('t', body)).toString();
            for (const pair of pairs) {
              const [alias, canonical] = pair.split('|');
              console.log(sql(alias) === sql(canonical) ? 'same: ' + sql(canonical) : 'different: ' + sql(alias) + ' / ' + sql(canonical));
            }
            """);
        Assert.Equal(
            [
                "same: create table \"accounts\" (\"a\" varchar(255) default '')",
                "same: create table \"accounts\" (\"a\" varchar(255) default 'x')",
                "same: create table \"accounts\" (\"a\" varchar(255) not null)",
                "same: create table \"accounts\" (\"a\" varchar(255) not null)",
            ],
            printed.Trim().Split('\n'));

        foreach (var pair in pairs)
        {
            var bodies = pair.Split('|');
            Assert.Equal(ReplayedColumn(bodies[1]), ReplayedColumn(bodies[0]));
        }
    }

    private static string ReplayedColumn(string body)
    {
        using var repo = Audit.Project(("20250101000000_a.js", $"exports.up = (knex) => knex.schema.createTable('accounts', (t) => {{ {body}; }});\nexports.down = (knex) => knex.schema.dropTable('accounts');\n"));
        var column = Audit.Run(repo.Root).Input.Schema.Schema.Table("accounts")!.Column("a")!;
        return $"{column.Type} nullable={column.Nullable} default={column.Default}";
    }

    private const string RawFirst = """
        exports.up = async function(knex) {
          await knex.raw('CREATE TABLE sessions (id bigserial PRIMARY KEY, token text NOT NULL, expires_at timestamptz)')
          await knex.raw("CREATE FUNCTION touch_expiry() RETURNS trigger AS $$ BEGIN NEW.expires_at := now() + interval '1 day'; RETURN NEW; END $$ LANGUAGE plpgsql")
        }
        exports.down = async function(knex) {
          await knex.raw('DROP FUNCTION touch_expiry()')
          await knex.raw('DROP TABLE sessions')
        }
        """;

    [Fact]
    public void Raw_sql_re_indented_with_comments_is_cosmetic()
    {
        const string path = "migrations/20240302090000_sessions.js";
        using var repo = Shipped();
        repo.Write(path, RawFirst).Commit("sessions");
        repo.Git("tag", "v1.1.0");
        repo.Write(path, """
            exports.up = async function (knex) {
              await knex.raw(`
                -- Sessions expire a day after their last use.
                CREATE TABLE sessions (
                  id         bigserial PRIMARY KEY,
                  token      text NOT NULL,   /* hashed */
                  expires_at timestamptz
                )
              `);
              await knex.raw(`
                CREATE FUNCTION touch_expiry() RETURNS trigger AS $$
                BEGIN
                  NEW.expires_at := now() + interval '1 day';
                  RETURN NEW;
                END
                $$ LANGUAGE plpgsql
              `);
            };
            exports.down = async function (knex) {
              await knex.raw('DROP FUNCTION touch_expiry()');
              await knex.raw('DROP TABLE sessions');
            };
            """).Commit("format SQL");

        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Of("edited-migration"));
        Assert.Equal(EditKind.Cosmetic, result.Input.Edits[path].Kind);
        Assert.Equal("the same code once comments, whitespace, punctuation style, unused function expression names and the layout of raw SQL are set aside", result.Input.Edits[path].Detail);
    }

    [Fact]
    public void Sql_whose_text_changed_inside_a_string_literal_is_not_cosmetic()
    {
        const string path = "migrations/20240302090000_sessions.js";
        using var repo = Shipped();
        repo.Write(path, RawFirst).Commit("sessions");
        repo.Write(path, RawFirst.Replace("interval '1 day'", "interval '1  day'", StringComparison.Ordinal)).Commit("two spaces inside a SQL string");

        var result = Audit.Run(repo.Root);
        Assert.NotEqual(EditKind.Cosmetic, result.Input.Edits[path].Kind);
    }

    [Fact]
    public void A_require_path_changed_to_follow_a_moved_helper_is_cosmetic()
    {
        using var repo = Shipped();
        Directory.CreateDirectory(repo.PathOf("db"));
        repo.Git("mv", "lib/columns.js", "db/columns.js");
        repo.Write(Path, Accounts.Replace("require('../lib/columns')", "require('../db/columns.js')", StringComparison.Ordinal));
        repo.Commit("move the migration helpers to db/");

        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Of("edited-migration"));
        Assert.Equal(EditKind.Cosmetic, Edit(result).Kind);
        Assert.Equal("the same code once formatting is set aside, and its changed require paths name modules with the same content", Edit(result).Detail);
    }

    [Fact]
    public void A_require_path_to_a_helper_with_other_content_is_not_cosmetic()
    {
        using var repo = Shipped();
        repo.Write("db/columns.js", Columns.Replace("t.string('created_by');", "t.string('created_by');\n  t.string('updated_by');", StringComparison.Ordinal));
        repo.Write(Path, Accounts.Replace("require('../lib/columns')", "require('../db/columns')", StringComparison.Ordinal));
        repo.Commit("helpers with updated_by");

        var result = Audit.Run(repo.Root);
        var finding = Assert.Single(result.Of("edited-migration"));
        Assert.Equal(EditKind.SchemaChanging, Edit(result).Kind);
        Assert.Equal("after the up + column accounts.updated_by varchar(255)", Edit(result).Detail);
        Assert.StartsWith("Revert the edit to", finding.Action);
    }

    private const string Backfill = """
        exports.up = async function(knex) {
          const rows = await knex('accounts').select('id', 'email')
          await knex('account_emails').insert(rows.map(r => ({ account_id: r.id, email: r.email })))
          await knex.schema.alterTable('accounts', t => { t.dropColumn('email') })
        }
        exports.down = async function(knex) {
          await knex.schema.alterTable('accounts', t => { t.string('email') })
        }
        """;

    [Fact]
    public void An_early_return_against_an_empty_insert_is_a_fix_to_keep_not_to_revert()
    {
        const string path = "migrations/20240305100000_move_account_emails.js";
        using var repo = Shipped();
        repo.Write(path, Backfill).Commit("move emails to account_emails");
        repo.Git("tag", "v1.1.0");
        repo.Write(path, Backfill.Replace("  await knex('account_emails').insert", "  if (!rows.length) return\n  await knex('account_emails').insert", StringComparison.Ordinal))
            .Commit("fix: knex refuses an empty insert on fresh databases");

        var result = Audit.Run(repo.Root);
        var edit = result.Input.Edits[path];
        Assert.True(edit.GuardsOnly);
        Assert.Equal(EditKind.Unknown, edit.Kind);
        var finding = Assert.Single(result.Of("edited-migration"));
        Assert.Equal(Severity.Low, finding.Severity);
        Assert.Equal("Keep the guard in 20240305100000_move_account_emails.js; check that what it skips is not needed on a fresh database", finding.Action);
        Assert.StartsWith("20240305100000_move_account_emails.js edited in 1 commit after it was added in ", finding.Message);
        Assert.EndsWith(". The edit only adds guards (an early return, a hasTable/hasColumn check, IF NOT EXISTS or a Knex ...IfExists/IfNotExists call) to the first version: it is a fix, not something to revert; whether it changes the schema is unknown: the current version leaves table accounts unknown. Release v1.1.0 shipped an earlier version.", finding.Message);
        Assert.DoesNotContain("Revert", finding.Message + finding.Action, StringComparison.Ordinal);
    }

    [Fact]
    public void An_if_around_an_insert_of_possibly_no_rows_is_guards_only_and_no_finding()
    {
        const string path = "migrations/20240305100000_move_account_emails.js";
        using var repo = Shipped();
        repo.Write(path, Backfill).Commit("move emails to account_emails");
        repo.Write(path, Backfill.Replace("  await knex('account_emails').insert(rows.map(r => ({ account_id: r.id, email: r.email })))",
            "  if (rows.length > 0) {\n    await knex('account_emails').insert(rows.map(r => ({ account_id: r.id, email: r.email })))\n  }", StringComparison.Ordinal))
            .Commit("fix: skip the insert when there are no accounts");

        var result = Audit.Run(repo.Root);
        Assert.True(result.Input.Edits[path].GuardsOnly);
        Assert.Equal(EditKind.SameSchema, result.Input.Edits[path].Kind);
        Assert.Empty(result.Of("edited-migration"));
    }

    private const string AsyncAccounts = """
        const { auditColumns } = require('../lib/columns');

        exports.up = async function(knex) {
          await knex.schema.createTable("accounts", t => {
            t.increments("id")
            t.string("email").notNull()
            auditColumns(knex, t)
          })
        }

        exports.down = async function(knex) {
          await knex.schema.dropTable("accounts")
        }
        """;

    private const string GuardedAccounts = """
        const { auditColumns } = require('../lib/columns');

        exports.up = async function(knex) {
          if (!(await knex.schema.hasTable('accounts'))) {
            await knex.schema.createTable("accounts", t => {
              t.increments("id")
              t.string("email").notNull()
              auditColumns(knex, t)
            })
          }
        }

        exports.down = async function(knex) {
          await knex.schema.dropTableIfExists("accounts")
        }
        """;

    [Fact]
    public void A_hasTable_guard_and_dropTableIfExists_are_guards_only_and_no_finding()
    {
        using var repo = Shipped(AsyncAccounts);
        repo.Write(Path, GuardedAccounts).Commit("make the accounts migration rerunnable");

        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Of("edited-migration"));
        Assert.True(Edit(result).GuardsOnly);
        Assert.Equal(EditKind.SameSchema, Edit(result).Kind);
        Assert.Equal("the edit only adds guards; replayed from an empty database both versions send the same statements", Edit(result).Detail);
    }

    [Fact]
    public void Guards_with_a_new_statement_are_not_guards_only_and_keep_the_advice_to_revert()
    {
        using var repo = Shipped(AsyncAccounts);
        repo.Write(Path, GuardedAccounts.Replace("  }\n}\n\nexports.down", "  }\n  await knex.raw('CREATE INDEX IF NOT EXISTS accounts_email_idx ON accounts (email)')\n}\n\nexports.down", StringComparison.Ordinal))
            .Commit("make the accounts migration rerunnable, index emails");

        var result = Audit.Run(repo.Root);
        Assert.False(Edit(result).GuardsOnly);
        Assert.Equal(EditKind.SchemaChanging, Edit(result).Kind);
        Assert.StartsWith("Revert the edit to", Assert.Single(result.Of("edited-migration")).Action);
    }

    [Fact]
    public void An_if_not_exists_added_to_raw_sql_is_guards_only()
    {
        const string path = "migrations/20240302090000_sessions.js";
        using var repo = Shipped();
        repo.Write(path, RawFirst).Commit("sessions");
        repo.Write(path, RawFirst.Replace("CREATE TABLE sessions", "CREATE TABLE IF NOT EXISTS sessions", StringComparison.Ordinal)).Commit("rerunnable");

        var result = Audit.Run(repo.Root);
        Assert.True(result.Input.Edits[path].GuardsOnly);
        Assert.Equal(EditKind.Unknown, result.Input.Edits[path].Kind);
        Assert.Equal("Keep the guard in 20240302090000_sessions.js; check that what it skips is not needed on a fresh database", Assert.Single(result.Of("edited-migration")).Action);
    }

    [Fact]
    public void A_real_schema_change_is_still_a_finding_with_the_advice_to_revert()
    {
        using var repo = Shipped();
        repo.Write(Path, Accounts.Replace("t.string(\"display_name\").default(\"\")", "t.string(\"display_name\").default(\"\")\n    t.boolean(\"verified\").defaultTo(false)", StringComparison.Ordinal));
        repo.Commit("accounts: verified flag");

        var result = Audit.Run(repo.Root);
        var finding = Assert.Single(result.Of("edited-migration"));
        Assert.Equal(EditKind.SchemaChanging, Edit(result).Kind);
        Assert.False(Edit(result).GuardsOnly);
        Assert.Equal(Severity.Medium, finding.Severity);
        Assert.Contains(". The edit changes the schema Knex builds: after the up + column accounts.verified boolean default false. Release v1.0.0 shipped an earlier version.", finding.Message);
        Assert.Equal($"Revert the edit to {Name} and put the change in a new migration (knex migrate:make), unless no database has applied it yet", finding.Action);
    }
}
