using MigAudit.Core;
using System.Globalization;
using System.Text;
using MigAudit.Git;

namespace MigAudit.Demo;

/// <summary>
/// Writes a synthetic Knex repository for benchmarks: <c>migrations</c> migration files on disk after a history of
/// <c>commits</c> commits (most of them touching application code, as in a real monorepo), with realistic file
/// sizes, deletions, renames, edits, late arrivals and untracked files. The history is written with
/// <c>git fast-import</c>, so even 50,000 commits take seconds. Deterministic for a given seed.
/// </summary>
public static class SyntheticRepository
{
    public sealed record Summary(int Active, int Commits, int Deleted, int Renamed, int Edited, int Untracked);

    public static Summary Create(string directory, int migrations, int commits, int seed = 42)
    {
        if (migrations < 10 || commits < 10)
        {
            throw new ArgumentException("at least 10 migrations and 10 commits");
        }

        Directory.CreateDirectory(directory);
        var random = new Random(seed);
        var untracked = Math.Max(1, migrations / 200);
        var deleted = Math.Max(1, migrations / 50);
        var renamed = Math.Max(1, migrations / 100);
        var edited = Math.Max(1, migrations / 33);
        var committed = migrations - untracked + deleted;

        // Names in time order; a few arrive late (added well after later-sorting ones).
        var time = new DateTime(2019, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var names = new List<string>();
        for (var i = 0; i < committed + untracked; i++)
        {
            time = time.AddMinutes(random.Next(30, 60 * 48));
            names.Add($"{time.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}_create_table_{i:00000}.js");
        }

        var addAt = new int[committed];
        for (var i = 0; i < committed; i++)
        {
            addAt[i] = (int)((long)i * (commits - 2) / committed) + 1;
        }

        for (var late = 0; late < Math.Max(1, committed / 300); late++)
        {
            var i = random.Next(committed / 2);
            addAt[i] = Math.Min(commits - 1, addAt[i] + (commits / 3));
        }

        var events = Enumerable.Range(0, commits).Select(_ => new List<string>()).ToArray();
        for (var i = 0; i < committed; i++)
        {
            events[addAt[i]].Add($"A {i}");
        }

        var chosen = Enumerable.Range(0, committed).OrderBy(_ => random.Next()).ToList();
        foreach (var i in chosen.Take(deleted))
        {
            events[Math.Min(commits - 1, addAt[i] + random.Next(1, Math.Max(2, commits / 10)))].Add($"D {i}");
        }

        foreach (var i in chosen.Skip(deleted).Take(renamed))
        {
            events[Math.Min(commits - 1, addAt[i] + random.Next(1, Math.Max(2, commits / 10)))].Add($"R {i}");
        }

        foreach (var i in chosen.Skip(deleted + renamed).Take(edited))
        {
            events[Math.Min(commits - 1, addAt[i] + random.Next(1, Math.Max(2, commits / 10)))].Add($"M {i}");
        }

        var stream = new StringBuilder();
        var clock = new DateTimeOffset(2019, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var renamedTo = new Dictionary<int, string>();
        void Data(string text)
        {
            stream.Append("data ").Append(Encoding.UTF8.GetByteCount(text)).Append('\n').Append(text).Append('\n');
        }

        string PathOf(int i) => "migrations/" + (renamedTo.TryGetValue(i, out var name) ? name : names[i]);

        for (var c = 0; c < commits; c++)
        {
            clock += random.Next(60, 6 * 3600);
            stream.Append("commit refs/heads/main\n");
            stream.Append(CultureInfo.InvariantCulture, $"committer Dev {c % 17} <dev{c % 17}@example.invalid> {clock} +0000\n");
            Data($"change {c}");
            if (c == 0)
            {
                stream.Append("M 100644 inline knexfile.js\n");
                Data("module.exports = { production: { client: 'pg', connection: process.env.DATABASE_URL, migrations: { directory: './migrations' } } };\n");
                stream.Append("M 100644 inline package.json\n");
                Data("{ \"name\": \"synthetic\", \"dependencies\": { \"knex\": \"^3.1.0\", \"pg\": \"^8.13.1\" } }\n");
            }

            if (events[c].Count == 0)
            {
                stream.Append(CultureInfo.InvariantCulture, $"M 100644 inline src/module_{c % 500:000}.js\n");
                Data($"module.exports = {{ version: {c} }};\n");
                continue;
            }

            foreach (var change in events[c])
            {
                var i = int.Parse(change.AsSpan(2), CultureInfo.InvariantCulture);
                switch (change[0])
                {
                    case 'A':
                        stream.Append("M 100644 inline ").Append(PathOf(i)).Append('\n');
                        Data(Migration(i, random));
                        break;
                    case 'M':
                        stream.Append("M 100644 inline ").Append(PathOf(i)).Append('\n');
                        Data(Migration(i, random) + "// edited\n");
                        break;
                    case 'D':
                        stream.Append("D ").Append(PathOf(i)).Append('\n');
                        break;
                    case 'R':
                        var from = PathOf(i);
                        renamedTo[i] = names[i].Replace("_create_", "_add_", StringComparison.Ordinal);
                        stream.Append("R ").Append(from).Append(' ').Append(PathOf(i)).Append('\n');
                        break;
                }
            }
        }

        Run(directory, "init", "-q", "-b", "main");
        var import = GitRunner.RunWithInput(directory, stream.ToString(), "fast-import", "--quiet");
        if (!import.Ok)
        {
            throw new ProjectException("git fast-import failed: " + import.Stderr.Trim());
        }

        Run(directory, "reset", "-q", "--hard", "main");
        for (var i = committed; i < committed + untracked; i++)
        {
            File.WriteAllText(Path.Combine(directory, "migrations", names[i]), Migration(i, random));
        }

        return new Summary(migrations, commits, deleted, renamed, edited, untracked);
    }

    private static string Migration(int i, Random random)
    {
        var table = $"table_{i:00000}";
        var text = new StringBuilder();
        text.Append("/**\n * @param { import(\"knex\").Knex } knex\n */\n");
        text.Append(CultureInfo.InvariantCulture, $"exports.up = async function (knex) {{\n  await knex.schema.createTable('{table}', (table) => {{\n");
        text.Append("    table.increments('id');\n");
        if (i > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"    table.integer('parent_id').unsigned().references('id').inTable('table_{random.Next(i):00000}').onDelete('CASCADE');\n");
        }

        var columns = random.Next(4, 10);
        for (var c = 0; c < columns; c++)
        {
            text.Append((c % 3) switch
            {
                0 => FormattableString.Invariant($"    table.string('name_{c}', 255).notNullable();\n"),
                1 => FormattableString.Invariant($"    table.integer('count_{c}').notNullable().defaultTo(0);\n"),
                _ => FormattableString.Invariant($"    table.jsonb('data_{c}').nullable();\n"),
            });
        }

        text.Append("    table.timestamps(true, true);\n");
        string[] indexes = ["'name_0'", "'count_1'", "'name_0', 'count_1'"];
        foreach (var index in indexes.Take(random.Next(1, 4)))
        {
            text.Append("    table.index([").Append(index).Append("]);\n");
        }

        text.Append("  });\n};\n\n");
        text.Append(CultureInfo.InvariantCulture, $"exports.down = async function (knex) {{\n  await knex.schema.dropTable('{table}');\n}};\n");
        return text.ToString();
    }

    private static void Run(string directory, params string[] arguments)
    {
        var result = GitRunner.Run(directory, arguments);
        if (!result.Ok)
        {
            throw new ProjectException($"git {arguments[0]} failed: {result.Stderr.Trim()}");
        }
    }
}
