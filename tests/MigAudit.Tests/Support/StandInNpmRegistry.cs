using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace MigAudit.Tests.Support;

/// <summary>
/// An npm registry on loopback that serves the packed tarballs of a folder, as registry.npmjs.org serves published
/// packages: GET /name (or /@scope%2fname) answers the package document (each version's package.json with its dist:
/// tarball URL, sha512 integrity, sha1 shasum), GET /tarballs/file the tarball. The launcher's optional platform
/// packages that were not built here are listed with their os/cpu/libc, so npm skips them as it does on the registry.
/// </summary>
public sealed class StandInNpmRegistry : IDisposable
{
    private readonly LoopbackHttpServer server;
    private readonly Dictionary<string, JsonObject> documents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> tarballs = new(StringComparer.Ordinal);

    public StandInNpmRegistry(string folder)
    {
        server = new LoopbackHttpServer(AnswerAsync);
        Url = server.Url;
        foreach (var tarball in Directory.GetFiles(folder, "*.tgz"))
        {
            var manifest = JsonNode.Parse(NpmPackages.TarballFiles(tarball)["package/package.json"])!.AsObject();
            var bytes = File.ReadAllBytes(tarball);
            tarballs[Path.GetFileName(tarball)] = tarball;
            manifest["dist"] = new JsonObject
            {
                ["tarball"] = Url + "tarballs/" + Path.GetFileName(tarball),
                ["integrity"] = "sha512-" + Convert.ToBase64String(SHA512.HashData(bytes)),
                ["shasum"] = Convert.ToHexStringLower(SHA1.HashData(bytes)),
            };
            Add(manifest);
        }

        // The platform packages not built on this machine: known by name only, with the fields npm decides by.
        var optional = documents.Values.SelectMany(d => d["versions"]!.AsObject().Select(v => v.Value!["optionalDependencies"]?.AsObject()))
            .Where(o => o is not null).SelectMany(o => o!).ToList();
        foreach (var (name, version) in optional)
        {
            if (!documents.ContainsKey(name))
            {
                // @migaudit/<os>-<cpu>[-musl]
                var parts = name[(name.IndexOf('/', StringComparison.Ordinal) + 1)..].Split('-');
                var manifest = new JsonObject
                {
                    ["name"] = name,
                    ["version"] = version!.GetValue<string>(),
                    ["os"] = new JsonArray(parts[0]),
                    ["cpu"] = new JsonArray(parts[1]),
                    ["dist"] = new JsonObject { ["tarball"] = Url + "tarballs/absent-" + parts[0] + "-" + parts[1] + ".tgz", ["integrity"] = "sha512-" + Convert.ToBase64String(SHA512.HashData([])) },
                };
                if (parts[0] == "linux")
                {
                    manifest["libc"] = new JsonArray(parts.Length > 2 && parts[2] == "musl" ? "musl" : "glibc");
                }

                Add(manifest);
            }
        }

    }

    public string Url { get; }

    /// <summary>The package names asked for, in order: what npm really fetched.</summary>
    public List<string> Requested { get; } = [];

    private void Add(JsonObject manifest)
    {
        var name = manifest["name"]!.GetValue<string>();
        var version = manifest["version"]!.GetValue<string>();
        documents[name] = new JsonObject
        {
            ["name"] = name,
            ["dist-tags"] = new JsonObject { ["latest"] = version },
            ["versions"] = new JsonObject { [version] = manifest },
        };
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var response = context.Response;
        var path = Uri.UnescapeDataString(context.Request.RawUrl!.Split('?')[0].TrimStart('/'));
        lock (Requested)
        {
            Requested.Add(path);
        }

        byte[] body;
        if (path.StartsWith("tarballs/", StringComparison.Ordinal) && tarballs.TryGetValue(path["tarballs/".Length..], out var file))
        {
            response.ContentType = "application/octet-stream";
            body = await File.ReadAllBytesAsync(file);
        }
        else if (documents.TryGetValue(path, out var document))
        {
            response.ContentType = "application/json";
            body = System.Text.Encoding.UTF8.GetBytes(document.ToJsonString());
        }
        else
        {
            response.StatusCode = 404;
            body = """{"error":"Not found"}"""u8.ToArray();
        }

        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body);
    }

    public void Dispose() => server.Dispose();
}
