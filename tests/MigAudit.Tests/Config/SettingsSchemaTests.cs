using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using MigAudit.Engine;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Config;

/// <summary>
/// The JSON schema of the settings file, shipped in the npm package (npm/migaudit/migauditrc.schema.json) for editors'
/// completion through "$schema": it names exactly the keys migaudit accepts, and agrees with migaudit on what is valid.
/// </summary>
public sealed class SettingsSchemaTests
{
    private static readonly string SchemaPath = Path.Combine(NodeKnex.ScriptsDirectory!, "..", "..", "npm", "migaudit", "migauditrc.schema.json");

    private static JsonSchema Schema => JsonSchema.FromFile(SchemaPath);

    private static bool Valid(string settings) => Schema.Evaluate(JsonNode.Parse(settings), new EvaluationOptions { OutputFormat = OutputFormat.Flag }).IsValid;

    [Fact]
    public void The_schema_names_exactly_the_keys_migaudit_accepts()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(SchemaPath));
        Assert.Equal(AuditSettings.KnownKeys.Order(StringComparer.Ordinal), schema.RootElement.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("""{ "$schema": "./node_modules/migaudit/migauditrc.schema.json", "knexfile": "server/knexfile.js", "environment": "production", "client": "pg", "migrations": ["server/migrations"], "mainline": "main", "releases": "v*", "tenantColumn": "workspace_id", "rules": { "index-naming": "off", "fk-missing-index": "medium" }, "ignore": ["server/migrations/legacy/"], "failOn": "high", "suppress": [{ "rules": ["deleted-migration"], "files": "migrations/2019*", "reason": "rebuilt from a dump" }] }""", true)]
    [InlineData("""{ "colour": true }""", false)]
    [InlineData("""{ "client": "postgress" }""", false)]
    [InlineData("""{ "rules": { "missing-down": "critical" } }""", false)]
    [InlineData("""{ "suppress": [{ "rules": "deleted-migration", "files": "migrations/*" }] }""", false)]
    [InlineData("""{ "failOn": "sometimes" }""", false)]
    public async Task The_schema_and_migaudit_agree_on_what_is_valid(string settings, bool valid)
    {
        Assert.Equal(valid, Valid(settings));

        using var repo = Audit.Project(("20250101000000_create_users.js", Audit.CreateTable("users")));
        Directory.CreateDirectory(repo.PathOf("server/migrations"));
        repo.Write("server/knexfile.js", Audit.Knexfile).Write("server/migrations/20250101000000_create_users.js", Audit.CreateTable("users"));
        repo.Write(".migauditrc.json", settings);
        var run = await CliRunner.RunAsync("audit", repo.Root);
        Assert.True(valid ? run.ExitCode != 2 : run.ExitCode == 2, run.Stdout + run.Stderr);
    }
}
