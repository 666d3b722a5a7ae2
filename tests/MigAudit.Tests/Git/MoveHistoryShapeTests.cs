using MigAudit.Tests.Support;

namespace MigAudit.Tests.Git;

/// <summary>
/// The history shapes of real projects whose migrations moved, built as real git repositories: 2anki/server (a .ts → .js
/// conversion in server/migrations, a revert re-landed, the folder gone and brought back, then a move to migrations/
/// with the knexfile), speckle-server (a chain of moves a → b → c), lnurl-node (a migration deleted before another
/// arrived) and speckle's invites (a file rewritten while it moved). Knex records only the file name, so a name is one
/// migration wherever in the set it lived: its addition is its first arrival, its edits are compared with its first
/// version where that version was, and a move is never its addition.
/// </summary>
public sealed class MoveHistoryShapeTests
{
    private const string Users = "20210919214919_users";
    private const string Tokens = "20210920131659_access_tokens";
    private const string Uploads = "20210923121705_uploads";
    private const string Hash = "20220410101019_hash_tokens";
    private const string Late = "20210921000000_late.js";

    private static string Knexfile(string directory) => Audit.Knexfile.Replace("'./migrations'", $"'./{directory}'", StringComparison.Ordinal);

    private static string WithColumn(string table, string column) =>
        Audit.CreateTable(table).Replace("t.increments('id');", $"t.increments('id');\n    t.string('{column}');", StringComparison.Ordinal);

    private static string Short(string commit) => commit[..10];

    [Fact]
    public void A_ts_to_js_conversion_a_re_landed_revert_and_a_move_with_the_knexfile_report_only_the_real_edits_and_the_real_late_arrival()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", Knexfile("server/migrations"));
        repo.Write($"server/migrations/{Users}.ts", Audit.CreateTable("users"));
        repo.Write($"server/migrations/{Tokens}.ts", Audit.CreateTable("access_tokens"));
        var first = repo.Commit("first migrations, TypeScript");
        repo.Git("mv", $"server/migrations/{Users}.ts", $"server/migrations/{Users}.js");
        repo.Git("mv", $"server/migrations/{Tokens}.ts", $"server/migrations/{Tokens}.js");
        var conversion = repo.Commit("convert the migrations to JavaScript");
        repo.Write($"server/migrations/{Uploads}.js", Audit.CreateTable("uploads"));
        repo.Write($"server/migrations/{Hash}.js", Audit.CreateTable("hash_tokens"));
        var uploadsAdded = repo.Commit("uploads and hashed tokens");
        repo.Git("tag", "v1");

        // A revert, then the same change landed again: the restored uploads is unchanged, the restored hash_tokens fixed.
        repo.Delete($"server/migrations/{Uploads}.js").Delete($"server/migrations/{Hash}.js");
        repo.Commit("Revert uploads and hashed tokens");
        repo.Write($"server/migrations/{Uploads}.js", Audit.CreateTable("uploads"));
        repo.Write($"server/migrations/{Hash}.js", WithColumn("hash_tokens", "salt"));
        var relanded = repo.Commit("uploads and hashed tokens, again");

        // In the old folder: a formatting-only edit, and a real one.
        repo.Write($"server/migrations/{Users}.js", Audit.CreateTable("users").Replace('\'', '"'));
        repo.Write($"server/migrations/{Tokens}.js", WithColumn("access_tokens", "scope"));
        var realEdit = repo.Commit("prettier; scope on access tokens");
        repo.Git("tag", "v2");

        // The move: git mv of the folder, with the knexfile's directory.
        repo.Git("mv", "server/migrations", "migrations");
        repo.Write("knexfile.js", Knexfile("migrations"));
        var move = repo.Commit("move the migrations to the top level");
        repo.Git("tag", "v3");

        // After the move: a real edit, and a real late arrival.
        repo.Write($"migrations/{Uploads}.js", WithColumn("uploads", "size"));
        var editAfterMove = repo.Commit("uploads size");
        repo.Write("migrations/" + Late, Audit.CreateTable("late"));
        var lateAdded = repo.Commit("a migration dated before uploads");

        var result = Audit.Run(repo.Root);

        Assert.Equal(["server/migrations"], result.Input.Git.FormerDirectories);
        var users = result.Migration(Users + ".js").Git;
        Assert.Equal(first, users.Added!.Id);
        Assert.Equal($"server/migrations/{Users}.ts", users.FirstPath);
        Assert.Equal($"server/migrations/{Users}.js", users.MovedFrom);
        Assert.Equal(uploadsAdded, result.Migration(Uploads + ".js").Git.Added!.Id);
        Assert.Equal(uploadsAdded, result.Migration(Hash + ".js").Git.Added!.Id);

        // Edits: the formatting one is cosmetic, the unchanged restore and the move are none; the real ones remain,
        // each named from the migration's first arrival, never from the move.
        Assert.Equal([realEdit], result.Migration(Tokens + ".js").Git.EditedIn.Select(c => c.Id));
        Assert.Equal([editAfterMove], result.Migration(Uploads + ".js").Git.EditedIn.Select(c => c.Id));
        Assert.Equal([relanded], result.Migration(Hash + ".js").Git.EditedIn.Select(c => c.Id));
        var edited = result.Of("edited-migration").OrderBy(f => f.File, StringComparer.Ordinal).ToList();
        Assert.Equal([$"migrations/{Tokens}.js", $"migrations/{Uploads}.js", $"migrations/{Hash}.js"], edited.Select(f => f.File));
        Assert.Contains($"added in {Short(first)}", edited[0].Message);
        Assert.Contains($"added in {Short(uploadsAdded)}", edited[1].Message);
        Assert.Contains("after the up + column access_tokens.scope", edited[0].Message);
        Assert.Contains("after the up + column uploads.size", edited[1].Message);
        Assert.Contains("after the up + column hash_tokens.salt", edited[2].Message);
        Assert.All(result.Findings, f => Assert.DoesNotContain(Short(move), f.Message));

        // One late arrival, the real one; no deletion (the revert was re-landed, the folder moved with the knexfile).
        var late = Assert.Single(result.Of("late-migration"));
        Assert.Equal("migrations/" + Late, late.File);
        Assert.Contains($"committed in {Short(lateAdded)}", late.Message);
        Assert.Empty(result.Of("deleted-migration"));
        Assert.Empty(result.Input.Deleted);

        // The .ts → .js conversion is a rename of the recorded names (no release held the .ts names); it names the
        // files where they are now.
        Assert.Equal([$"migrations/{Users}.js", $"migrations/{Tokens}.js"], result.Of("renamed-migration").Select(f => f.File).Order(StringComparer.Ordinal));
        Assert.All(result.Input.Renamed, r => Assert.Equal(conversion, r.Commit!.Id));
        Assert.All(result.Input.Renamed, r => Assert.Empty(r.Releases!));
    }

    [Fact]
    public void A_chain_of_moves_across_commits_is_followed_back_to_the_first_folder()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", Knexfile("modules/automations/migrations"));
        repo.Write("modules/automations/migrations/20230905162038_automations.js", Audit.CreateTable("automations"));
        var first = repo.Commit("automations");
        repo.Write("modules/automations/migrations/20230920130032_cascade.js", Audit.CreateTable("cascade"));
        repo.Commit("cascade");
        repo.Git("mv", "modules/automations", "modules/betaAutomations");
        repo.Write("knexfile.js", Knexfile("modules/betaAutomations/migrations"));
        repo.Commit("automations become beta");
        repo.Write("modules/betaAutomations/migrations/20240101000000_runs.js", Audit.CreateTable("runs"));
        repo.Commit("runs");
        repo.Git("mv", "modules/betaAutomations", "modules/automate");
        repo.Write("knexfile.js", Knexfile("modules/automate/migrations"));
        repo.Commit("automate");

        var result = Audit.Run(repo.Root);

        Assert.Equal(["modules/automations/migrations", "modules/betaAutomations/migrations"], result.Input.Git.FormerDirectories);
        Assert.Equal(first, result.Migration("20230905162038_automations.js").Git.Added!.Id);
        Assert.Empty(result.Of("late-migration"));
        Assert.Empty(result.Of("edited-migration"));
        Assert.Empty(result.Of("deleted-migration"));
        Assert.Empty(result.Of("renamed-migration"));
    }

    [Fact]
    public void A_migration_is_not_late_by_one_deleted_before_it_arrived_and_that_deletion_is_still_reported()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", Knexfile("server/migrations"));
        repo.Write("server/migrations/0001_init.js", Audit.CreateTable("urls"));
        repo.Write("server/migrations/0003_remaining.js", Audit.CreateTable("remaining"));
        repo.Commit("init");
        repo.Write("server/migrations/0004_used_to_remaining.js", Audit.CreateTable("used"));
        repo.Commit("used to remaining");
        repo.Delete("server/migrations/0004_used_to_remaining.js");
        repo.Commit("combine 03 and 04");
        repo.Write("server/migrations/0004_apikey.js", Audit.CreateTable("apikey"));
        repo.Commit("api key");
        repo.Git("mv", "server", "lib");
        repo.Write("knexfile.js", Knexfile("lib/migrations"));
        repo.Commit("reorganise");

        var result = Audit.Run(repo.Root);

        // Knex sorts 0004_apikey.js before 0004_used_to_remaining.js, but a database that applied the latter fails the
        // list validation before it runs anything: the deletion is the finding, not a late arrival.
        Assert.Empty(result.Of("late-migration"));
        Assert.Equal("server/migrations/0004_used_to_remaining.js", Assert.Single(result.Of("deleted-migration")).File);
    }

    [Fact]
    public void A_file_rewritten_while_it_moved_in_one_commit_is_an_edit_of_the_version_it_continues()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", Knexfile("modules/invites/migrations"));
        repo.Write("modules/invites/migrations/20210303185834_invites.js", "exports.up = async (knex) => {};\nexports.down = async (knex) => {};\n");
        repo.Write("modules/invites/migrations/20210304111614_pwdreset.js", Audit.CreateTable("pwdreset"));
        var first = repo.Commit("invites, not yet");
        repo.Git("tag", "v1");
        repo.Delete("modules/invites/migrations/20210303185834_invites.js").Delete("modules/invites/migrations/20210304111614_pwdreset.js");
        repo.Write("modules/serverinvites/migrations/20210303185834_invites.js", Audit.CreateTable("server_invites"));
        repo.Write("modules/serverinvites/migrations/20210304111614_pwdreset.js", Audit.CreateTable("pwdreset"));
        repo.Write("knexfile.js", Knexfile("modules/serverinvites/migrations"));
        var rewrite = repo.Commit("server invites");

        var result = Audit.Run(repo.Root);

        var git = result.Migration("20210303185834_invites.js").Git;
        Assert.Equal(first, git.Added!.Id);
        Assert.Equal([rewrite], git.EditedIn.Select(c => c.Id));
        Assert.Equal("modules/invites/migrations/20210303185834_invites.js", git.FirstPath);
        var edited = Assert.Single(result.Of("edited-migration"));
        Assert.Contains("+ table server_invites", edited.Message);
        Assert.Contains("shipped an earlier version", edited.Message);
        Assert.Empty(result.Of("deleted-migration"));
        Assert.Empty(result.Of("late-migration"));
    }
}
