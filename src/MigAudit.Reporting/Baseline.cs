using MigAudit.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using MigAudit.Core;

namespace MigAudit.Reporting;

/// <summary>The fingerprints a baseline accepts, and which fingerprint version wrote them.</summary>
public sealed record BaselineSet(HashSet<string> Fingerprints, int SchemaVersion)
{
    /// <summary>Whether a finding is accepted: by its current fingerprint, or by the version 1 one for a baseline written before v2.</summary>
    public bool Accepts(Finding finding) =>
        Fingerprints.Contains(finding.Fingerprint()) || (SchemaVersion == 1 && Fingerprints.Contains(finding.LegacyFingerprint()));

    /// <summary>What to tell the user about an old baseline, or null.</summary>
    public string? Notice(string path) => SchemaVersion == 1
        ? $"{path} is a version 1 baseline: its fingerprints include each finding's message, so findings whose text changed (\"#1 of 2\" becoming \"#1 of 3\") come back as new; refresh it with --write-baseline to use {Finding.FingerprintVersion} fingerprints (rule, file and what the finding is about)"
        : null;
}

/// <summary>
/// A record of accepted findings, so a legacy project can adopt migaudit and fail only on new problems.
/// A finding is identified by rule, file and what it is about (<see cref="Finding.Key"/>): not by line, which moves
/// when files are edited, nor by message, which changes when other migrations are added.
/// </summary>
public static class Baseline
{
    public const string DefaultFile = ".migaudit-baseline.json";

    public static string Write(IEnumerable<Finding> findings, string toolVersion)
    {
        var document = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["fingerprintVersion"] = Finding.FingerprintVersion,
            ["tool"] = "migaudit " + toolVersion,
            ["findings"] = new JsonArray(findings.OrderBy(f => f.Rule, StringComparer.Ordinal).ThenBy(f => f.File, StringComparer.Ordinal).ThenBy(f => f.Key, StringComparer.Ordinal).Select(f => (JsonNode)new JsonObject
            {
                ["fingerprint"] = f.Fingerprint(),
                ["rule"] = f.Rule,
                ["file"] = f.File,
                ["key"] = f.Key,
                ["message"] = f.Message,
            }).ToArray()),
        };
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Whether the text is a baseline migaudit wrote (any version): only such a file is overwritten without --force.</summary>
    public static bool IsBaseline(string text)
    {
        try
        {
            return JsonNode.Parse(text) is JsonObject document && document["tool"] is JsonValue value && value.TryGetValue<string>(out var tool) &&
                   tool.StartsWith("migaudit", StringComparison.Ordinal);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Reads the fingerprints of a baseline file; throws <see cref="FormatException"/> with a one-line reason.</summary>
    public static BaselineSet Read(string path)
    {
        JsonNode? document;
        try
        {
            document = JsonNode.Parse(SafeRead.TextOrFail(path, "baseline"));
        }
        catch (JsonException error)
        {
            throw new FormatException($"baseline {path} is not valid JSON (line {error.LineNumber + 1}): {error.Message.Split(". ")[0]}");
        }

        var version = document is JsonObject o && o["schemaVersion"] is JsonValue v && v.TryGetValue<int>(out var number) ? number : 0;
        if (version is not (1 or 2) || document!["findings"] is not JsonArray findings)
        {
            throw new FormatException($"baseline {path} is not a migaudit baseline (schemaVersion 1 or 2 with a findings array)");
        }

        return new BaselineSet(findings.Select(f => f?["fingerprint"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null).OfType<string>().ToHashSet(StringComparer.Ordinal), version);
    }
}
