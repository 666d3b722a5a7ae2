using System.Text.Json.Nodes;
using MigAudit.Reporting;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Git;

/// <summary>
/// Knex records a migration's file name, never its folder, so a migration whose folder moved (git mv, a copy then a
/// deletion, with the knexfile's directory) is the same migration: not late, not deleted, not new. And a release
/// shipped a migration only when its tree holds the file, whatever the tag's ancestry.
/// </summary>
public sealed class MoveTests
{
    private const string Users = "20250101000000_users.js";
    private const string Orders = "20250102000000_orders.js";
    private const string Items = "20250103000000_items.js";
    private const string Tags = "20250104000000_tags.js";

    private static string Knexfile(string directory) => Audit.Knexfile.Replace("'./migrations'", $"'./{directory}'", StringComparison.Ordinal);

    private static TempRepo OldFolder(params string[] names)
    {
        var repo = new TempRepo();
        repo.Write("knexfile.js", Knexfile("db/migrations"));
        foreach (var name in names)
        {
            repo.Write("db/migrations/" + name, Audit.CreateTable(Path.GetFileNameWithoutExtension(name).Split('_')[1]));
        }

        repo.Commit("db/migrations");
        return repo;
    }

    [Fact]
    public void A_folder_moved_with_git_mv_and_the_knexfile_keeps_its_migrations_and_its_real_deletion()
    {
        using var repo = OldFolder(Users, Orders, Items);
        var first = repo.Git("rev-parse", "HEAD").Trim();
        repo.Git("tag", "v1");
        repo.Delete("db/migrations/" + Items);
        repo.Commit("drop items");
        repo.Git("mv", "db", "src");
        repo.Write("knexfile.js", Knexfile("src/migrations"));
        var move = repo.Commit("move migrations under src/");
        repo.Write("src/migrations/" + Tags, Audit.CreateTable("tags"));
        repo.Commit("tags");

        var result = Audit.Run(repo.Root);

        Assert.Equal(["db/migrations"], result.Input.Git.FormerDirectories);
        Assert.Equal(first, result.Migration(Users).Git.Added!.Id);
        Assert.Equal("db/migrations/" + Users, result.Migration(Users).Git.MovedFrom);
        Assert.Null(result.Migration(Tags).Git.MovedFrom);
        Assert.Empty(result.Of("late-migration"));
        Assert.Empty(result.Of("renamed-migration"));
        // The one real deletion, in the folder the knexfile used to name, with the release whose tree held it.
        var deleted = Assert.Single(result.Input.Deleted);
        Assert.Equal("db/migrations/" + Items, deleted.Path);
        Assert.Equal(["v1"], deleted.Releases);
        Assert.Single(result.Of("deleted-migration"));
        // v1 (the newest release) holds users and orders under db/migrations: they ran wherever it is deployed.
        Assert.Equal("v1", result.Migration(Users).Git.ShippedInRelease);
        Assert.Equal("v1", result.Migration(Orders).Git.ShippedInRelease);
        Assert.Null(result.Migration(Tags).Git.ShippedInRelease);
        Assert.NotEqual(move, result.Migration(Orders).Git.Added!.Id);
    }

    [Fact]
    public void A_copy_then_a_deletion_in_two_commits_after_a_newer_migration_in_the_new_folder_is_not_late_nor_deleted()
    {
        using var repo = OldFolder(Users, Orders);
        var first = repo.Git("rev-parse", "HEAD").Trim();
        repo.Write("knexfile.js", Knexfile("src/db/migrations"));
        repo.Write("src/db/migrations/" + Items, Audit.CreateTable("items"));
        repo.Commit("new folder, first migration there");
        repo.Write("src/db/migrations/" + Users, Audit.CreateTable("users"));
        repo.Write("src/db/migrations/" + Orders, Audit.CreateTable("orders"));
        repo.Commit("copy the old migrations");
        repo.Delete("db/migrations/" + Users).Delete("db/migrations/" + Orders);
        repo.Commit("remove the old folder");

        var result = Audit.Run(repo.Root);

        Assert.Empty(result.Of("late-migration"));
        Assert.Empty(result.Of("deleted-migration"));
        Assert.Empty(result.Input.Deleted);
        Assert.Equal(first, result.Migration(Orders).Git.Added!.Id);
        Assert.Null(result.Migration(Orders).Git.Late);

        var json = JsonNode.Parse(JsonReport.Render(result, "test"))!;
        Assert.Equal("""["db/migrations"]""", json["git"]!["formerDirectories"]!.ToJsonString());
        var migrations = json["migrations"]!.AsArray().ToDictionary(m => (string)m!["name"]!, m => m!);
        Assert.Equal("db/migrations/" + Orders, (string?)migrations[Orders]["movedFrom"]);
        Assert.Null(migrations[Items]["movedFrom"]);
        Assert.Null(migrations[Orders]["lateAfter"]);
        Assert.Equal(first, (string?)migrations[Users]["addedIn"]);
        Assert.Empty(json["deletedMigrations"]!.AsArray());
    }

    [Fact]
    public void A_migration_that_really_arrives_late_after_a_move_is_still_late()
    {
        using var repo = OldFolder(Users, Tags);
        repo.Git("mv", "db/migrations", "migrations");
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Commit("move");
        repo.Write("migrations/" + Orders, Audit.CreateTable("orders"));
        repo.Commit("orders, dated before tags");

        var result = Audit.Run(repo.Root);

        var late = Assert.Single(result.Of("late-migration"));
        Assert.Equal($"{Orders} — after {Tags}", late.Headline);
        Assert.Empty(result.Of("deleted-migration"));
    }

    [Fact]
    public void A_release_whose_tree_lacks_a_deleted_migration_did_not_ship_it_even_when_it_descends_from_its_commit()
    {
        using var repo = Audit.Project(("20250101000000_users.js", Audit.CreateTable("users")));
        repo.Write("migrations/" + Orders, Audit.CreateTable("orders"));
        repo.Commit("orders");
        repo.Git("tag", "v1");
        // A hotfix release cut from v1 that already dropped the file: it contains the commit that added orders and not
        // the mainline commit that deleted it, so a range by ancestry would count it.
        repo.Git("checkout", "-q", "-b", "hotfix");
        repo.Delete("migrations/" + Orders);
        repo.Commit("hotfix: drop orders");
        repo.Git("tag", "v1.0.1");
        repo.Git("checkout", "-q", "-");
        repo.Delete("migrations/" + Orders);
        repo.Write("README.md", "mainline deletion");
        repo.Commit("drop orders");

        var result = Audit.Run(repo.Root);

        var deleted = Assert.Single(result.Input.Deleted);
        Assert.Equal(["v1"], deleted.Releases);
        // The hotfix tag does not contain the mainline's deletion either: no release has run without the file yet.
        Assert.Empty(deleted.ReleasesSince!);
        Assert.EndsWith("It shipped in release v1, and no release has the deletion yet: the next deploy is the first without it.", Assert.Single(result.Of("deleted-migration")).Message);
    }

    [Fact]
    public void A_release_whose_tree_holds_only_the_new_name_did_not_ship_the_old_one()
    {
        using var repo = Audit.Project(("20250101000000_users.js", Audit.CreateTable("users")));
        repo.Write("migrations/" + Orders, Audit.CreateTable("orders"));
        repo.Commit("orders");
        repo.Git("tag", "v1");
        repo.Git("checkout", "-q", "-b", "branch");
        repo.Move("migrations/" + Orders, "migrations/20250102000000_create_orders.js");
        repo.Commit("rename on a release branch");
        repo.Git("tag", "v1.1");
        repo.Git("checkout", "-q", "-");
        repo.Move("migrations/" + Orders, "migrations/20250102000000_create_orders.js");
        repo.Write("README.md", "mainline rename");
        repo.Commit("rename");

        var result = Audit.Run(repo.Root);

        Assert.Equal(["v1"], Assert.Single(result.Input.Renamed).Releases);
        var json = JsonNode.Parse(JsonReport.Render(result, "test"))!;
        Assert.Equal("""["v1"]""", json["renamedMigrations"]![0]!["releases"]!.ToJsonString());
    }
}

/// <summary>The Knex behaviour the move rules stand on, checked with real knex 3.1.0 on a real PostgreSQL database.</summary>
public sealed class MoveKnexTruthTests
{
    [Fact]
    public async Task Knex_records_the_file_name_only_so_a_moved_folder_runs_nothing_again_and_is_not_corrupt()
    {
        Requires.Postgres();
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        using var postgres = MigAudit.Live.ThrowawayPostgres.Start(tcp: true);
        var database = "moves_" + Guid.NewGuid().ToString("n")[..8];
        await LiveDatabase.ExecuteAsync(postgres.ConnectionString, $"CREATE DATABASE {database}");
        using var repo = new TempRepo(init: false);
        repo.Write("db/migrations/20250101000000_users.js", Audit.CreateTable("users"));
        var connection = new JsonObject { ["host"] = postgres.SocketDirectory, ["port"] = postgres.Port, ["user"] = "postgres", ["password"] = postgres.SuperuserPassword, ["database"] = database };
        var script = repo.PathOf("check.js");
        File.WriteAllText(script, $$"""
            const path = require('path');
            const fs = require('fs');
            const knex = require(path.join(process.cwd(), 'node_modules', 'knex'))({ client: 'pg', connection: {{connection.ToJsonString()}} });
            (async () => {
              const root = {{JsonValue.Create(repo.Root)!.ToJsonString()}};
              const [, first] = await knex.migrate.latest({ directory: path.join(root, 'db/migrations') });
              fs.mkdirSync(path.join(root, 'src/db'), { recursive: true });
              fs.renameSync(path.join(root, 'db/migrations'), path.join(root, 'src/db/migrations'));
              const [, second] = await knex.migrate.latest({ directory: path.join(root, 'src/db/migrations') });
              const names = (await knex('knex_migrations').select('name')).map((r) => r.name);
              console.log(JSON.stringify({ first, second, names }));
              await knex.destroy();
            })().catch((e) => { console.error(e.message); process.exit(1); });
            """);
        var (exit, stdout, stderr) = NodeKnex.Run(script);
        Assert.True(exit == 0, stderr);
        Assert.Equal("""{"first":["20250101000000_users.js"],"second":[],"names":["20250101000000_users.js"]}""", stdout.Trim());
    }
}
