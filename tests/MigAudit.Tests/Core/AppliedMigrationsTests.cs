using MigAudit.Core;

namespace MigAudit.Tests.Core;

/// <summary>
/// --applied's reader, format by format, on texts copied from real psql 15 and knex 3.1.0 output (the real tools produce
/// them again in <see cref="AppliedMigrationsRealOutputTests"/>), and each error with its source and line.
/// </summary>
public sealed class AppliedMigrationsTests
{
    private const string A = "20240101000000_create_users.js";
    private const string B = "20240102000000_create_posts.js";

    [Theory]
    // psql -At, with CRLF, blank lines, padding and a duplicate (kept once, first place).
    [InlineData("lines", $"{A}\r\n\r\n  {B}  \r\n{A}\n")]
    // psql -t: the aligned rows without header, each with a leading space.
    [InlineData("lines", $" {A}\n {B}\n\n")]
    [InlineData("psql", $"              name              \n--------------------------------\n {A}\n {B}\n(2 rows)\n\n")]
    [InlineData("psql", $" id |              name              | batch |       migration_time       \n----+--------------------------------+-------+----------------------------\n  1 | {A} |     1 | 2026-12-06 17:48:42.493+00\n  2 | {B} |     1 | 2026-12-06 17:48:42.499+00\n(2 rows)\n\n")]
    // psql -P footer=off.
    [InlineData("psql", $" name\n------\n {A}\n {B}\n")]
    [InlineData("psql-unaligned", $"name\n{A}\n{B}\n(2 rows)\n")]
    [InlineData("psql-unaligned", $"id|name|batch|migration_time\n1|{A}|1|2026-12-06 17:48:42.493+00\n2|{B}|1|2026-12-06 17:48:42.499+00\n(2 rows)\n")]
    [InlineData("csv", $"name\n{A}\n{B}\n")]
    [InlineData("csv", $"id,name,batch,migration_time\n1,{A},1,2026-12-06 17:48:42.493+00\n2,{B},1,2026-12-06 17:48:42.499+00\n")]
    [InlineData("knex-list", $"Using environment: production\nFound 2 Completed Migration file/files.\n{A}\n{B}\nFound 1 Pending Migration file/files.\n20240103000000_create_tags.js\n\n")]
    [InlineData("knex-list", $"Using environment: \u001b[35mproduction\u001b[39m\n\u001b[32mFound 2 Completed Migration file/files.\n\u001b[39m\u001b[36m{A}\n\u001b[39m\u001b[36m{B}\n\u001b[39m\u001b[32mFound 1 Pending Migration file/files.\n\u001b[39m\u001b[36m20240103000000_create_tags.js\n\u001b[39m\n")]
    [InlineData("knex-list", $"> app@1.0.0 migrate:list\n> knex migrate:list\n\nWorking directory changed to ~/app\nUsing environment: production\nFound 2 Completed Migration file/files.\n{A}\n{B}\nNo Pending Migration files Found.\n\n")]
    [InlineData("json", $"[\"{A}\", \"{B}\"]")]
    [InlineData("json", $"\uFEFF[{{\"id\":1,\"name\":\"{A}\",\"batch\":1,\"migration_time\":\"2026-12-06T17:48:42.493+00:00\"}}, \n {{\"id\":2,\"name\":\"{B}\",\"batch\":1,\"migration_time\":null}}]\n")]
    // node-postgres's query result, JSON.stringify'd: rows beside command, rowCount and fields.
    [InlineData("json", $"{{\"command\":\"SELECT\",\"rowCount\":2,\"fields\":[{{\"name\":\"name\"}}],\"rows\":[{{\"name\":\"{A}\"}},{{\"name\":\"{B}\",\"extra\":{{\"name\":1}}}}]}}")]
    public void Each_format_reads_as_the_applied_names(string format, string text)
    {
        var applied = AppliedMigrations.Parse(text, "stdin");
        Assert.Equal(format, applied.Format);
        Assert.Equal([A, B], applied.Names);
    }

    [Fact]
    public void Csv_reads_quoted_names_and_contains_matches_exactly()
    {
        var applied = AppliedMigrations.Parse("id,name\r\n1,\"20240101000000_a,b.js\"\r\n2,\"20240102000000_say \"\"hi\"\".js\"\n", "applied.csv");
        Assert.Equal(AppliedMigrations.CsvFormat, applied.Format);
        Assert.Equal(["20240101000000_a,b.js", "20240102000000_say \"hi\".js"], applied.Names);
        var names = applied.From("applied.csv");
        Assert.Equal("applied.csv", names.Source);
        Assert.True(names.Contains("20240101000000_a,b.js"));
        Assert.False(names.Contains("20240101000000_A,b.js"));
        Assert.False(names.Contains("20240101000000_a,b"));
    }

    [Theory]
    // An explicit "none applied" is an answer, not an error.
    [InlineData("knex-list", "Using environment: production\nNo Completed Migration files Found.\nFound 1 Pending Migration file/files.\n20240101000000_a.js\n")]
    [InlineData("psql", " name\n------\n(0 rows)\n\n")]
    [InlineData("json", "[]")]
    public void An_explicitly_empty_table_reads_as_no_names(string format, string text)
    {
        var applied = AppliedMigrations.Parse(text, "stdin");
        Assert.Equal((format, 0), (applied.Format, applied.Names.Count));
    }

    [Theory]
    [InlineData("", "stdin: empty: no migration names. Paste the names production's knex_migrations holds (see docs/applied.md for the commands)")]
    [InlineData(" \n\r\n\t\n", "stdin: empty: no migration names. Paste the names production's knex_migrations holds (see docs/applied.md for the commands)")]
    [InlineData("\n{\"command\":\"SELECT\",\n\"names\":[\"a.js\"]}", "stdin:2: a JSON object without a \"rows\" array: expected an array of names, an array of rows with a \"name\", or an object with such \"rows\" (see docs/applied.md)")]
    [InlineData("[\"20240101000000_a.js\",\n 7]", "stdin:2: a JSON number where a name or a row was expected: expected an array of names, an array of rows with a \"name\", or an object with such \"rows\" (see docs/applied.md)")]
    [InlineData("[\n{\"name\":\"20240101000000_a.js\"},\n{\"id\":2}\n]", "stdin:3: a JSON row without a \"name\": expected an array of names, an array of rows with a \"name\", or an object with such \"rows\" (see docs/applied.md)")]
    [InlineData("[{\"name\":null}]", "stdin:1: this row's \"name\" is a JSON null, not a string")]
    [InlineData("[\n\"20240101000000_a.js\",\n]", "stdin:3: invalid JSON: The JSON array contains a trailing comma at the end which is not supported in this mode")]
    [InlineData("[\"20240101000000_a.js\"]\n[\"20240102000000_b.js\"]", "stdin:2: invalid JSON: '[' is invalid after a single JSON value")]
    [InlineData(" id | batch\n----+-------\n  1 |     1\n(1 row)\n", "stdin:1: a psql table without a name column (columns: id, batch); select knex_migrations.name (see docs/applied.md)")]
    [InlineData("psql (15.8)\n name\n------\n 20240101000000_a.js\n(1 row)\n", "stdin:1: text before the psql table's header (line 2): paste the query's output alone")]
    [InlineData(" name\n------\n 20240101000000_a.js\n(2 rows)\n", "stdin:4: psql's footer counts 2 row(s) but 1 precede it: the paste is incomplete or mixed with other text")]
    [InlineData(" name\n------\n 20240101000000_a.js\n(1 row)\n\n name\n------\n", "stdin:6: text after the psql table's footer: paste one query's output alone")]
    [InlineData(" id | name\n----+------\n  1 | 20240101000000_a.js | 1\n", "stdin:3: this row has 3 cell(s) but the header 2: paste one query's output alone (a name holding '|' needs psql --csv)")]
    [InlineData("id|batch\n1|1\n(1 row)\n", "stdin:1: a psql table without a name column (columns: id, batch); select knex_migrations.name (see docs/applied.md)")]
    [InlineData("-[ RECORD 1 ]------------------\nname | 20240101000000_a.js\n", "stdin:1: psql's expanded output (\\x): run the query without -x / \\x so that each row is one line (see docs/applied.md)")]
    [InlineData("id,name\n1,20240101000000_a.js\n2\n", "stdin:3: this CSV row has 1 field(s) but the header 2: paste one query's output alone")]
    [InlineData("name\n\"20240101000000_a.js\n", "stdin:2: a CSV field whose quote is never closed")]
    [InlineData("name\n\"20240101000000_a\".js\n", "stdin:2: text after a quoted CSV field's closing quote")]
    [InlineData("1|20240101000000_a.js|1|2026-12-06 17:48:42.493+00\n", "stdin:1: '1|20240101000000_a.js|1|2026-12-06 17:48:42.493+00' looks like a psql row of several columns without its header: select the name column alone (psql -At -c \"SELECT name FROM knex_migrations ORDER BY id\") or paste the header too")]
    [InlineData("20240101000000_a.js\n(1 row)\n", "stdin:2: a psql footer without the table's header: paste the whole output, or use psql -At")]
    [InlineData("Using environment: production\nFound 1 Pending Migration file/files.\n20240101000000_a.js\n", "stdin:2: knex migrate:list output without its completed section ('Found N Completed Migration file/files.' or 'No Completed Migration files Found.' before the pending one): paste the whole output")]
    [InlineData("Using environment: production\nThe migration directory is corrupt, the following files are missing: 20240101000000_a.js\n", "stdin:1: knex migrate:list output without its completed section ('Found N Completed Migration file/files.' or 'No Completed Migration files Found.' before the pending one): paste the whole output. knex migrate:list refuses to list when applied migrations are missing from the directory ('The migration directory is corrupt'): read the table with psql instead (see docs/applied.md)")]
    [InlineData("Found 2 Completed Migration file/files.\n20240101000000_a.js\nNo Pending Migration files Found.\n", "stdin:1: knex migrate:list announces 2 completed migration(s) but 1 name(s) follow: the paste is incomplete or mixed with other text")]
    [InlineData("20240101000000_a.js\n\nmigrations/20240102000000_b.js\n", "stdin:3: 'migrations/20240102000000_b.js' is a path, but Knex records only the file name in knex_migrations.name ('20240102000000_b.js'): this was not copied from that table. Paste the table's name column (see docs/applied.md)")]
    [InlineData("[\"db\\\\migrations\\\\20240102000000_b.ts\"]", "stdin:1: 'db\\migrations\\20240102000000_b.ts' is a path, but Knex records only the file name in knex_migrations.name ('20240102000000_b.ts'): this was not copied from that table. Paste the table's name column (see docs/applied.md)")]
    [InlineData("20240101000000_a.js\nsee https://example.com/\n", "stdin:2: 'see https://example.com/' holds a '/', but knex_migrations.name holds a migration's file name, never a folder: this does not look like that table's content (see docs/applied.md)")]
    [InlineData("name\n\"\"\n", "stdin:2: an empty migration name")]
    public void Bad_input_is_a_usage_error_naming_the_source_and_line(string text, string message)
    {
        var error = Assert.Throws<ProjectException>(() => AppliedMigrations.Parse(text, "stdin"));
        Assert.Equal(ProjectException.UsageExitCode, error.ExitCode);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void The_source_is_the_file_path_given()
    {
        var error = Assert.Throws<ProjectException>(() => AppliedMigrations.Parse("[1]", "ops/applied.json"));
        Assert.StartsWith("ops/applied.json:1: a JSON number", error.Message);
    }

    [Fact]
    public void A_production_sized_json_export_reads_every_row_with_its_line()
    {
        var rows = Enumerable.Range(1, 20000).Select(i => $"{{\"id\":{i},\"name\":\"{i:D14}_m.js\"}}");
        var text = "[\n" + string.Join(",\n", rows) + ",\n{\"id\":0}\n]";
        var error = Assert.Throws<ProjectException>(() => AppliedMigrations.Parse(text, "stdin"));
        Assert.StartsWith("stdin:20002: a JSON row without a \"name\"", error.Message);
        var applied = AppliedMigrations.Parse("[\n" + string.Join(",\n", rows) + "\n]", "stdin");
        Assert.Equal((20000, "00000000020000_m.js"), (applied.Names.Count, applied.Names[^1]));
    }
}
