using System.Diagnostics;
using MigAudit.Live;
using MigAudit.Tests.Support;
using Npgsql;

namespace MigAudit.Tests.Hostile;

/// <summary>
/// The rollback script 'migaudit fix' writes is run by people on production with psql. Built from a repository whose
/// names were crafted to break out of SQL, it must do exactly what its header says and nothing else.
/// </summary>
public sealed class RollbackScriptTests
{
    private const string EvilTable = "evil\" CASCADE; DROP TABLE precious CASCADE; --";
    private const string InjectingName = "20250102000001_x') OR true OR name IN ('y.js";
    private const string QuoteName = "20250102000002_o'brien.js";
    private const string BackslashName = "20250102000003_back\\slash'.js";

    private static string Create(params string[] tables) =>
        "exports.up = async (knex) => {\n" + string.Concat(tables.Select(t => $"  await knex.schema.createTable({MigAudit.Core.Quoting.JsString(t)}, (t) => {{ t.increments('id'); }});\n")) +
        "};\nexports.down = async () => {};\n";

    /// <summary>Active: precious and orders; an active migration alters legacy_shared. Deleted: four crafted migrations.</summary>
    private static TempRepo CraftedRepository()
    {
        var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Write("migrations/20250101000000_precious.js", Create("precious", "orders"));
        repo.Write("migrations/20250102000000_evil.js", Create(EvilTable, "legacy_shared", "old_stuff"));
        repo.Write($"migrations/{InjectingName}", Create("injected_table"));
        repo.Write($"migrations/{QuoteName}", Create("quoted_table"));
        repo.Write($"migrations/{BackslashName}", Create("backslash_table"));
        repo.Write("migrations/20250102000004_archive.js", "exports.up = (knex) => knex.schema.withSchema('archive').createTable('logs', (t) => { t.increments('id'); });\nexports.down = async () => {};\n");
        repo.Write("migrations/20250103000000_alter_legacy.js", "exports.up = (knex) => knex.schema.alterTable('legacy_shared', (t) => { t.string('note'); });\nexports.down = async () => {};\n");
        repo.Commit("all migrations");
        foreach (var name in new[] { "20250102000000_evil.js", InjectingName, QuoteName, BackslashName, "20250102000004_archive.js" })
        {
            repo.Delete($"migrations/{name}");
        }

        repo.Commit("delete migrations");
        return repo;
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Every_name_is_quoted_and_nothing_active_is_dropped()
    {
        using var repo = CraftedRepository();
        var run = await CliRunner.RunAsync("fix", repo.Root, "--rule", "deleted-migration", "--apply");
        Assert.Equal(0, run.ExitCode);
        var script = File.ReadAllText(repo.PathOf("deleted-migrations-rollback.sql"));

        Assert.StartsWith("-- migaudit:generated", script);
        Assert.Contains("BEGIN;\nSET LOCAL lock_timeout = '5s';\n", script);
        Assert.Contains("DROP TABLE IF EXISTS \"evil\"\" CASCADE; DROP TABLE precious CASCADE; --\"; -- created by 20250102000000_evil.js\n", script);
        Assert.Contains("DROP TABLE IF EXISTS \"old_stuff\";", script);
        Assert.Contains("-- not dropped: legacy_shared: an active migration uses it (20250103000000_alter_legacy.js)\n", script);
        Assert.Contains("-- not dropped: archive.logs: the migration names a schema (withSchema or a qualified name); the script drops tables of the default schema only\n", script);
        Assert.DoesNotContain("DROP TABLE IF EXISTS \"legacy_shared\"", script);
        Assert.DoesNotContain("logs\";", script);
        Assert.Contains("'20250102000001_x'') OR true OR name IN (''y.js'", script);
        Assert.Contains("'20250102000002_o''brien.js'", script);
        Assert.Contains("E'20250102000003_back\\\\slash''.js'", script);
        Assert.EndsWith("COMMIT;\n", script);
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task The_script_run_with_psql_changes_only_what_its_header_says()
    {
        Requires.Postgres();
        var psql = new[] { ThrowawayPostgres.FindBinaries()! }.Concat((Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':'))
            .Select(folder => Path.Combine(folder, "psql")).FirstOrDefault(File.Exists);
        Requires.Dependency(psql is not null, "psql (apt-get install postgresql-client)");
        using var repo = CraftedRepository();
        Assert.Equal(0, (await CliRunner.RunAsync("fix", repo.Root, "--rule", "deleted-migration", "--apply")).ExitCode);

        using var server = ThrowawayPostgres.Start(tcp: true);
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            var setup = $"""
                CREATE TABLE precious (id int); INSERT INTO precious VALUES (1);
                CREATE TABLE orders (id int);
                CREATE TABLE legacy_shared (id int);
                CREATE TABLE old_stuff (id int);
                CREATE TABLE {MigAudit.Core.Quoting.SqlIdentifier(EvilTable)} (id int);
                CREATE TABLE logs (id int);
                CREATE SCHEMA archive; CREATE TABLE archive.logs (id int);
                CREATE TABLE knex_migrations (id serial primary key, name varchar(255), batch int, migration_time timestamptz);
                INSERT INTO knex_migrations (name, batch) VALUES
                  ('20250101000000_precious.js', 1), ('20250102000000_evil.js', 1), ({MigAudit.Core.Quoting.SqlLiteral(InjectingName)}, 1),
                  ({MigAudit.Core.Quoting.SqlLiteral(QuoteName)}, 1), ({MigAudit.Core.Quoting.SqlLiteral(BackslashName)}, 1),
                  ('20250102000004_archive.js', 1), ('20250103000000_alter_legacy.js', 1), ('keep_me.js', 1);
                """;
            await using var command = new NpgsqlCommand(setup, connection);
            await command.ExecuteNonQueryAsync();
        }

        var start = new ProcessStartInfo(psql!) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PGPASSWORD"] = server.SuperuserPassword;
        foreach (var argument in new[] { "-X", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", server.Port.ToString(), "-U", "postgres", "-d", "postgres", "-f", repo.PathOf("deleted-migrations-rollback.sql") })
        {
            start.ArgumentList.Add(argument);
        }

        using (var process = Process.Start(start)!)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, await stderr);
        }

        await using var check = new NpgsqlConnection(server.ConnectionString);
        await check.OpenAsync();
        async Task<List<string>> Strings(string sql)
        {
            await using var query = new NpgsqlCommand(sql, check);
            await using var reader = await query.ExecuteReaderAsync();
            var rows = new List<string>();
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0));
            }

            return rows;
        }

        Assert.Equal(["20250101000000_precious.js", "20250103000000_alter_legacy.js", "keep_me.js"], await Strings("SELECT name FROM knex_migrations ORDER BY id"));
        Assert.Equal(
            ["archive.logs", "public.knex_migrations", "public.legacy_shared", "public.logs", "public.orders", "public.precious"],
            await Strings("SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE table_schema IN ('public', 'archive') ORDER BY 1"));
        Assert.Equal(["1"], await Strings("SELECT id::text FROM precious"));
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Two_similar_migrations_paired_by_git_are_a_deletion_and_an_addition_never_an_update()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        var template = string.Concat(Enumerable.Range(0, 20).Select(i => $"    t.string('column_{i}');\n"));
        repo.Write("migrations/20250101000000_add_reports.js", $"exports.up = (knex) => knex.schema.createTable('reports', (t) => {{\n{template}}});\nexports.down = (knex) => knex.schema.dropTable('reports');\n");
        repo.Commit();
        repo.Delete("migrations/20250101000000_add_reports.js");
        repo.Write("migrations/20250105000000_add_invoices.js", $"exports.up = (knex) => knex.schema.createTable('invoices', (t) => {{\n{template}}});\nexports.down = (knex) => knex.schema.dropTable('invoices');\n");
        repo.Commit("replace reports with invoices");
        Assert.Contains("R0", repo.Git("log", "-1", "-M", "--name-status", "--format="), StringComparison.Ordinal);

        var audit = Audit.Run(repo.Root);
        Assert.Empty(audit.Input.Renamed);
        Assert.Equal("20250101000000_add_reports.js", Assert.Single(audit.Input.Deleted).Name);

        var plan = await CliRunner.RunAsync("fix", repo.Root, "--rule", "deleted-migration");
        Assert.DoesNotContain("UPDATE", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains("+DELETE FROM \"knex_migrations\" WHERE name IN (\n+  '20250101000000_add_reports.js'\n+);", plan.Stdout);
    }
}
