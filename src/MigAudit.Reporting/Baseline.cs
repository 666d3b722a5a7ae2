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
        // JsonDocument, not JsonNode: a JsonObject with a repeated key throws ArgumentException when first read.
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("tool", out var tool) &&
                   tool.ValueKind == JsonValueKind.String && tool.GetString()!.StartsWith("migaudit", StringComparison.Ordinal);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Reads the fingerprints of a baseline file. Anything else than what <see cref="Write"/> produces (not JSON, a
    /// repeated key, a finding that is not an object with a string fingerprint) is a <see cref="ProjectException"/>
    /// naming the file and the JSON path: a baseline silently read as "accept nothing" or "accept part of it" would
    /// report findings the team accepted, or hide why a baseline stopped working.
    /// </summary>
    public static BaselineSet Read(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(SafeRead.TextOrFail(path, "baseline"));
        }
        catch (JsonException error)
        {
            throw new ProjectException($"baseline {path} is not valid JSON (line {error.LineNumber + 1}): {error.Message.Split(". ")[0]}");
        }

        using (document)
        {
            string NotABaseline(string why) => $"baseline {path} is not a migaudit baseline: {why}";
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ProjectException(NotABaseline($"the document is {JsonChecks.Kind(root)}, not an object with schemaVersion 1 or 2 and a findings array"));
            }

            if (JsonChecks.RepeatedKey(root) is { } repeated)
            {
                throw new ProjectException(NotABaseline($"{repeated} is given twice"));
            }

            // TryGetInt32 is false for 2.5, 1e400 or 99999999999: none of them is a version.
            var version = root.TryGetProperty("schemaVersion", out var versionValue) && versionValue.ValueKind == JsonValueKind.Number && versionValue.TryGetInt32(out var number) ? number : 0;
            if (version is not (1 or 2))
            {
                var shown = versionValue.ValueKind switch
                {
                    JsonValueKind.Undefined => "missing",
                    JsonValueKind.Number when versionValue.GetRawText() is { Length: <= 24 } raw => raw,
                    _ => JsonChecks.Kind(versionValue),
                };
                throw new ProjectException(NotABaseline($"schemaVersion is {shown}, not 1 or 2"));
            }

            if (!root.TryGetProperty("findings", out var findings) || findings.ValueKind != JsonValueKind.Array)
            {
                throw new ProjectException(NotABaseline($"findings is {(findings.ValueKind == JsonValueKind.Undefined ? "missing" : JsonChecks.Kind(findings))}, not an array"));
            }

            var fingerprints = new HashSet<string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var finding in findings.EnumerateArray())
            {
                if (finding.ValueKind != JsonValueKind.Object)
                {
                    throw new ProjectException(NotABaseline($"findings[{index}] is {JsonChecks.Kind(finding)}, not an object with a fingerprint"));
                }

                if (!finding.TryGetProperty("fingerprint", out var fingerprint) || fingerprint.ValueKind != JsonValueKind.String)
                {
                    throw new ProjectException(NotABaseline($"findings[{index}].fingerprint is {(fingerprint.ValueKind == JsonValueKind.Undefined ? "missing" : JsonChecks.Kind(fingerprint))}, not a string"));
                }

                fingerprints.Add(fingerprint.GetString()!);
                index++;
            }

            return new BaselineSet(fingerprints, version);
        }
    }
}
