using System.Globalization;
using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Rules;

/// <summary>Each static rule on its bad and good fixture (tests/fixtures/&lt;rule-id&gt;/{bad,good}), committed into a real repository.</summary>
public sealed class StaticRuleTests
{
    private static AuditResult AuditFixture(string rule, string side)
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine(rule, side));
        repo.Commit("fixture");
        return Audit.Run(repo.Root);
    }

    [Theory]
    [InlineData("migration-source-unknown")]
    [InlineData("duplicate-version")]
    [InlineData("mixed-naming")]
    [InlineData("invalid-timestamp")]
    [InlineData("missing-up")]
    [InlineData("missing-down")]
    [InlineData("empty-down")]
    [InlineData("non-knex-migration")]
    [InlineData("unparseable-migration")]
    [InlineData("module-system-mismatch")]
    [InlineData("ignored-migration-file")]
    [InlineData("chain-error")]
    [InlineData("knex-type-error")]
    [InlineData("table-created-outside")]
    [InlineData("unexecuted-builder")]
    [InlineData("irreversible-down")]
    [InlineData("fk-missing-on-delete")]
    [InlineData("fk-missing-index")]
    [InlineData("missing-created-at-index")]
    [InlineData("missing-tenant-time-index")]
    [InlineData("redundant-index")]
    [InlineData("index-naming")]
    [InlineData("create-index-not-concurrently")]
    [InlineData("concurrently-in-transaction")]
    [InlineData("drop-index-not-concurrently")]
    [InlineData("add-unique-constraint")]
    [InlineData("add-not-null-column-without-default")]
    [InlineData("add-column-volatile-default")]
    [InlineData("add-serial-column")]
    [InlineData("change-column-type")]
    [InlineData("set-not-null")]
    [InlineData("add-foreign-key-without-not-valid")]
    [InlineData("add-check-without-not-valid")]
    [InlineData("rename-column")]
    [InlineData("rename-table")]
    [InlineData("drop-column")]
    [InlineData("drop-table")]
    [InlineData("missing-lock-timeout")]
    [InlineData("lock-held-across-batch")]
    [InlineData("statements-after-access-exclusive")]
    [InlineData("prefer-jsonb")]
    [InlineData("prefer-timestamptz")]
    [InlineData("suppression-problem")]
    public void Good_fixture_has_no_finding_at_all(string rule)
    {
        var result = AuditFixture(rule, "good");
        Assert.Empty(result.Findings);
        Assert.True(result.Ready);
    }

    [Fact]
    public void Migration_source_unknown_quotes_knex_for_a_missing_folder()
    {
        var result = AuditFixture("migration-source-unknown", "bad");
        var finding = Assert.Single(result.Findings);
        Assert.Equal("migration-source-unknown", finding.Rule);
        Assert.True(finding.Blocking);
        Assert.Equal(("knexfile.js", 6), (finding.File, finding.Line));
        Assert.StartsWith("migration directory 'db/migrations' does not exist: Knex's readdir fails there and 'knex migrate:latest' stops with \"ENOENT: no such file or directory, scandir '", finding.Message);
        Assert.False(result.Ready);
    }

    [Theory]
    [InlineData("throw new Error('set DATABASE_URL');\nmodule.exports = { production: { client: 'pg' } };\n", "knexfile.js:1 throws when Node loads it: every knex command (migrate:latest included) fails before reading a migration.")]
    [InlineData("while (true) {}\nmodule.exports = { production: { client: 'pg' } };\n", "knexfile.js:1 loops forever when Node loads it: every knex command hangs before reading a migration.")]
    [InlineData("module.exports = { production: { client: 'pg', migrations: { directory: '/etc' } } };\n", "migration directory '../../../../etc' is outside the project (/etc): migaudit does not read it, so which migrations Knex runs there is unknown. Until it can be read, this audit cannot say the project is ready: the verdict is UNKNOWN.")]
    [InlineData("module.exports = { production: { client: 'pg', migrations: { migrationSource: new (require('./source'))() } } };\n", "the custom migrationSource (new (require('./source'))()) decides which migrations Knex runs and in what order, and migaudit cannot follow all of it: new (require('./source'))() cannot be followed (class not found in the project)")]
    [InlineData("module.exports = { production: { client: 'pg', migrations: { directory: './nowhere', migrationSource: new (require('./source'))() } } };\n", "migration directory 'nowhere' does not exist: Knex's readdir fails there")]
    public void Migration_source_unknown_for_knexfiles_that_cannot_load_or_cannot_be_followed(string knexfile, string message)
    {
        // One finding each: a custom migrationSource means Knex reads no folder (no second finding), unless an FS
        // option is set beside it, which makes Knex drop the source and list the folder (checked in knex's source).
        using var repo = new TempRepo();
        repo.Write("knexfile.js", knexfile);
        repo.Write("migrations/20250101000000_create_users.js", Audit.CreateTable("users"));
        repo.Commit();
        var result = Audit.Run(repo.Root);
        var finding = Assert.Single(result.Of("migration-source-unknown"));
        Assert.StartsWith(message.Replace("../../../../etc", Path.GetRelativePath(repo.Root, "/etc"), StringComparison.Ordinal), finding.Message);
        Assert.False(result.Ready);
    }

    [Fact]
    public void A_migration_folder_behind_a_linked_parent_outside_the_project_is_not_read()
    {
        var outside = Path.Combine(Path.GetTempPath(), "migaudit-outside-" + Guid.NewGuid().ToString("n")[..8]);
        Directory.CreateDirectory(Path.Combine(outside, "migrations"));
        File.WriteAllText(Path.Combine(outside, "migrations", "20250101000000_secret.js"), Audit.CreateTable("secret"));
        try
        {
            using var repo = new TempRepo();
            repo.Write("knexfile.js", "module.exports = { production: { client: 'pg', migrations: { directory: './db/migrations' } } };\n");
            Directory.CreateSymbolicLink(repo.PathOf("db"), outside);
            repo.Commit();
            var result = Audit.Run(repo.Root);
            Assert.Empty(result.Input.Migrations);
            var finding = Assert.Single(result.Of("migration-source-unknown"));
            Assert.StartsWith($"migration directory 'db/migrations' is outside the project ({Path.Combine(outside, "migrations")})", finding.Message);
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public void Duplicate_version_names_both_files_and_knex_order()
    {
        var result = AuditFixture("duplicate-version", "bad");
        var finding = Assert.Single(result.Findings);
        Assert.Equal("duplicate-version", finding.Rule);
        Assert.False(finding.Blocking);
        Assert.Equal(Severity.Medium, finding.Severity);
        Assert.Equal("migrations/20250101000000_create_users.js", finding.File);
        Assert.Equal(["migrations/20250101000000_create_accounts.js"], finding.Related);
        Assert.Contains("20250101000000_create_accounts.js (#1 of 2), then 20250101000000_create_users.js (#2 of 2)", finding.Message);
        Assert.Equal("Rename 20250101000000_create_users.js to 20250101000001_create_users.js; it is committed, so on databases that already applied it also run UPDATE \"knex_migrations\" SET name = '20250101000001_create_users.js' WHERE name = '20250101000000_create_users.js'", finding.Action);
    }

    [Fact]
    public void Mixed_naming_reports_the_odd_file_and_its_real_position()
    {
        var result = AuditFixture("mixed-naming", "bad");
        var finding = Assert.Single(result.Findings);
        Assert.Equal("mixed-naming", finding.Rule);
        Assert.False(finding.Blocking);
        Assert.Equal("migrations/001_legacy_settings.js", finding.File);
        Assert.Contains("runs #1 of 3, right before 20250101000000_create_users.js", finding.Message);
    }

    [Fact]
    public void Invalid_timestamp_names_the_impossible_part()
    {
        var result = AuditFixture("invalid-timestamp", "bad");
        var finding = Assert.Single(result.Findings);
        Assert.Equal("invalid-timestamp", finding.Rule);
        Assert.Contains("(month 30)", finding.Message);
    }

    [Fact]
    public void Missing_up_quotes_knex_error()
    {
        var result = AuditFixture("missing-up", "bad");
        var finding = Assert.Single(result.Findings);
        Assert.Equal("missing-up", finding.Rule);
        Assert.True(finding.Blocking);
        Assert.Contains("\"Invalid migration: 20250101000000_drop_legacy.js must have both an up and down function\"", finding.Message);
        Assert.Equal(0, result.Statistics.WithoutDown);
    }

    [Fact]
    public void Missing_down_is_blocking_because_knex_validates_both_exports()
    {
        var result = AuditFixture("missing-down", "bad");
        var finding = Assert.Single(result.Findings);
        Assert.Equal("missing-down", finding.Rule);
        Assert.True(finding.Blocking);
        Assert.Equal(Severity.High, finding.Severity);
        Assert.Contains("must have both an up and down function", finding.Message);
        Assert.Equal(1, result.Statistics.WithoutDown);
        Assert.Equal(0, result.Statistics.WithDown);
    }

    [Fact]
    public void Empty_down_is_found_with_its_line()
    {
        var result = AuditFixture("empty-down", "bad");
        var finding = Assert.Single(result.Findings);
        Assert.Equal("empty-down", finding.Rule);
        Assert.False(finding.Blocking);
        Assert.Equal(8, finding.Line);
        Assert.True(result.Migration("20250101000000_create_users.js").Module.HasDown);
    }

    [Fact]
    public void Non_knex_migration_on_the_knex_parameter_fails_with_type_error()
    {
        var result = AuditFixture("non-knex-migration", "bad");
        var finding = Assert.Single(result.Findings);
        Assert.Equal("non-knex-migration", finding.Rule);
        Assert.True(finding.Blocking);
        Assert.Equal(2, finding.Line);
        Assert.Contains("\"TypeError: db.query is not a function\"", finding.Message);
        Assert.Equal(MigrationFormat.NonKnex, result.Migration("20250101000000_create_users.js").Module.Format);
    }

    [Fact]
    public void Unparseable_migration_gives_line_and_column()
    {
        var result = AuditFixture("unparseable-migration", "bad");
        var finding = Assert.Single(result.Findings);
        Assert.Equal("unparseable-migration", finding.Rule);
        Assert.True(finding.Blocking);
        Assert.Equal(4, finding.Line);
        Assert.Equal(1, result.Statistics.Unparseable);
        Assert.Equal(0, result.Statistics.WithDown + result.Statistics.WithoutDown);
    }

    [Fact]
    public void Ignored_file_is_reported_and_not_counted_as_a_migration()
    {
        var result = AuditFixture("ignored-migration-file", "bad");
        var finding = Assert.Single(result.Findings);
        Assert.Equal("ignored-migration-file", finding.Rule);
        Assert.Equal("migrations/20250102000000_create_accounts.mjs", finding.File);
        Assert.Contains("extension '.mjs' is not in loadExtensions", finding.Message);
        Assert.Equal(1, result.Statistics.Active);
    }

    [Theory]
    [InlineData("chain-error", "migrations/20250101000000_create_posts.js", 4, "referenced by foreign key posts(user_id): table 'users' does not exist at this point; a later migration, 20250102000000_create_users.js, creates it")]
    [InlineData("table-created-outside", "migrations/20250102000000_add_avatar.js", 2, "alterTable('users') needs table 'users', which no earlier migration creates (1 later migration uses it too)")]
    [InlineData("irreversible-down", "migrations/20250101000000_create_tags.js", 12, "table tag_aliases is left behind")]
    [InlineData("fk-missing-on-delete", "migrations/20250102000000_create_posts.js", 4, "posts(user_id) references users without onDelete")]
    [InlineData("fk-missing-index", "migrations/20250102000000_create_posts.js", 5, "no index starts with (user_id)")]
    [InlineData("missing-created-at-index", "migrations/20250101000000_create_events.js", 2, "events looks write-heavy")]
    [InlineData("missing-tenant-time-index", "migrations/20250101000000_create_projects.js", 2, "no index starting with (workspace_id, created_at)")]
    [InlineData("redundant-index", "migrations/20250101000000_create_items.js", 6, "items_sku_index on items(sku) is covered by items_sku_color_index(sku, color)")]
    [InlineData("index-naming", "migrations/20250101000000_create_items.js", 9, "idx_items_size on items uses an idx_ prefix while 2 of 3 indexes use Knex's default names")]
    public void Schema_rule_bad_fixture_has_exactly_its_finding(string rule, string file, int line, string text)
    {
        var result = AuditFixture(rule, "bad");
        var finding = Assert.Single(result.Findings);
        Assert.Equal((rule, file, line), (finding.Rule, finding.File, finding.Line));
        Assert.Contains(text, finding.Message);
    }

    [Fact]
    public void Create_index_not_concurrently_finds_builder_and_raw_indexes_on_an_existing_table_only()
    {
        var result = AuditFixture("create-index-not-concurrently", "bad");
        var findings = result.Findings.Where(f => f.Rule == "create-index-not-concurrently").ToList();
        Assert.Equal([("migrations/20250102000000_index_users.js", 3), ("migrations/20250102000000_index_users.js", 5)], findings.Select(f => (f.File!, f.Line!.Value)));
        Assert.All(findings, f => Assert.False(f.Blocking));
        Assert.StartsWith("20250102000000_index_users.js creates index users_created_at_index on users, which existed before this migration, without CONCURRENTLY (line 5): PostgreSQL holds a SHARE lock on users", findings[1].Message);
        Assert.Contains("migrate:latest runs all pending migrations in one transaction", findings[1].Message);
    }

    [Fact]
    public void Concurrently_in_a_transaction_is_blocking_and_predicts_knex_failure()
    {
        var result = AuditFixture("concurrently-in-transaction", "bad");
        var finding = Assert.Single(result.Findings);
        Assert.Equal(("concurrently-in-transaction", "migrations/20250102000000_index_users.js", 2), (finding.Rule, finding.File!, finding.Line!.Value));
        Assert.True(finding.Blocking);
        Assert.True(finding.PredictsKnexFailure);
        Assert.Contains("\"CREATE INDEX CONCURRENTLY cannot run inside a transaction block\"", finding.Message);
        Assert.False(result.Ready);
    }

    [Fact]
    public void An_index_on_a_table_an_earlier_unknown_left_uncertain_still_existed_before_but_not_after_an_unknown_of_its_own_migration()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", "module.exports = { client: 'pg', connection: process.env.DATABASE_URL };\n");
        repo.Write("migrations/20250101000000_items.js", "exports.up = (knex) => knex.schema.createTable('items', (t) => { t.increments('id'); t.string('storage_id'); t.string('owner'); });\nexports.down = (knex) => knex.schema.dropTable('items');\n");
        repo.Write("migrations/20250102000000_loop.js", "exports.up = async (knex) => { let i = 0; while (i < 3) { await knex.raw('select 1'); i++; } };\nexports.down = async () => { await Promise.resolve(); };\n");
        repo.Write("migrations/20250103000000_index.js", "exports.up = (knex) => knex.schema.alterTable('items', (t) => { t.index('storage_id'); });\nexports.down = (knex) => knex.schema.alterTable('items', (t) => { t.dropIndex('storage_id'); });\n");
        repo.Write("migrations/20250104000000_loop_then_index.js", "exports.up = async (knex) => {\n  let i = 0;\n  while (i < 3) { await knex.raw('select 1'); i++; }\n  await knex.schema.alterTable('items', (t) => { t.index('owner'); });\n};\nexports.down = (knex) => knex.schema.alterTable('items', (t) => { t.dropIndex('owner'); });\n");
        repo.Commit();

        var findings = Audit.Run(repo.Root).Of("create-index-not-concurrently");

        // The loop of 20250102 cannot have created items for 20250103: the index there needs a table that was already
        // there. The loop of 20250104 comes before its own index in the same migration: whether it made the table is unknown.
        Assert.Equal(["migrations/20250103000000_index.js"], findings.Select(f => f.File!));
    }

    [Theory]
    [InlineData("drop-index-not-concurrently", "migrations/20250102000000_drop_email_index.js", 3, "drops index users_email_index of users")]
    [InlineData("add-unique-constraint", "migrations/20250102000000_unique_email.js", 3, "adds the unique constraint users_email_unique to users")]
    public void Lock_rule_bad_fixture_has_its_one_finding(string rule, string file, int line, string says)
    {
        var finding = Assert.Single(AuditFixture(rule, "bad").Findings);
        Assert.Equal((rule, file, line, false), (finding.Rule, finding.File!, finding.Line!.Value, finding.Blocking));
        Assert.Contains(says, finding.Message);
        Assert.Contains("ACCESS EXCLUSIVE", finding.Message);
    }

    [Theory]
    [InlineData("add-not-null-column-without-default", "20250102000000_add_score_columns.js", "3,5", "PostgreSQL refuses it on a table with rows (\"column \\\"level\\\" of relation \\\"users\\\" contains null values\")")]
    [InlineData("add-column-volatile-default", "20250102000000_add_tokens.js", "3,4,6", "gen_random_uuid() is volatile, so PostgreSQL computes it for every existing row and rewrites users and all its indexes under an ACCESS EXCLUSIVE lock")]
    [InlineData("add-serial-column", "20250102000000_add_sequence_numbers.js", "3,5", "adds the bigserial column users.seq (line 3)")]
    [InlineData("change-column-type", "20250102000000_widen_columns.js", "3,5", "changes users.score from integer to bigint (line 3), and users existed before this migration: the change is not binary-coercible, so PostgreSQL rewrites users")]
    [InlineData("set-not-null", "20250102000000_require_fields.js", "3,4,6", "Knex's .alter() sends DROP NOT NULL before SET NOT NULL, so it scans even if the column was NOT NULL already")]
    [InlineData("add-foreign-key-without-not-valid", "20250102000000_link_users.js", "3,5", "PostgreSQL takes a SHARE ROW EXCLUSIVE lock on both tables and checks every row of users while it holds them")]
    [InlineData("add-check-without-not-valid", "20250102000000_check_score.js", "2,3", "adds the check constraint users_score_positive to users (line 2)")]
    [InlineData("rename-column", "20250102000000_rename_columns.js", "3,5", "renames users.name to full_name (line 3)")]
    [InlineData("rename-table", "20250102000000_rename_tables.js", "2,3", "renames users to accounts (line 2)")]
    [InlineData("drop-column", "20250102000000_drop_columns.js", "3,5", "drops users.nick (line 3)")]
    [InlineData("drop-table", "20250102000000_drop_tables.js", "2,3", "drops teams (line 2)")]
    public void Lock_rule_bad_fixture_finds_each_case_and_only_on_live_tables(string rule, string migration, string lines, string firstSays)
    {
        var findings = AuditFixture(rule, "bad").Findings.Where(f => f.Rule == rule).ToList();

        Assert.Equal(lines.Split(',').Select(l => ("migrations/" + migration, int.Parse(l, CultureInfo.InvariantCulture))), findings.Select(f => (f.File!, f.Line!.Value)));
        Assert.All(findings, f => Assert.False(f.Blocking));
        Assert.Contains(firstSays, findings[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Row_writes_after_an_access_exclusive_lock_are_found_in_builder_and_sql_form()
    {
        // Its backfills write every row too: update-delete-without-where speaks of those; this rule of the lock before them.
        var findings = AuditFixture("statements-after-access-exclusive", "bad").Of("statements-after-access-exclusive");

        Assert.Equal(
            [("migrations/20250102000000_add_level.js", 6), ("migrations/20250103000000_add_slug.js", 3)],
            findings.Select(f => (f.File!, f.Line!.Value)));
        Assert.All(findings, f => Assert.Equal(("statements-after-access-exclusive", Severity.Medium, false), (f.Rule, f.Severity, f.Blocking)));
        Assert.StartsWith("20250102000000_add_level.js takes an ACCESS EXCLUSIVE lock on users (adds column level, line 3), then writes rows of users (update, line 6) in the same transaction: PostgreSQL keeps the lock until the transaction commits", findings[0].Message);
        Assert.Contains("then writes rows of teams (update, line 3)", findings[1].Message);
    }

    [Theory]
    [InlineData("prefer-jsonb", "events.payload,audit_entries.data", "4,6")]
    [InlineData("prefer-timestamptz", "events.happened_at,events.seen_at,audit_entries.logged_at", "4,5,7")]
    public void Type_advice_names_each_column_at_the_line_that_created_it(string rule, string columns, string lines)
    {
        var findings = AuditFixture(rule, "bad").Findings;

        Assert.All(findings, f => Assert.Equal((rule, Severity.Low, false, "migrations/20250101000000_create_events.js"), (f.Rule, f.Severity, f.Blocking, f.File!)));
        Assert.Equal(columns.Split(',').Order(StringComparer.Ordinal), findings.Select(f => f.Key).Order(StringComparer.Ordinal));
        Assert.Equal(lines.Split(',').Select(l => int.Parse(l, CultureInfo.InvariantCulture)).Order(), findings.Select(f => f.Line!.Value).Order());
    }

    [Fact]
    public void Missing_lock_timeout_counts_the_migrations_that_set_none_and_points_at_the_knexfile()
    {
        var finding = Assert.Single(AuditFixture("missing-lock-timeout", "bad").Findings);

        Assert.Equal(("missing-lock-timeout", "knexfile.js", 2, Severity.Medium), (finding.Rule, finding.File!, finding.Line!.Value, finding.Severity));
        Assert.StartsWith("4 migrations lock tables that existed before them (first: 20250102000000_add_level.js takes an ACCESS EXCLUSIVE lock on users, line 3; 3 more), and neither the migration nor the knexfile's production connection sets lock_timeout", finding.Message);
        Assert.Equal(["migrations/20250102000000_add_level.js", "migrations/20250103000000_add_title.js", "migrations/20250105000000_add_badge.js", "migrations/20250106000000_add_slogan.js"], finding.Related);
    }

    [Theory]
    [InlineData("connection: { connectionString: process.env.DATABASE_URL, lock_timeout: 5000 }")]
    [InlineData("connection: { connectionString: process.env.DATABASE_URL, options: '-c lock_timeout=5s' }")]
    [InlineData("connection: 'postgres://app@db/app?options=-c%20lock_timeout%3D5s'")]
    [InlineData("connection: process.env.DATABASE_URL, pool: { afterCreate: (c, done) => c.query(`SET lock_timeout = '5s'`, done) }")]
    public void A_lock_timeout_set_any_way_node_postgres_sends_it_silences_missing_lock_timeout(string setting)
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("missing-lock-timeout", "bad"));
        repo.Write("knexfile.js", $"module.exports = {{ production: {{ client: 'pg', {setting}, migrations: {{ directory: './migrations' }} }} }};\n");
        repo.Commit();

        Assert.Empty(Audit.Run(repo.Root).Of("missing-lock-timeout"));
    }

    [Fact]
    public void Lock_held_across_batch_names_the_pending_migrations_since_the_latest_release()
    {
        using var repo = ReleasedFixture.Of("lock-held-across-batch", "bad");

        var finding = Assert.Single(Audit.Run(repo.Root).Findings, f => f.Rule == "lock-held-across-batch");

        Assert.Equal(("migrations/20250102000000_add_level.js", 3), (finding.File!, finding.Line!.Value));
        Assert.StartsWith("20250102000000_add_level.js takes an ACCESS EXCLUSIVE lock on users (line 3), and it is one of 3 pending migrations since release v1.0.0: none sets transaction: false, so knex migrate:latest runs them all in one transaction, and the lock is held until 20250104000000_backfill_levels.js has run and the batch commits (2 more migrations).", finding.Message);
    }

    [Fact]
    public void Lock_held_across_batch_is_silent_when_one_pending_migration_turns_transactions_per_migration_on()
    {
        using var repo = ReleasedFixture.Of("lock-held-across-batch", "good");

        Assert.Empty(Audit.Run(repo.Root).Of("lock-held-across-batch"));
    }

    [Fact]
    public void A_lock_finding_on_a_migration_a_release_already_shipped_is_low_and_says_so()
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("create-index-not-concurrently", "bad"));
        repo.Commit("first release");
        repo.Git("tag", "v1.0.0");
        repo.Write("migrations/20250103000000_index_name.js", "exports.up = (knex) => knex.raw('CREATE INDEX users_lower_email_index ON users (lower(email))');\nexports.down = (knex) => knex.raw('DROP INDEX users_lower_email_index');\n");
        repo.Commit("after the release");

        var findings = Audit.Run(repo.Root).Of("create-index-not-concurrently");

        Assert.Equal(
            [("migrations/20250102000000_index_users.js", Severity.Low), ("migrations/20250102000000_index_users.js", Severity.Low), ("migrations/20250103000000_index_name.js", Severity.Medium)],
            findings.Select(f => (f.File!, f.Severity)));
        Assert.EndsWith("It shipped in release v1.0.0: wherever that release is deployed it has already run, so the lock matters only for databases that have not applied it yet.", findings[0].Message);
        Assert.DoesNotContain("shipped", findings[2].Message);
    }
}
