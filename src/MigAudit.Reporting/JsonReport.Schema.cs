using System.Text.Json.Nodes;
using MigAudit.Core;
using static MigAudit.Reporting.JsonNodes;

namespace MigAudit.Reporting;

/// <summary>The replayed schema, in the audit's JSON and as the body of 'migaudit schema --format json'.</summary>
public static partial class JsonReport
{
    public static string RenderSchema(SchemaReplay replay, DialectInfo dialect) => new JsonObject
    {
        ["schemaVersion"] = SchemaVersion,
        ["dialect"] = DialectJson(dialect),
        ["schema"] = SchemaJson(replay, items => new JsonArray(items.ToArray())),
    }.ToJsonString(Indented);

    /// <param name="list">Makes the table list: a whole array, or a stand-in for one the audit's JSON writes item by item.</param>
    private static JsonObject SchemaJson(SchemaReplay replay, Func<IEnumerable<JsonNode?>, JsonNode?> list) => new()
    {
        ["tables"] = list(replay.Schema.Tables.Values.OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => (JsonNode?)new JsonObject
        {
            ["name"] = t.Name,
            ["createdBy"] = t.Origin.Migration,

            // Null when everything listed (and not listed) is known; else the statement after which it is not.
            ["unknownSince"] = UncertaintyJson(replay.Schema.UncertaintyOf(t)),
            ["indexesUnknownSince"] = UncertaintyJson(replay.Schema.IndexUncertaintyOf(t)),
            ["primaryKey"] = Strings(t.PrimaryKey),
            ["columns"] = Array(t.Columns, c => new JsonObject
            {
                ["name"] = c.Name,
                ["type"] = c.Type,
                ["nullable"] = c.Nullable,
                ["default"] = c.Default,
                ["createdBy"] = c.Origin.Migration,
            }),
            ["indexes"] = Array(t.Indexes, i => new JsonObject
            {
                ["name"] = i.Name,
                ["columns"] = Strings(i.Columns),
                ["unique"] = i.Unique,
                ["explicitName"] = i.ExplicitName,
                ["createdBy"] = i.Origin.Migration,
                ["method"] = i.Method,
                ["predicate"] = i.Predicate,
                ["include"] = Strings(i.Include),
            }),
            ["foreignKeys"] = Array(t.ForeignKeys, f => new JsonObject
            {
                ["name"] = f.Name,
                ["column"] = string.Join(",", f.Columns),
                ["columns"] = Strings(f.Columns),
                ["references"] = $"{f.ReferencesTable}.{string.Join(",", f.ReferencesColumns)}",
                ["onDelete"] = f.OnDelete,
                ["onUpdate"] = f.OnUpdate,
                ["createdBy"] = f.Origin.Migration,
            }),
        })),

        // Migrations not replayed at all (unreadable or unparseable): without them the schema above is incomplete.
        ["skipped"] = Array(replay.Migrations.Where(m => m.Skipped is not null), m => new JsonObject { ["migration"] = m.Migration, ["reason"] = m.Skipped }),

        // Tables that may or may not exist, and the statement that made them so.
        ["unknownTables"] = Array(replay.Schema.UnknownTables.OrderBy(t => t.Key, StringComparer.Ordinal), t => new JsonObject { ["name"] = t.Key, ["because"] = UncertaintyJson(t.Value) }),

        // A statement that could have touched any table: everything made before it is unknown.
        ["unknownSince"] = UncertaintyJson(replay.Schema.Unknown),
    };

    private static JsonObject? UncertaintyJson(Uncertainty? uncertainty) => uncertainty is null
        ? null
        : new JsonObject { ["migration"] = uncertainty.Migration, ["line"] = uncertainty.Line, ["reason"] = uncertainty.Reason };

    private static JsonObject DialectJson(DialectInfo dialect) => new()
    {
        ["name"] = dialect.Dialect.ToString().ToLowerInvariant(),
        ["client"] = dialect.Client,
        ["source"] = dialect.Source,
        ["possible"] = Strings(dialect.Possible.Select(d => d.ToString().ToLowerInvariant())),
    };
}
