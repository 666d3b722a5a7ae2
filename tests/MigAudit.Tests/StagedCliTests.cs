using System.Text.Json;
using MigAudit.Tests.Support;

namespace MigAudit.Tests;

/// <summary>
/// audit --staged is what a pre-commit hook runs: the project as the commit being made will leave it. A staged
/// migration is committed by it (not "untracked"), a file is read as the index holds it (git add -p, or an edit made
/// after git add, is not what the commit takes), and a change with nothing to say prints one line.
/// </summary>
public sealed class StagedCliTests
{
    private const string Knexfile = "module.exports = {\n  production: {\n    client: 'pg',\n    connection: process.env.DATABASE_URL,\n    pool: { afterCreate: (conn, done) => conn.query('SET lock_timeout = 5000', done) },\n    migrations: { directory: './migrations' },\n  },\n};\n";

    private const string CreateUsers = "exports.up = (knex) => knex.schema.createTable('users', (t) => {\n  t.bigIncrements('id');\n  t.text('email');\n});\nexports.down = (knex) => knex.schema.dropTable('users');\n";

    private const string CreateNotes = "exports.up = (knex) => knex.schema.createTable('notes', (t) => {\n  t.bigIncrements('id');\n  t.text('body');\n});\nexports.down = (knex) => knex.schema.dropTable('notes');\n";

    private const string CreateNotesAndDropEmail = "exports.up = async (knex) => {\n  await knex.schema.createTable('notes', (t) => {\n    t.bigIncrements('id');\n    t.text('body');\n  });\n  await knex.schema.alterTable('users', (t) => { t.dropColumn('email'); });\n};\nexports.down = async (knex) => {\n  await knex.schema.alterTable('users', (t) => { t.text('email'); });\n  await knex.schema.dropTable('notes');\n};\n";

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Staged_audits_the_index_version_counts_staged_migrations_as_committed_and_says_nothing_in_one_line()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", Knexfile).Write("migrations/20250101000000_create_users.js", CreateUsers);
        repo.Commit("users");

        // Staged: a harmless new table. The working tree has since added a column drop on the live users table.
        repo.Write("migrations/20250102000000_create_notes.js", CreateNotes);
        repo.Git("add", "migrations/20250102000000_create_notes.js");
        repo.Write("migrations/20250102000000_create_notes.js", CreateNotesAndDropEmail);

        var whole = await CliRunner.RunAsync("audit", repo.Root, "--format", "json");
        using (var json = JsonDocument.Parse(whole.Stdout))
        {
            // Without --staged the working tree is what is read: the drop is there, and the file is not committed.
            var rules = json.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("rule").GetString()).ToList();
            Assert.Contains("drop-column", rules);
            Assert.Contains("untracked-migration", rules);
        }

        var quiet = await CliRunner.RunAsync("audit", repo.Root, "--staged");
        Assert.Equal("migaudit: nothing to report in the staged changes (1 file; the whole project was read)\n", quiet.Stdout.Replace("\r\n", "\n"));
        Assert.Equal(0, quiet.ExitCode);

        // Once the drop is staged too, the commit would take it: reported, and the report is the full one.
        repo.Git("add", "migrations/20250102000000_create_notes.js");
        var staged = await CliRunner.RunAsync("audit", repo.Root, "--staged", "--format", "json");
        using var stagedJson = JsonDocument.Parse(staged.Stdout);
        Assert.Equal(
            [("drop-column", "migrations/20250102000000_create_notes.js")],
            stagedJson.RootElement.GetProperty("findings").EnumerateArray().Where(f => f.GetProperty("rule").GetString() != "irreversible-down")
                .Select(f => (f.GetProperty("rule").GetString()!, f.GetProperty("file").GetString()!)));
        var statistics = stagedJson.RootElement.GetProperty("statistics");
        Assert.Equal((2, 0), (statistics.GetProperty("committed").GetInt32(), statistics.GetProperty("untracked").GetInt32()));
        var text = await CliRunner.RunAsync("audit", repo.Root, "--staged");
        Assert.Contains("Scope:       staged changes: 1 file;", text.Stdout);

        // The commit will hold the staged migration: counted as committed, shown as staged, no "discrepancy".
        Assert.Contains("Untracked/New Migrations:                      0\n", text.Stdout.Replace("\r\n", "\n"));
        Assert.Matches(@"\n +2  20250102000000_create_notes\.js +staged ", text.Stdout.Replace("\r\n", "\n"));
        Assert.Contains("Current State: CONSISTENT", text.Stdout);
    }
}
