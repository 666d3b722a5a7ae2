using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>How an application file requires the knexfile: the rules' recommendation and 'migaudit fix' write the same.</summary>
public static class KnexfileRequire
{
    /// <summary>The require() path from <paramref name="fromFile"/> to the knexfile, without extension, both root-relative.</summary>
    public static string PathFrom(string fromFile, string knexfile)
    {
        var relative = PathText.WithSlashes(Path.GetRelativePath(Path.GetDirectoryName(fromFile) is { Length: > 0 } d ? d : ".", Path.ChangeExtension(knexfile, null)));
        return relative.StartsWith('.') ? relative : "./" + relative;
    }

    /// <summary>The expression that loads the knexfile environment, e.g. require('../knexfile')[process.env.NODE_ENV || 'production'].</summary>
    public static string Environment(string fromFile, string knexfile, string? environment) =>
        $"require({Quoting.JsString(PathFrom(fromFile, knexfile))})[process.env.NODE_ENV || {Quoting.JsString(environment ?? "production")}]";
}

/// <summary>Shared by the configuration rules: the knexfile environment migrations use, and the application's own clients.</summary>
internal static class Clients
{
    public static IEnumerable<(DatabaseClient App, DatabaseClient Migrations)> AppVersusMigrations(AuditInput input)
    {
        if (input.Configuration.MigrationClient is not { } migrations)
        {
            yield break;
        }

        // Only the app's own clients: a test's or a script's configuration is not compared with the migrations'.
        foreach (var client in input.Configuration.Clients.Where(c => c.Kind != ClientKind.KnexfileEnvironment && c.Role == ClientRole.App))
        {
            yield return (client, migrations);
        }
    }

    /// <summary>
    /// The clients that reach the app's database in production: the knexfile environment migrations run with and the
    /// app's own clients (a test's or a script's are listed, never compared or summed).
    /// </summary>
    public static IEnumerable<DatabaseClient> AppClients(AuditInput input) => input.Configuration.Clients
        .Where(c => (c.Kind != ClientKind.KnexfileEnvironment || c == input.Configuration.MigrationClient) && c.Role == ClientRole.App);

    public static ClientSettings Production(this DatabaseClient client) => client.Settings[ScenarioIds.Production];

    /// <summary>A fingerprint key for a client that survives edits around it: its kind and environment, or its rank among the file's clients of that kind.</summary>
    public static string KeyOf(AuditInput input, DatabaseClient client) =>
        $"{client.Kind}:{client.Environment ?? input.Configuration.Clients.Where(c => c.File == client.File && c.Kind == client.Kind).ToList().IndexOf(client).ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Scenarios in which comparing with the migrations' knexfile environment makes sense: those whose NODE_ENV is
    /// that environment (production scenarios when the environment has another name, such as "staging").
    /// </summary>
    public static IReadOnlyList<Scenario> Comparable(AuditInput input)
    {
        var environment = input.Project.Environment ?? "production";
        var matching = input.Configuration.Scenarios.Where(s => s.Variables.TryGetValue("NODE_ENV", out var e) && e == environment).ToList();
        return matching.Count > 0 ? matching : input.Configuration.Scenarios.Where(s => s.IsProduction).ToList();
    }

    public static string KindText(this DatabaseClient client) => client.Kind.Text();

    public static string SourceOfTruth(DatabaseClient app, DatabaseClient migrations) =>
        $"const knexfile = require('{KnexfileRequire.PathFrom(app.File, migrations.File)}'); module.exports = knex(knexfile[process.env.NODE_ENV || '{migrations.Environment ?? "production"}']);";
}
