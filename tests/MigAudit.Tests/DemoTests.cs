using System.Text.Json;
using MigAudit.Core;
using MigAudit.Demo;
using MigAudit.Tests.Support;

namespace MigAudit.Tests;

/// <summary>The demo must reproduce the hand-made BotBuilder audit wherever that audit agrees with Knex.</summary>
public sealed class DemoTests : IClassFixture<DemoTests.DemoFixture>
{
    private readonly AuditResult result;

    public DemoTests(DemoFixture fixture)
    {
        result = fixture.Result;
    }

    public sealed class DemoFixture : IDisposable
    {
        private readonly TempRepo folder = new(init: false);

        public DemoFixture()
        {
            BotBuilderDemo.Create(folder.Root);
            Result = Audit.Run(folder.Root);
        }

        public AuditResult Result { get; }

        public void Dispose() => folder.Dispose();
    }

    [Fact]
    public void Statistics_match_the_seed()
    {
        var s = result.Statistics;
        Assert.Equal((75, 55, 20, 26), (s.Active, s.Committed, s.Untracked, s.Deleted));

        // The seed's 52 + 3 covers only the 55 committed files; Knex loads all 75, and 72 of them have a down.
        Assert.Equal((72, 3, 0), (s.WithDown, s.WithoutDown, s.Unparseable));
        Assert.Equal(1, s.Renamed);
        Assert.Equal("server/knexfile.js", result.Input.Project.Knexfile!.Path);
        Assert.Equal("production", result.Input.Project.Environment);
        Assert.Equal(["server/migrations"], result.Input.Project.Settings.Directories);
    }

    [Fact]
    public void Deleted_migrations_are_the_seeds_26()
    {
        Assert.Equal(BotBuilderDemo.DeletedMigrations.Order(StringComparer.Ordinal), result.Input.Deleted.Select(d => d.Name));
        Assert.Equal(2, result.Input.Deleted.Count(d => d.DeletedIn == "working-tree"));
        Assert.All(result.Input.Deleted.Where(d => d.DeletedIn != "working-tree"), d => Assert.Equal("Maria Lopez", d.DeletionCommit!.Author));
        Assert.Equal(26, result.Of("deleted-migration").Count);
    }

    [Fact]
    public void Duplicate_pair_is_found_and_knex_order_explained()
    {
        var finding = Assert.Single(result.Of("duplicate-version"));
        Assert.Equal("server/migrations/20250202000034_helpdesk_tickets.js", finding.File);
        Assert.Equal(["server/migrations/20250202000034_fix_ab_tests_columns.js"], finding.Related);
        Assert.Contains("20250202000034_fix_ab_tests_columns.js (#55 of 75), then 20250202000034_helpdesk_tickets.js (#56 of 75)", finding.Message);
        Assert.Equal("Rename 20250202000034_helpdesk_tickets.js to 20250202000035_helpdesk_tickets.js", finding.Action);
    }

    [Fact]
    public void The_three_numbered_raw_sql_files_are_non_knex_with_the_true_consequence()
    {
        var findings = result.Of("non-knex-migration");
        Assert.Equal(
            ["server/migrations/026_create_intents_entities.js", "server/migrations/035_clone_system.js", "server/migrations/036_facebook_channels.js"],
            findings.Select(f => f.File));
        Assert.Contains("TypeError: db.query is not a function", findings[0].Message);
        Assert.Contains("a client from '../config/db'", findings[1].Message);
        Assert.Contains("outside Knex's migration transaction", findings[2].Message);
        Assert.All(findings, f => Assert.True(f.Blocking));
    }

    [Fact]
    public void Three_migrations_without_down_block_because_knex_validates_them()
    {
        Assert.Equal(
            ["20250114210000_create_templates.js", "20250202000012_add_message_status.js", "20250202000024_add_workspace_limits.js"],
            result.Of("missing-down").Select(f => Path.GetFileName(f.File!)));
    }

    [Fact]
    public void History_problems_the_seed_missed_are_found()
    {
        Assert.Equal("20250115060000_create_webhooks.ts", Assert.Single(result.Input.Renamed).OldName);
        Assert.Equal("server/migrations/20250120120000_create_broadcasts.js", Assert.Single(result.Of("late-migration")).File);
        Assert.Contains("server/migrations/20250114120000_create_messages.js", result.Of("edited-migration").Select(f => f.File));
        Assert.Equal(20, result.Of("untracked-migration").Count);
        Assert.Equal(3, result.Of("mixed-naming").Count);
    }

    [Fact]
    public void Verdict_is_not_ready_and_execution_order_is_knex_order()
    {
        Assert.False(result.Ready);
        // 3 non-knex and 3 without a down; the duplicate version is medium, since Knex runs both files. The demo has no
        // release tags: whether production recorded the 26 deleted names and the renamed one is the question the
        // verdict asks (high, not blocking, until --applied answers it).
        Assert.Equal(3 + 3, result.BlockingCount);
        Assert.Equal(26 + 1, result.Findings.Count(f => f.Rule is "deleted-migration" or "renamed-migration" && f is { Severity: Severity.High, Blocking: false, Scope: FindingScope.Unknown }));
        var question = Assert.Single(result.Unknowns);
        Assert.Equal(27, question.Names.Count);
        Assert.Contains("20250115060000_create_webhooks.ts", question.Names);
        var names = result.Input.Migrations.Select(m => m.Name).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Equal(["026_create_intents_entities.js", "035_clone_system.js", "036_facebook_channels.js"], names.Take(3));
    }

    [Fact]
    public void Foreign_keys_and_indexes_read_like_the_seed()
    {
        var s = result.Statistics;
        Assert.Equal((130, 95, 72), (s.Indexes, s.ForeignKeys, s.Tables));
        Assert.Equal(1.73, s.AverageIndexesPerMigration);
        Assert.All(result.Input.Schema.Migrations, m => Assert.True(m.Up.Complete && m.Down.Complete, m.Migration));

        // Seed section 4: "All foreign keys have onDelete handlers", CASCADE and SET NULL.
        Assert.Empty(result.Of("fk-missing-on-delete"));
        Assert.Equal(["CASCADE", "SET NULL"], result.Input.Schema.Schema.Tables.Values.SelectMany(t => t.ForeignKeys).Select(f => f.OnDelete!).Distinct().Order());

        // Seed section 5: missing created_at indexes on transactional tables, missing (workspace_id, created_at), naming inconsistency.
        Assert.Contains("messages", result.Of("missing-created-at-index").Select(f => f.Headline));
        Assert.Contains("audit_logs", result.Of("missing-tenant-time-index").Select(f => f.Headline));
        Assert.DoesNotContain("conversations", result.Of("missing-tenant-time-index").Select(f => f.Headline));
        Assert.Equal(
            ["idx_bot_clones_source", "idx_entities_bot_id", "idx_facebook_pages_channel", "idx_intents_bot_id"],
            result.Of("index-naming").Select(f => f.Headline!.Split(' ')[0]));
        Assert.All(result.Findings.Where(f => f.Rule is "fk-missing-index" or "missing-created-at-index" or "missing-tenant-time-index" or "redundant-index" or "index-naming"),
            f => Assert.Equal((Severity.Low, false), (f.Severity, f.Blocking)));

        // The demo's chain runs on an empty database and every down undoes its up.
        Assert.Empty(result.Of("chain-error"));
        Assert.Empty(result.Of("irreversible-down"));
    }

    [Fact]
    public void Json_report_keeps_its_contract()
    {
        var json = MigAudit.Reporting.JsonReport.Render(result, "test");
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(1, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("server/knexfile.js", root.GetProperty("knexfile").GetString());
        Assert.Equal("production", root.GetProperty("environment").GetString());
        Assert.Equal("not-ready", root.GetProperty("verdict").GetString());
        Assert.Equal(result.BlockingCount, root.GetProperty("blockingCount").GetInt32());
        var stats = root.GetProperty("statistics");
        int Stat(string name) => stats.GetProperty(name).GetInt32();
        Assert.Equal(Stat("active"), Stat("committed") + Stat("untracked"));
        Assert.Equal(Stat("active"), Stat("withDown") + Stat("withoutDown") + Stat("unparseable"));
        Assert.Equal(75, root.GetProperty("migrations").GetArrayLength());
        var first = root.GetProperty("migrations")[0];
        foreach (var field in new[] { "name", "path", "state", "order", "hasUp", "hasDown", "emptyDown", "format" })
        {
            Assert.True(first.TryGetProperty(field, out _), field);
        }

        Assert.Equal("non-knex", first.GetProperty("format").GetString());
        var deleted = root.GetProperty("deletedMigrations")[0];
        foreach (var field in new[] { "name", "path", "deletedIn", "author", "date" })
        {
            Assert.True(deleted.TryGetProperty(field, out _), field);
        }

        Assert.Equal(72, root.GetProperty("schema").GetProperty("tables").GetArrayLength());
        var table = root.GetProperty("schema").GetProperty("tables")[0];
        foreach (var field in new[] { "name", "columns", "indexes", "foreignKeys" })
        {
            Assert.True(table.TryGetProperty(field, out _), field);
        }

        var fk = table.GetProperty("foreignKeys")[0];
        Assert.Equal(("ab_test_id", "ab_tests.id", "CASCADE"), (fk.GetProperty("column").GetString(), fk.GetProperty("references").GetString(), fk.GetProperty("onDelete").GetString()));
        Assert.Equal(75, root.GetProperty("coverage").GetArrayLength());
        Assert.Equal(130, stats.GetProperty("indexes").GetInt32());
        Assert.Equal(95, stats.GetProperty("foreignKeys").GetInt32());
        var finding = root.GetProperty("findings")[0];
        foreach (var field in new[] { "rule", "severity", "blocking", "file", "line", "message", "related" })
        {
            Assert.True(finding.TryGetProperty(field, out _), field);
        }
    }
}
