using MigAudit.Core;
using MigAudit.Engine;
using MigAudit.Knex.Discovery;
using MigAudit.Knex.JavaScript;
using MigAudit.Knex.Schema;

namespace MigAudit.Tests.Support;

public static class Audit
{
    public static AuditResult Run(string root, DiscoveryOptions? options = null) => Auditor.Run(root, options ?? new DiscoveryOptions());

    public static List<Finding> Of(this AuditResult result, string rule) => result.Findings.Where(f => f.Rule == rule).ToList();

    public static Migration Migration(this AuditResult result, string name) => result.Input.Migrations.Single(m => m.Name == name);

    /// <summary>A rule's fixture (tests/fixtures/RULE/SIDE), committed in a repository of its own.</summary>
    public static TempRepo Fixture(string rule, string side)
    {
        var repo = new TempRepo();
        repo.CopyFixture(Path.Combine(rule, side));
        repo.Commit("fixture");
        return repo;
    }

    /// <summary>A committed project: the standard knexfile and these files under migrations/.</summary>
    public static TempRepo Project(params (string Name, string Content)[] migrations)
    {
        var repo = new TempRepo();
        repo.Write("knexfile.js", Knexfile);
        foreach (var (name, content) in migrations)
        {
            repo.Write("migrations/" + name, content);
        }

        repo.Commit();
        return repo;
    }

    /// <summary>The schema replay alone of these migrations (each file's whole text, in order) for a dialect: no git, no knexfile.</summary>
    public static SchemaReplay Replay(SqlDialect dialect, params string[] migrations)
    {
        using var repo = new TempRepo(init: false);
        var replayer = new SchemaReplayer(repo.Root, new ParsedModuleCache(), dialect: dialect);
        for (var i = 0; i < migrations.Length; i++)
        {
            var name = $"2025010100{i:D4}_step.js";
            repo.Write("migrations/" + name, migrations[i]);
            replayer.Step(new SchemaReplayer.Input(name, repo.PathOf("migrations/" + name)));
        }

        return replayer.Result;
    }

    public const string Knexfile = """
        module.exports = {
          production: {
            client: 'pg',
            connection: process.env.DATABASE_URL,
            migrations: { directory: './migrations' },
          },
        };
        """;

    public static string CreateTable(string table, bool withDown = true) =>
        $"exports.up = function (knex) {{\n  return knex.schema.createTable('{table}', (t) => {{\n    t.increments('id');\n  }});\n}};\n" +
        (withDown ? $"\nexports.down = function (knex) {{\n  return knex.schema.dropTable('{table}');\n}};\n" : string.Empty);
}
