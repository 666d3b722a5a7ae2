using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MigAudit.Reporting;

/// <summary>
/// Builds the JSON reports as <see cref="JsonNode"/> trees of primitive values: written without reflection, so the
/// same code runs under Native AOT, where reflection-based serialization is not available.
/// </summary>
public static class JsonNodes
{
    /// <summary>Indented, with non-ASCII text as is (file names, messages) rather than \u escapes.</summary>
    public static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static JsonArray Array<T>(IEnumerable<T> items, Func<T, JsonNode?> map) => new(items.Select(map).ToArray());

    public static JsonArray Strings(IEnumerable<string?> items) => new(items.Select(s => (JsonNode?)s).ToArray());

    /// <summary>Null stays null: a list that is absent differs from an empty one.</summary>
    public static JsonArray? StringsOrNull(IEnumerable<string?>? items) => items is null ? null : Strings(items);
}
