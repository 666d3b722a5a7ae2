using System.Text.Json;
using MigAudit.IO;

namespace MigAudit.Knex.Discovery;

/// <summary>A folder's package.json, read once for discovery: absent, unreadable or not a JSON object reads as null.</summary>
public static class PackageJson
{
    public static JsonElement? Read(string directory)
    {
        var package = Path.Combine(directory, "package.json");
        if (!File.Exists(package))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(SafeRead.Text(package));
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (Exception error) when (error is JsonException or UnreadableFileException)
        {
            return null;
        }
    }

    /// <summary>The object under <paramref name="key"/> (scripts, dependencies...), or null.</summary>
    public static JsonElement? Section(this JsonElement package, string key) =>
        package.TryGetProperty(key, out var section) && section.ValueKind == JsonValueKind.Object ? section : null;

    /// <summary>The names of every package npm installs for it: dependencies, dev, optional and peer dependencies.</summary>
    public static IEnumerable<string> DependencyNames(this JsonElement package) =>
        new[] { "dependencies", "devDependencies", "optionalDependencies", "peerDependencies" }
            .Select(section => package.Section(section)).OfType<JsonElement>()
            .SelectMany(dependencies => dependencies.EnumerateObject().Select(d => d.Name));
}
