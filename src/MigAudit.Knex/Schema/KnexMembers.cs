using System.Reflection;
using System.Text.Json;

namespace MigAudit.Knex.Schema;

/// <summary>
/// The names JavaScript finds on the objects a migration works through, in every knex version of KnexMembers.json
/// (scripts/knex-members.sh runs tests/node/knex-members.js on each): the knex object Knex passes (the instance, or the
/// transaction it runs the migration in), knex.schema, the table builder of createTable and of alterTable, and a column
/// builder in each. A name none of them holds is undefined on every version: calling it is knex's TypeError
/// ("knex.schema.alterTabel is not a function"), reading through it is "Cannot read properties of undefined".
/// Projects that add methods with knex's extend() are not judged (see <see cref="KnexExtensions"/>).
/// </summary>
public static class KnexMembers
{
    public enum Target
    {
        Knex,
        Schema,
        CreateTable,
        AlterTable,
        CreateColumn,
        AlterColumn,
    }

    private static readonly Lazy<(string Versions, Dictionary<Target, HashSet<string>> Names)> Loaded = new(Load);

    /// <summary>The knex versions the lists come from, for messages ("0.14.6 to 3.1.0").</summary>
    public static string Versions => Loaded.Value.Versions;

    public static bool Has(Target target, string name) => Loaded.Value.Names[target].Contains(name);

    private static (string, Dictionary<Target, HashSet<string>>) Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("KnexMembers.json")!;
        using var document = JsonDocument.Parse(stream);
        var root = document.RootElement;
        HashSet<string> Names(params string[] keys) =>
            keys.SelectMany(key => root.GetProperty(key).EnumerateArray().Select(e => e.GetString()!)).ToHashSet(StringComparer.Ordinal);
        var versions = root.GetProperty("versions").EnumerateArray().Select(e => e.GetString()!).ToList();
        return ($"{versions[0]} to {versions[^1]}", new Dictionary<Target, HashSet<string>>
        {
            [Target.Knex] = Names("knex", "transaction"),
            [Target.Schema] = Names("schema"),
            [Target.CreateTable] = Names("createTable"),
            [Target.AlterTable] = Names("alterTable"),
            [Target.CreateColumn] = Names("column"),
            [Target.AlterColumn] = Names("alterColumn"),
        });
    }
}
