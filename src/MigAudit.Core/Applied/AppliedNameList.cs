namespace MigAudit.Core.Applied;

/// <summary>
/// Collects the names in the order they were pasted, each kept once (a table can hold a name twice: two processes that
/// ran the same migration without Knex's lock), and checks each lightly: knex_migrations.name is a file name, so a
/// slash means the text is something else.
/// </summary>
internal sealed class AppliedNameList(AppliedText input)
{
    private readonly List<string> names = [];
    private readonly HashSet<string> seen = new(StringComparer.Ordinal);

    public void Add(string name, int line)
    {
        if (name.Length == 0)
        {
            throw input.Error(line, "an empty migration name");
        }

        var slash = name.LastIndexOfAny(['/', '\\']);
        if (slash >= 0)
        {
            var file = name[(slash + 1)..];
            throw input.Error(line, MigrationNames.Extension(file).Length > 1 && !file.Any(char.IsWhiteSpace)
                ? $"'{Quoting.Printable(name)}' is a path, but Knex records only the file name in knex_migrations.name ('{Quoting.Printable(file)}'): this was not copied from that table. Paste the table's name column (see docs/applied.md)"
                : $"'{Quoting.Printable(name)}' holds a '{name[slash]}', but knex_migrations.name holds a migration's file name, never a folder: this does not look like that table's content (see docs/applied.md)");
        }

        if (seen.Add(name))
        {
            names.Add(name);
        }
    }

    public AppliedMigrations Build(string format) => new(names.AsReadOnly(), format);
}
