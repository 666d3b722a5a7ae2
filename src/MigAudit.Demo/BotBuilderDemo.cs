using System.Globalization;
using MigAudit.Git;
using static MigAudit.Demo.TableSpec;

namespace MigAudit.Demo;

/// <summary>
/// Builds a BotBuilder-like Knex project with a real git history that reproduces the hand-made audit in
/// shared/reference/seed-audit-report.txt: 75 migrations on disk (55 committed, 20 untracked), 26 deleted after
/// commit, the duplicate 20250202000034 pair, three numbered raw-SQL migrations, three without down, and an
/// application database module whose pool and SSL settings differ from the knexfile's. It also carries what a
/// real history tends to have and the hand-made audit missed: an extension-only rename, an edit to an applied
/// migration and a late-merged migration.
/// </summary>
public static class BotBuilderDemo
{
    public const string MigrationsDirectory = "server/migrations";

    private static readonly string[] Authors = ["Maria Lopez <maria@botbuilder.dev>", "Dmitri Ivanov <dmitri@botbuilder.dev>", "Sam Carter <sam@botbuilder.dev>"];

    public static void Create(string directory)
    {
        Directory.CreateDirectory(directory);
        var repo = new DemoRepository(directory);
        repo.Init();

        var january = JanuaryTables();
        var january28 = january.Where(t => t.Table.Name != "broadcasts").ToList();

        // 1. The application skeleton, with the two database configurations that drift apart.
        repo.Write("package.json", PackageJson);
        repo.Write("README.md", "# BotBuilder\n\nChatbot builder: server in server/, Knex migrations in server/migrations.\n");
        repo.Write(".gitignore", "node_modules/\n.env\n");
        repo.Write("server/knexfile.js", Knexfile);
        repo.Write("server/config/db.js", AppDatabaseModule);
        repo.Write("server/index.js", ServerIndex);
        repo.Commit("Initial BotBuilder server", Authors[0], "2024-12-20T10:00:00Z");

        // 2. Legacy migrations from the pre-Knex runner, kept with their numbers and their db.query() calls.
        repo.Write(Migration("026_create_intents_entities.js"), LegacyIntents);
        repo.Write(Migration("035_clone_system.js"), LegacyClones);
        repo.Write(Migration("036_facebook_channels.js"), LegacyFacebook);
        repo.Commit("Import legacy SQL migrations 026, 035, 036", Authors[2], "2025-01-08T16:20:00Z");

        // 3. January: the core schema, a few files per commit; the webhooks migration starts as TypeScript.
        var day = 10;
        foreach (var chunk in january28.Chunk(5))
        {
            foreach (var (name, table, withDown) in chunk)
            {
                var file = table.Name == "webhooks" ? name.Replace(".js", ".ts", StringComparison.Ordinal) : name;
                repo.Write(Migration(file), file.EndsWith(".ts", StringComparison.Ordinal) ? TypeScriptMigration(table) : table.KnexMigration(withDown));
            }

            repo.Commit($"Add {string.Join(", ", chunk.Select(c => c.Table.Name))} tables", Authors[day % 2], $"2025-01-{day:00}T18:00:00Z");
            day += 3;
        }

        // 4. The TypeScript webhooks migration becomes JavaScript: Knex records names with their extension.
        var webhooks = january.First(t => t.Table.Name == "webhooks").Name;
        repo.Move(Migration(webhooks.Replace(".js", ".ts", StringComparison.Ordinal)), Migration(webhooks));
        repo.Write(Migration(webhooks), january.First(t => t.Table.Name == "webhooks").Table.KnexMigration());
        repo.Commit("Convert the webhooks migration to JavaScript", Authors[1], "2025-01-29T11:00:00Z");

        // 5. February 2: bot settings and the enterprise feature migrations (later deleted).
        repo.Write(Migration("20250202000001_add_bot_settings.js"), AddColumns("bots", ["table.jsonb('fallback_settings').notNullable().defaultTo('{}');", "table.string('default_locale', 8).notNullable().defaultTo('en');"], ["fallback_settings", "default_locale"]));
        foreach (var name in DeletedMigrations)
        {
            repo.Write(Migration(name), EnterpriseTable(name).KnexMigration());
        }

        repo.Commit("Add enterprise feature migrations", Authors[1], "2025-02-02T09:30:00Z");

        // 6. February: the rest of the committed schema.
        var february = FebruaryMigrations();
        var index = 0;
        foreach (var chunk in february.Chunk(6))
        {
            foreach (var (name, content) in chunk)
            {
                repo.Write(Migration(name), content);
            }

            repo.Commit($"Add {string.Join(", ", chunk.Select(c => c.Name[15..^3]))}", Authors[index % 3], $"2025-02-{3 + (index * 2):00}T15:00:00Z");
            index++;
        }

        // 7. An applied migration is edited in place instead of getting a new migration.
        var messages = january.First(t => t.Table.Name == "messages");
        repo.Write(Migration(messages.Name), (messages.Table with { Indexes = [.. messages.Table.Indexes, Index("conversation_id")] }).KnexMigration());
        repo.Commit("Add index on messages.conversation_id", Authors[2], "2025-02-12T10:00:00Z");

        // 8. A branch from January is merged late: its migration sorts before many already committed ones.
        var broadcasts = january.First(t => t.Table.Name == "broadcasts");
        repo.Write(Migration(broadcasts.Name), broadcasts.Table.KnexMigration());
        repo.Commit("Merge broadcasts feature", Authors[0], "2025-02-14T17:45:00Z");

        // 9. The first of the duplicate-version pair is committed.
        repo.Write(Migration("20250202000034_fix_ab_tests_columns.js"), FixAbTests);
        repo.Commit("Fix ab_tests columns", Authors[1], "2025-02-18T12:00:00Z");

        // 10. The enterprise features move to another service: their migrations are deleted (two stay until the working tree).
        foreach (var name in DeletedMigrations.Where(n => !DeletedInWorkingTree.Contains(n)))
        {
            repo.Delete(Migration(name));
        }

        repo.Commit("Remove enterprise modules (moved to the billing service)", Authors[0], "2025-02-20T08:15:00Z");

        // 11. The working tree: two more deletions and twenty new migrations nobody has committed yet.
        foreach (var name in DeletedInWorkingTree)
        {
            repo.Delete(Migration(name), stage: false);
        }

        foreach (var (name, content) in UntrackedMigrations())
        {
            repo.Write(Migration(name), content);
        }
    }

    private static string Migration(string name) => $"{MigrationsDirectory}/{name}";

    public static readonly string[] DeletedMigrations =
    [
        "20250202000002_api_token_spending_limits.js", "20250202000003_api_token_ip_allowlist.js", "20250202000003_usage_alerts.js",
        "20250202000004_api_audit_logs.js", "20250202000004_changelog_system.js", "20250202000004_service_accounts.js",
        "20250202000005_batch_jobs.js", "20250202000005_sla_system.js", "20250202000005_status_page.js",
        "20250202000006_forum_system.js", "20250202000006_multi_region.js", "20250202000006_reseller_portal.js",
        "20250202000006_webhook_management.js", "20250202000007_analytics_pro.js", "20250202000007_certification_program.js",
        "20250202000007_custom_domains.js", "20250202000007_team_workspaces.js", "20250202000008_affiliate_system.js",
        "20250202000008_blog_tutorials.js", "20250202000008_enterprise_contracts.js", "20250202000008_usage_billing.js",
        "20250202000009_blog_tutorials.js", "20250202000009_marketplace_system.js", "20250202000009_showcase_gallery.js",
        "20250202000010_roadmap_system.js", "20250202000011_showcase_system.js",
    ];

    private static readonly string[] DeletedInWorkingTree = ["20250202000010_roadmap_system.js", "20250202000011_showcase_system.js"];

    private static TableSpec EnterpriseTable(string name)
    {
        var table = name[15..^3] + (name.StartsWith("20250202000009_blog", StringComparison.Ordinal) ? "_v2" : string.Empty);
        return new TableSpec(table, [Fk("workspace_id", "workspaces"), Str("name"), Status("active"), Json("settings")], [Index("workspace_id"), Index("status")]);
    }

    private static List<(string Name, TableSpec Table, bool WithDown)> JanuaryTables()
    {
        TableSpec[] tables =
        [
            new("users", [Str("email"), Str("password_hash"), Str("name"), Str("role", 32), Time("last_login_at")], [Unique("email"), Index("role")]),
            new("workspaces", [Str("name"), Str("slug", 64), Fk("owner_id", "users", "SET NULL", nullable: true), Str("plan", 32)], [Unique("slug"), Index("owner_id"), Index("plan")]),
            new("workspace_members", [Fk("workspace_id", "workspaces"), Fk("user_id", "users"), Str("role", 32)], [Unique("workspace_id", "user_id"), Index("user_id")]),
            new("bots", [Fk("workspace_id", "workspaces"), Str("name"), Status("draft"), Json("settings")], [Index("workspace_id"), Index("status"), Index("id", "created_at")]),
            new("bot_versions", [Fk("bot_id", "bots"), Int("version", 1), Json("definition"), Time("published_at")], [Unique("bot_id", "version")]),
            new("flows", [Fk("bot_id", "bots"), Str("name"), Str("trigger", 64)], [Index("bot_id")]),
            new("flow_nodes", [Fk("flow_id", "flows"), Str("type", 32), Json("config"), Int("position")], [Index("flow_id"), Index("type")]),
            new("channels", [Fk("bot_id", "bots"), Str("type", 32), Json("config"), Status("inactive")], [Index("bot_id"), Index("type"), Index("status")]),
            new("contacts", [Fk("workspace_id", "workspaces"), Str("external_id"), Str("name", 255, nullable: true), Str("email", 255, nullable: true)], [Index("workspace_id"), Index("external_id"), Index("email")]),
            new("contact_attributes", [Fk("contact_id", "contacts"), Str("key", 128), Text("value")], [Unique("contact_id", "key")]),
            new("conversations", [Fk("workspace_id", "workspaces"), Fk("bot_id", "bots"), Fk("channel_id", "channels", "SET NULL", nullable: true), Fk("contact_id", "contacts"), Status("open")], [Index("workspace_id"), Index("bot_id"), Index("contact_id"), Index("status"), Index("workspace_id", "created_at")]),
            new("messages", [Fk("conversation_id", "conversations"), Str("direction", 8), Str("type", 32), Json("content")], [Index("direction"), Index("id", "created_at")]),
            new("templates", [Fk("workspace_id", "workspaces"), Str("name"), Text("body"), Str("locale", 8)], [Index("workspace_id")]),
            new("webhooks", [Fk("workspace_id", "workspaces"), Str("url", 2048), Str("secret"), Json("events"), Bool("active", true)], [Index("workspace_id"), Index("active")]),
            new("api_tokens", [Fk("workspace_id", "workspaces"), Fk("user_id", "users", "SET NULL", nullable: true), Str("token_hash", 128), Time("last_used_at")], [Unique("token_hash"), Index("workspace_id")]),
            new("audit_logs", [Fk("workspace_id", "workspaces"), Fk("user_id", "users", "SET NULL", nullable: true), Str("action", 64), Str("entity_type", 64), Str("entity_id", 64), Json("metadata")], [Index("workspace_id"), Index("action"), Index("entity_type", "entity_id")]),
            new("analytics_events", [Fk("workspace_id", "workspaces"), Fk("bot_id", "bots"), Str("event_type", 64), Json("properties")], [Index("bot_id"), Index("event_type"), Index("workspace_id", "created_at")]),
            new("ab_tests", [Fk("bot_id", "bots"), Str("name"), Status("draft"), Int("traffic_split", 50)], [Index("bot_id"), Index("status")]),
            new("ab_test_variants", [Fk("ab_test_id", "ab_tests"), Str("name"), Int("weight", 1), Json("definition")], [Index("ab_test_id")]),
            new("subscriptions", [Fk("workspace_id", "workspaces"), Str("plan", 32), Status("active"), Time("current_period_end")], [Index("workspace_id"), Index("status")]),
            new("invoices", [Fk("workspace_id", "workspaces"), Fk("subscription_id", "subscriptions", "SET NULL", nullable: true), Int("amount_cents"), Str("currency", 3), Status("open"), Time("due_at")], [Index("workspace_id"), Index("subscription_id"), Index("status")]),
            new("payments", [Fk("invoice_id", "invoices"), Int("amount_cents"), Str("provider", 32), Str("provider_ref", 128), Status("pending")], [Index("invoice_id"), Index("status"), Index("provider_ref")]),
            new("notifications", [Fk("user_id", "users"), Str("type", 64), Json("payload"), Time("read_at")], [Index("user_id"), Index("user_id", "read_at")]),
            new("files", [Fk("workspace_id", "workspaces"), Fk("uploaded_by", "users", "SET NULL", nullable: true), Str("name"), Str("mime_type", 128), Int("size_bytes"), Str("storage_key", 512)], [Index("workspace_id")]),
            new("integrations", [Fk("workspace_id", "workspaces"), Str("provider", 64), Json("config"), Status("connected")], [Index("workspace_id"), Index("provider")]),
            new("knowledge_bases", [Fk("bot_id", "bots"), Str("name"), Text("description", nullable: true)], [Index("bot_id")]),
            new("kb_articles", [Fk("knowledge_base_id", "knowledge_bases"), Str("title"), Text("body"), Status("draft")], [Index("knowledge_base_id"), Index("status")]),
            new("broadcasts", [Fk("bot_id", "bots"), Fk("channel_id", "channels", "SET NULL", nullable: true), Str("name"), Time("scheduled_at"), Status("draft")], [Index("bot_id"), Index("status"), Index("scheduled_at")]),
        ];

        var start = new DateTime(2025, 1, 10, 9, 0, 0, DateTimeKind.Utc);
        return tables.Select((table, i) => (
            Name: $"{start.AddHours(i * 9).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}_create_{table.Name}.js",
            Table: table,
            WithDown: table.Name != "templates")).ToList();
    }

    private static List<(string Name, string Content)> FebruaryMigrations()
    {
        (string Name, string Content) Create(int sequence, TableSpec table) =>
            ($"202502020000{sequence:00}_create_{table.Name}.js", table.KnexMigration());
        return
        [
            ("20250202000012_add_message_status.js", AddColumns("messages", ["table.string('status', 32).notNullable().defaultTo('sent');", "table.index(['status']);"], null)),
            Create(13, new("tags", [Fk("workspace_id", "workspaces"), Str("name", 64), Str("color", 16)], [Unique("workspace_id", "name")])),
            Create(14, new("conversation_tags", [Fk("conversation_id", "conversations"), Fk("tag_id", "tags")], [Unique("conversation_id", "tag_id"), Index("tag_id")])),
            Create(15, new("segments", [Fk("workspace_id", "workspaces"), Str("name"), Json("rules")], [Index("workspace_id")])),
            Create(16, new("contact_segments", [Fk("contact_id", "contacts"), Fk("segment_id", "segments")], [Unique("contact_id", "segment_id"), Index("segment_id")])),
            Create(17, new("scheduled_messages", [Fk("conversation_id", "conversations"), Time("send_at"), Json("payload"), Status("scheduled")], [Index("conversation_id"), Index("send_at"), Index("status")])),
            Create(18, new("quick_replies", [Fk("bot_id", "bots"), Str("label", 64), Str("payload")], [Index("bot_id")])),
            Create(19, new("canned_responses", [Fk("workspace_id", "workspaces"), Str("title"), Text("body")], [Index("workspace_id")])),
            Create(20, new("agent_assignments", [Fk("conversation_id", "conversations"), Fk("user_id", "users", "SET NULL", nullable: true), Time("assigned_at")], [Index("conversation_id"), Index("user_id")])),
            Create(21, new("business_hours", [Fk("workspace_id", "workspaces"), Int("day_of_week"), Str("opens_at", 5), Str("closes_at", 5)], [Index("workspace_id")])),
            Create(22, new("csat_surveys", [Fk("bot_id", "bots"), Str("question"), Int("scale", 5)], [Index("bot_id")])),
            Create(23, new("csat_responses", [Fk("survey_id", "csat_surveys"), Fk("conversation_id", "conversations"), Int("score")], [Index("survey_id"), Index("conversation_id")])),
            ("20250202000024_add_workspace_limits.js", AddColumns("workspaces", ["table.integer('max_bots').notNullable().defaultTo(3);", "table.integer('max_seats').notNullable().defaultTo(5);"], null)),
            Create(25, new("api_usage", [Fk("workspace_id", "workspaces"), Fk("api_token_id", "api_tokens", "SET NULL", nullable: true), Str("endpoint"), Int("status_code"), Int("duration_ms")], [Index("workspace_id"), Index("api_token_id")])),
            Create(26, new("bot_analytics_daily", [Fk("bot_id", "bots"), "table.date('day').notNullable();", Int("conversations"), Int("messages")], [Unique("bot_id", "day")])),
            Create(27, new("event_deliveries", [Fk("webhook_id", "webhooks"), Str("event_type", 64), Status("pending"), Int("attempts"), Int("response_code")], [Index("webhook_id"), Index("status")])),
            Create(28, new("message_reactions", [Fk("message_id", "messages"), Fk("contact_id", "contacts"), Str("reaction", 32)], [Index("message_id")])),
            Create(29, new("attachments", [Fk("message_id", "messages"), Fk("file_id", "files", "SET NULL", nullable: true), Str("url", 2048)], [Index("message_id"), Index("file_id")])),
            Create(30, new("human_handoffs", [Fk("conversation_id", "conversations"), Status("requested"), Time("resolved_at")], [Index("conversation_id"), Index("status")])),
            Create(31, new("sessions", [Fk("user_id", "users"), Str("token_hash", 128), Time("expires_at")], [Unique("token_hash"), Index("user_id")])),
            Create(32, new("password_resets", [Fk("user_id", "users"), Str("token_hash", 128), Time("expires_at")], [Unique("token_hash"), Index("user_id")])),
            Create(33, new("email_verifications", [Fk("user_id", "users"), Str("token_hash", 128), Time("verified_at")], [Index("user_id")])),
        ];
    }

    private static List<(string Name, string Content)> UntrackedMigrations()
    {
        TableSpec[] later =
        [
            new("helpdesk_agents", [Fk("workspace_id", "workspaces"), Fk("user_id", "users"), Int("max_tickets", 20)], [Unique("workspace_id", "user_id")]),
            new("helpdesk_sla_policies", [Fk("workspace_id", "workspaces"), Str("name"), Int("first_response_minutes", 60), Int("resolution_minutes", 1440)], [Index("workspace_id")]),
            new("kb_feedback", [Fk("article_id", "kb_articles"), Fk("contact_id", "contacts", "SET NULL", nullable: true), Bool("helpful", true)], [Index("article_id")]),
            new("voice_channels", [Fk("channel_id", "channels"), Str("phone_number", 32), Str("provider", 32)], [Index("channel_id"), Unique("phone_number")]),
            new("voice_calls", [Fk("voice_channel_id", "voice_channels"), Fk("conversation_id", "conversations", "SET NULL", nullable: true), Int("duration_seconds"), Status("ringing")], [Index("voice_channel_id"), Index("status")]),
            new("call_recordings", [Fk("voice_call_id", "voice_calls"), Str("storage_key", 512), Int("duration_seconds")], [Index("voice_call_id")]),
            new("ai_models", [Fk("workspace_id", "workspaces"), Str("provider", 32), Str("model", 64), Json("config")], [Index("workspace_id")]),
            new("ai_prompts", [Fk("bot_id", "bots"), Fk("ai_model_id", "ai_models", "SET NULL", nullable: true), Str("name"), Text("template")], [Index("bot_id"), Index("ai_model_id")]),
            new("ai_completions", [Fk("ai_prompt_id", "ai_prompts"), Fk("conversation_id", "conversations", "SET NULL", nullable: true), Int("tokens_in"), Int("tokens_out"), Int("latency_ms")], [Index("ai_prompt_id"), Index("conversation_id")]),
            new("training_jobs", [Fk("bot_id", "bots"), Status("queued"), Time("started_at"), Time("finished_at")], [Index("bot_id"), Index("status")]),
            new("intent_examples", [Fk("intent_id", "intents"), Text("text")], [Index("intent_id")]),
            new("entity_values", [Fk("entity_id", "entities"), Str("value"), Json("synonyms")], [Index("entity_id")]),
            new("flow_experiments", [Fk("flow_id", "flows"), Fk("ab_test_id", "ab_tests", "SET NULL", nullable: true)], [Index("flow_id")]),
            new("translation_strings", [Fk("bot_id", "bots"), Str("locale", 8), Str("key"), Text("value")], [Unique("bot_id", "locale", "key")]),
            new("workspace_invites", [Fk("workspace_id", "workspaces"), Str("email"), Fk("invited_by", "users", "SET NULL", nullable: true), Str("token_hash", 128), Time("expires_at")], [Index("workspace_id"), Unique("token_hash")]),
            new("sso_connections", [Fk("workspace_id", "workspaces"), Str("provider", 32), Json("metadata")], [Index("workspace_id")]),
            new("scim_tokens", [Fk("workspace_id", "workspaces"), Str("token_hash", 128), Time("last_used_at")], [Index("workspace_id")]),
            new("data_exports", [Fk("workspace_id", "workspaces"), Fk("requested_by", "users", "SET NULL", nullable: true), Status("queued"), Str("storage_key", 512, nullable: true)], [Index("workspace_id"), Index("status")]),
            new("retention_policies", [Fk("workspace_id", "workspaces"), Str("entity", 64), Int("days", 365)], [Unique("workspace_id", "entity")]),
        ];

        var helpdesk = new TableSpec("helpdesk_tickets",
            [Fk("workspace_id", "workspaces"), Fk("contact_id", "contacts"), Fk("conversation_id", "conversations", "SET NULL", nullable: true), Str("subject"), Status("open"), Str("priority", 16), Fk("assigned_to", "users", "SET NULL", nullable: true)],
            [Index("workspace_id"), Index("contact_id"), Index("status"), Index("assigned_to")]);
        var start = new DateTime(2025, 2, 21, 9, 0, 0, DateTimeKind.Utc);
        return
        [
            ("20250202000034_helpdesk_tickets.js", helpdesk.KnexMigration()),
            .. later.Select((table, i) => ($"{start.AddHours(i * 7).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}_create_{table.Name}.js", table.KnexMigration())),
        ];
    }

    private static string AddColumns(string table, string[] columns, string[]? dropColumns)
    {
        var up = $"  await knex.schema.alterTable('{table}', (table) => {{\n{string.Concat(columns.Select(c => "    " + c + "\n"))}  }});\n";
        if (dropColumns is null)
        {
            return TableSpec.Migration(up, string.Empty, withDown: false);
        }

        var down = $"  await knex.schema.alterTable('{table}', (table) => {{\n    table.dropColumns({string.Join(", ", dropColumns.Select(c => $"'{c}'"))});\n  }});\n";
        return TableSpec.Migration(up, down);
    }

    private static string TypeScriptMigration(TableSpec table) =>
        "import type { Knex } from 'knex';\n\n" +
        "export async function up(knex: Knex): Promise<void> {\n" + table.CreateBody() + "}\n\n" +
        $"export async function down(knex: Knex): Promise<void> {{\n  await knex.schema.dropTableIfExists('{table.Name}');\n}}\n";

    private const string FixAbTests = """
        /**
         * @param { import("knex").Knex } knex
         */
        exports.up = async function (knex) {
          await knex.schema.alterTable('ab_tests', (table) => {
            table.renameColumn('traffic_split', 'traffic_percent');
            table.timestamp('ended_at', { useTz: true }).nullable();
          });
        };

        /**
         * @param { import("knex").Knex } knex
         */
        exports.down = async function (knex) {
          await knex.schema.alterTable('ab_tests', (table) => {
            table.dropColumn('ended_at');
            table.renameColumn('traffic_percent', 'traffic_split');
          });
        };

        """;

    private const string LegacyIntents = """
        // Migrated from the old scripts/migrate.js runner (numbered migrations 001-036).
        exports.up = async function (db) {
          await db.query(`
            CREATE TABLE IF NOT EXISTS intents (
              id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
              bot_id UUID NOT NULL,
              name VARCHAR(255) NOT NULL,
              created_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )
          `);
          await db.query('CREATE INDEX IF NOT EXISTS idx_intents_bot_id ON intents (bot_id)');
          await db.query(`
            CREATE TABLE IF NOT EXISTS entities (
              id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
              bot_id UUID NOT NULL,
              name VARCHAR(255) NOT NULL,
              kind VARCHAR(32) NOT NULL DEFAULT 'list',
              created_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )
          `);
          await db.query('CREATE INDEX IF NOT EXISTS idx_entities_bot_id ON entities (bot_id)');
        };

        exports.down = async function (db) {
          await db.query('DROP TABLE IF EXISTS entities');
          await db.query('DROP TABLE IF EXISTS intents');
        };

        """;

    private const string LegacyClones = """
        const db = require('../config/db');

        async function up() {
          await db.query(`
            CREATE TABLE IF NOT EXISTS bot_clones (
              id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
              source_bot_id UUID NOT NULL,
              target_bot_id UUID,
              status VARCHAR(32) NOT NULL DEFAULT 'pending',
              created_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )
          `);
          await db.query('CREATE INDEX IF NOT EXISTS idx_bot_clones_source ON bot_clones (source_bot_id)');
        }

        async function down() {
          await db.query('DROP TABLE IF EXISTS bot_clones');
        }

        module.exports = { up, down };

        """;

    private const string LegacyFacebook = """
        const db = require('../config/db');

        module.exports = {
          async up() {
            await db.query(`
              CREATE TABLE IF NOT EXISTS facebook_pages (
                id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
                channel_id UUID NOT NULL,
                page_id VARCHAR(64) NOT NULL UNIQUE,
                access_token TEXT NOT NULL,
                created_at TIMESTAMPTZ NOT NULL DEFAULT now()
              )
            `);
            await db.query('CREATE INDEX IF NOT EXISTS idx_facebook_pages_channel ON facebook_pages (channel_id)');
          },

          async down() {
            await db.query('DROP TABLE IF EXISTS facebook_pages');
          },
        };

        """;

    private const string PackageJson = """
        {
          "name": "botbuilder",
          "version": "1.4.0",
          "private": true,
          "scripts": {
            "start": "node server/index.js",
            "migrate": "knex --knexfile server/knexfile.js migrate:latest"
          },
          "dependencies": {
            "dotenv": "^16.4.5",
            "express": "^4.21.2",
            "knex": "^3.1.0",
            "pg": "^8.13.1"
          }
        }

        """;

    private const string Knexfile = """
        require('dotenv').config();
        const path = require('path');

        const databaseUrl = process.env.DATABASE_URL;
        const isLocalDatabase = !databaseUrl || databaseUrl.includes('localhost') || databaseUrl.includes('127.0.0.1');

        const shared = {
          client: 'pg',
          migrations: {
            directory: path.join(__dirname, 'migrations'),
            tableName: 'knex_migrations',
          },
          pool: {
            min: 2,
            max: 10,
            acquireTimeoutMillis: 60000,
            idleTimeoutMillis: 30000,
          },
        };

        module.exports = {
          development: {
            ...shared,
            connection: databaseUrl || 'postgres://postgres:postgres@localhost:5432/botbuilder',
          },

          test: {
            ...shared,
            connection: process.env.TEST_DATABASE_URL || 'postgres://postgres:postgres@localhost:5432/botbuilder_test',
          },

          production: {
            ...shared,
            connection: {
              connectionString: databaseUrl,
              // External databases (managed PostgreSQL) always get TLS.
              ssl: isLocalDatabase ? false : { rejectUnauthorized: false },
            },
          },
        };

        """;

    private const string AppDatabaseModule = """
        const knex = require('knex');

        const ssl = process.env.DB_SSL === 'true' ? { rejectUnauthorized: false } : false;

        const db = knex({
          client: 'pg',
          connection: {
            connectionString: process.env.DATABASE_URL,
            ssl,
          },
          pool: {
            min: 0,
            max: 20,
            acquireTimeoutMillis: 30000,
            idleTimeoutMillis: 30000,
          },
        });

        // Older code paths still call db.query(sql, params) as they did with node-postgres.
        db.query = (text, params) => db.raw(text, params);

        module.exports = db;

        """;

    private const string ServerIndex = """
        const express = require('express');
        const db = require('./config/db');

        const app = express();
        app.get('/health', async (req, res) => {
          await db.raw('select 1');
          res.json({ ok: true });
        });

        app.listen(process.env.PORT || 3000);

        """;
}
