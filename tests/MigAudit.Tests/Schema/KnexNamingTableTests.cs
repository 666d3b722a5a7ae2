using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Schema;

/// <summary>
/// The names and shapes the replay gives indexes, unique constraints and foreign keys, against the SQL real knex 3
/// writes for the same builder calls (toSQL, no database).
/// </summary>
public sealed partial class KnexNamingTableTests
{
    // Table, then the body of an alterTable callback (t is the table builder). Each adds one named object.
    private static readonly (string Table, string Body)[] Cases =
    [
        ("users", "t.index(['email']);"),
        ("users", "t.index(['Email', 'name']);"),
        ("users", "t.unique(['email']);"),
        ("users", "t.index(['email'], 'custom_email_idx');"),
        ("users", "t.unique(['email'], { indexName: 'u_email' });"),
        ("users", "t.foreign('org_id').references('orgs.id');"),
        ("users", "t.foreign(['org_id'], 'users_org_fk').references('id').inTable('orgs');"),
        ("users", "t.integer('team_id').references('orgs.id');"),
        ("users", "t.foreign('org_id').references('id').inTable('orgs').withKeyName('users_org_named_fk');"),
        ("users", "t.integer('club_id').references('orgs.id').withKeyName('users_club_fk');"),
        ("users", "t.string('code').unique();"),
        ("users", "t.string('slug').index();"),
        ("users", "t.string('slug2').index('slug2_idx');"),
        ("users", "t.index(['email'], null, { indexType: 'GIN' });"),
        ("users", "t.index(['email'], null, { storageEngineIndexType: 'hash' });"),
        ("users", "t.index(['email'], null, { indexType: 'unique' });"),
        ("users", "t.index(['name'], 'users_name_gist', 'gist');"),
        ("users", "t.index(['email'], 'users_live_email', { predicate: knex.whereNotNull('email') });"),
        ("Order-Items", "t.index(['sku']);"),
        ("order.items", "t.unique(['sku']);"),
    ];

    [GeneratedRegex("""(?:index|constraint) "([^"]+)"(?: on "[^"]+")?(?: using (\w+))?""")]
    private static partial Regex NamedObject();

    [SkippableFact]
    public void Every_index_unique_and_foreign_key_gets_the_name_and_method_real_knex_gives_it()
    {
        Requires.Dependency(NodeKnex.Available, "real knex in tests/node (npm ci there)");
        var real = NodeKnex.RunJson<string[][]>("builder-sql.js", new JsonArray([.. Cases.Select(c => new JsonArray(c.Table, c.Body))]));

        var mismatches = new List<string>();
        for (var i = 0; i < Cases.Length; i++)
        {
            var (table, body) = Cases[i];
            var expected = real[i].Select(sql => NamedObject().Match(sql)).Where(m => m.Success)
                .Select(m => $"{m.Groups[1].Value}:{(m.Groups[2].Success ? m.Groups[2].Value : "btree")}").Order(StringComparer.Ordinal).ToList();
            var replayed = Replay(table, body);
            if (!expected.SequenceEqual(replayed))
            {
                mismatches.Add($"{table}: {body} -> knex [{string.Join(", ", expected)}] ({string.Join("; ", real[i])}), replay [{string.Join(", ", replayed)}]");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    /// <summary>The names (and index methods) the replay gives what one alterTable callback adds.</summary>
    private static List<string> Replay(string table, string body)
    {
        using var repo = Audit.Project(
            ("20250101000000_base.js", $$"""
                exports.up = async (knex) => {
                  await knex.schema.createTable('orgs', (t) => { t.increments('id'); });
                  await knex.schema.createTable({{MigAudit.Core.Quoting.JsString(table)}}, (t) => {
                    t.increments('id'); t.string('email'); t.string('Email'); t.string('name'); t.integer('org_id'); t.string('sku');
                  });
                };
                exports.down = async () => {};
                """),
            ("20250102000000_case.js", $$"""
                exports.up = (knex) => knex.schema.alterTable({{MigAudit.Core.Quoting.JsString(table)}}, (t) => { {{body}} });
                exports.down = async () => {};
                """));
        var replayed = Audit.Run(repo.Root).Input.Schema.Schema.Table(table)!;
        return replayed.Indexes.Where(x => x.Origin.Migration.StartsWith("20250102", StringComparison.Ordinal)).Select(x => $"{x.Name}:{x.Method}")
            .Concat(replayed.ForeignKeys.Where(f => f.Origin.Migration.StartsWith("20250102", StringComparison.Ordinal)).Select(f => $"{f.Name}:btree"))
            .Order(StringComparer.Ordinal).ToList();
    }

    // Each drops one object the base migration made; knex's SQL names it, the replay must remove exactly that one.
    private static readonly string[] Drops =
    [
        "t.dropIndex(['email']);",
        "t.dropIndex([], 'custom_email_idx');",
        "t.dropIndex('email', 'custom_email_idx');",
        "t.dropUnique(['email']);",
        "t.dropUnique([], 'u_email');",
        "t.dropForeign('org_id');",
        "t.dropForeign(['org_id'], 'users_org_fk');",
        "t.dropPrimary();",
    ];

    [GeneratedRegex("""drop (?:index|constraint) "([^"]+)"$""")]
    private static partial Regex DroppedObject();

    [SkippableFact]
    public void Every_drop_removes_the_object_real_knex_names_in_its_sql()
    {
        Requires.Dependency(NodeKnex.Available, "real knex in tests/node (npm ci there)");
        var real = NodeKnex.RunJson<string[][]>("builder-sql.js", new JsonArray([.. Drops.Select(d => new JsonArray("users", d))]));

        var mismatches = new List<string>();
        for (var i = 0; i < Drops.Length; i++)
        {
            var named = DroppedObject().Match(Assert.Single(real[i])).Groups[1].Value;
            var removed = Removed(Drops[i]);
            if (removed != named)
            {
                mismatches.Add($"{Drops[i]} -> knex drops '{named}' ({real[i][0]}), the replay removes '{removed}'");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    /// <summary>The one index, constraint or primary key (as users_pkey) the drop removes in the replay, with no chain problem.</summary>
    private static string Removed(string drop)
    {
        using var repo = Audit.Project(
            ("20250101000000_base.js", """
                exports.up = async (knex) => {
                  await knex.schema.createTable('orgs', (t) => { t.increments('id'); });
                  await knex.schema.createTable('users', (t) => {
                    t.increments('id'); t.string('email'); t.integer('org_id'); t.integer('team_id');
                    t.index(['email']); t.index(['email'], 'custom_email_idx'); t.unique(['email']); t.unique(['email'], { indexName: 'u_email' });
                    t.foreign('org_id').references('orgs.id'); t.foreign(['team_id'], 'users_org_fk').references('orgs.id');
                  });
                };
                exports.down = async () => {};
                """),
            ("20250102000000_drop.js", $$"""
                exports.up = (knex) => knex.schema.alterTable('users', (t) => { {{drop}} });
                exports.down = async () => {};
                """));
        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Of("chain-error"));
        var before = new[] { "users_email_index", "custom_email_idx", "users_email_unique", "u_email", "users_org_id_foreign", "users_org_fk", "users_pkey" };
        var users = result.Input.Schema.Schema.Table("users")!;
        var after = users.Indexes.Select(x => x.Name).Concat(users.ForeignKeys.Select(f => f.Name)).Concat(users.PrimaryKey.Count > 0 ? ["users_pkey"] : []);
        return string.Join(",", before.Except(after));
    }
}
