using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests;

/// <summary>Hostile or broken input gets a finding or a one-line error, never a crash.</summary>
public sealed class BadInputTests
{
    private static TempRepo Project()
    {
        var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Write("migrations/20250101000000_create_users.js", Audit.CreateTable("users"));
        return repo;
    }

    [Fact]
    public void Binary_file_is_unparseable()
    {
        using var repo = Project();
        repo.WriteBytes("migrations/20250102000000_blob.js", [0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0x02]);
        repo.Commit();
        var finding = Assert.Single(Audit.Run(repo.Root).Of("unparseable-migration"));
        Assert.Contains("binary content", finding.Message);
    }

    [Fact]
    public void Non_utf8_bytes_in_a_string_are_read_like_node_does()
    {
        using var repo = Project();
        var text = System.Text.Encoding.Latin1.GetBytes("exports.up = async (knex) => knex.raw(\"select 'caf\u00e9'\");\nexports.down = async (knex) => knex.raw('select 1');\n");
        repo.WriteBytes("migrations/20250102000000_latin1.js", text);
        repo.Commit();
        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Findings);
        Assert.True(result.Migration("20250102000000_latin1.js").Module.HasDown);
    }

    [Fact]
    public void Five_megabyte_migration_is_parsed()
    {
        using var repo = Project();
        var seeds = string.Concat(Enumerable.Repeat("  await knex('countries').insert({ code: 'XX', name: 'Some country name that is long enough' });\n", 55_000));
        repo.Write("migrations/20250102000000_seed_countries.js", "exports.up = async (knex) => {\n" + seeds + "};\nexports.down = async (knex) => knex('countries').del();\n");
        repo.Commit();
        Assert.True(new FileInfo(repo.PathOf("migrations/20250102000000_seed_countries.js")).Length > 5_000_000);
        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Findings);
        Assert.Equal(55_003, result.Migration("20250102000000_seed_countries.js").Module.Down!.Line);
    }

    [Fact]
    public void Symlinked_migration_is_followed_and_broken_symlink_is_unparseable()
    {
        using var repo = Project();
        repo.Write("shared/20250102000000_shared.js", Audit.CreateTable("shared"));
        File.CreateSymbolicLink(repo.PathOf("migrations/20250102000000_shared.js"), "../shared/20250102000000_shared.js");
        File.CreateSymbolicLink(repo.PathOf("migrations/20250103000000_gone.js"), "../shared/missing.js");
        repo.Commit();
        var result = Audit.Run(repo.Root);
        Assert.True(result.Migration("20250102000000_shared.js").IsSymlink);
        Assert.True(result.Migration("20250102000000_shared.js").Module.HasDown);
        var finding = Assert.Single(result.Findings);
        Assert.Equal("unparseable-migration", finding.Rule);
        Assert.Contains("broken symbolic link", finding.Message);
    }

    [Fact]
    public void Unreadable_file_does_not_crash_the_audit()
    {
        using var repo = Project();
        repo.Write("migrations/20250102000000_secret.js", Audit.CreateTable("secret"));
        repo.Commit();
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.SetUnixFileMode(repo.PathOf("migrations/20250102000000_secret.js"), UnixFileMode.None);
        var result = Audit.Run(repo.Root);

        // Root reads it anyway; anyone else gets a finding saying it cannot be read.
        var module = result.Migration("20250102000000_secret.js").Module;
        Assert.True(module.HasDown || module.ParseProblem!.Message.StartsWith("cannot be read", StringComparison.Ordinal));
    }

    [Fact]
    public void Knexfile_whose_migrations_directory_is_missing_is_not_ready_and_quotes_knex()
    {
        // Checked with real knex's FsMigrations: readdir of a missing folder rejects with ENOENT.
        using var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Commit();
        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Input.Migrations);
        var finding = Assert.Single(result.Findings);
        Assert.Equal("migration-source-unknown", finding.Rule);
        Assert.True(finding.Blocking);
        Assert.Equal($"migration directory 'migrations' does not exist: Knex's readdir fails there and 'knex migrate:latest' stops with \"ENOENT: no such file or directory, scandir '{repo.PathOf("migrations")}'\".", finding.Message);
        Assert.False(result.Ready);
    }

    [Fact]
    public void An_empty_migrations_folder_is_a_one_line_error_never_ready()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        Directory.CreateDirectory(repo.PathOf("migrations"));
        var error = Assert.Throws<MigAudit.Core.ProjectException>(() => Audit.Run(repo.Root));
        Assert.StartsWith("no migrations found: looked in 'migrations' (from knexfile.js) for .co, .coffee", error.Message);
        Assert.EndsWith("point migaudit at them with --migrations DIR or --knexfile FILE", error.Message);
    }

    [Fact]
    public void Unparseable_knexfile_is_a_one_line_project_error()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("knexfile.js", "module.exports = {\n  production: {\n");
        var error = Assert.Throws<MigAudit.Core.ProjectException>(() => Audit.Run(repo.Root));
        Assert.StartsWith("knexfile.js:3: cannot be parsed:", error.Message);
    }
}
