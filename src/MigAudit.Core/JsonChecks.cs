using System.Text.Json;

namespace MigAudit.Core;

/// <summary>Checks on the JSON files migaudit reads from a project (settings, baselines) that System.Text.Json leaves to the reader.</summary>
public static class JsonChecks
{
    /// <summary>
    /// The path of the first key an object repeats ("rules.missing-down", "findings[2].fingerprint"), or null.
    /// JsonDocument keeps both copies and JSON.parse the last: a file that says two things about one key is refused
    /// rather than read one way or the other.
    /// </summary>
    public static string? RepeatedKey(JsonElement element) => RepeatedKey(element, string.Empty);

    private static string? RepeatedKey(JsonElement element, string path)
    {
        // Depth is bounded by JsonDocument's own limit (64 levels), so plain recursion is safe here.
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    var child = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                    if (!seen.Add(property.Name))
                    {
                        return child;
                    }

                    if (RepeatedKey(property.Value, child) is { } repeated)
                    {
                        return repeated;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (RepeatedKey(item, $"{path}[{index++}]") is { } repeated)
                    {
                        return repeated;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>What a JSON value is, for a message: "a number", "an array", "null".</summary>
    public static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
