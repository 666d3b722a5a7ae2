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

        foreach (var client in input.Configuration.Clients.Where(c => c.Kind != ClientKind.KnexfileEnvironment))
        {
            yield return (client, migrations);
        }
    }

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

    public static string KindText(this DatabaseClient client) => client.Kind switch
    {
        ClientKind.Knex => "knex client",
        ClientKind.PgPool => "pg Pool",
        ClientKind.PgClient => "pg Client",
        _ => "knexfile environment",
    };

    public static string SourceOfTruth(DatabaseClient app, DatabaseClient migrations) =>
        $"const knexfile = require('{KnexfileRequire.PathFrom(app.File, migrations.File)}'); module.exports = knex(knexfile[process.env.NODE_ENV || '{migrations.Environment ?? "production"}']);";
}

public sealed class PoolMismatchRule : Rule
{
    public override string Id => "pool-mismatch";
    public override RuleCategory Category => RuleCategory.Configuration;
    public override string Title => "Pool configuration mismatch";
    public override Severity Severity => Severity.Medium;
    public override bool Blocking => false;
    public override string Summary => "The application's pool differs from the knexfile environment migrations run with.";
    public override string Impact => "Migrations and the application size and time out their connections differently: one may exhaust connections or time out where the other does not.";
    public override int EffortBaseMinutes => 30;
    public override int EffortPerFindingMinutes => 15;

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        foreach (var (app, migrations) in Clients.AppVersusMigrations(input))
        {
            var mine = app.Production();
            var theirs = migrations.Production();
            var differences = mine.PoolSettings().Zip(theirs.PoolSettings())
                .Where(pair => pair.First.Value != SettingValue.NotApplicable && pair.Second.Value != SettingValue.NotApplicable &&
                               pair.First.Value.Known && pair.Second.Value.Known && !pair.First.Value.SameValueAs(pair.Second.Value))
                .Select(pair => $"{pair.First.Name} {pair.First.Value.Text} vs {pair.Second.Value.Text}")
                .ToList();
            if (differences.Count == 0)
            {
                continue;
            }

            yield return Found(
                $"{app.Label} builds its own {app.KindText()} while migrations use {migrations.Label}: {string.Join("; ", differences)} (application vs knexfile, production).",
                file: app.File,
                key: Clients.KeyOf(input, app),
                line: app.Line,
                headline: $"{app.Label}: {string.Join("; ", differences)}",
                action: $"Use the knexfile as the source of truth in {app.File}: {Clients.SourceOfTruth(app, migrations)}",
                related: [migrations.File],
                changes:
                [
                    new FileChange(migrations.File, "source of truth", FileChangeGroup.Configuration),
                    new FileChange(app.File, $"must align with {Path.GetFileName(migrations.File)}", FileChangeGroup.Configuration),
                ]);
        }
    }
}

public sealed class SslMismatchRule : Rule
{
    public override string Id => "ssl-mismatch";
    public override RuleCategory Category => RuleCategory.Configuration;
    public override string Title => "SSL configuration inconsistency";
    public override Severity Severity => Severity.Medium;
    public override bool Blocking => false;
    public override string Summary => "In some scenario one client uses TLS and another does not, or one verifies certificates and the other does not.";
    public override string Impact => "Migrations and the application connect differently: one can fail against a database that requires TLS, or skip certificate checks the other makes.";
    public override int EffortBaseMinutes => 20;
    public override int EffortPerFindingMinutes => 15;

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        var scenarios = Clients.Comparable(input);
        foreach (var (app, migrations) in Clients.AppVersusMigrations(input))
        {
            // An unknown state is not a difference: no finding from a guess.
            var differing = scenarios.Where(s => app.Settings[s.Id].Ssl.State is var mine && migrations.Settings[s.Id].Ssl.State is var theirs &&
                                                 mine != SslState.Unknown && theirs != SslState.Unknown && mine != theirs).ToList();
            if (differing.Count == 0)
            {
                continue;
            }

            var detail = string.Join("; ", differing.Select(s => $"{s.Description}: application {app.Settings[s.Id].Ssl.Text} vs knexfile {migrations.Settings[s.Id].Ssl.Text}"));
            yield return Found(
                $"{app.Label} and {migrations.Label} disagree on TLS in {differing.Count} of {scenarios.Count} scenarios. Knexfile: {Behaviour(migrations, scenarios)}. Application: {Behaviour(app, scenarios)}. {detail}.",
                file: app.File,
                key: Clients.KeyOf(input, app),
                line: app.Line,
                headline: $"{app.Label}: {Behaviour(app, scenarios)}; knexfile: {Behaviour(migrations, scenarios)}",
                action: $"Take SSL from the knexfile environment in {app.File} (same change as for the pool), so both connect the same way",
                related: [migrations.File],
                changes: [new FileChange(app.File, $"must align with {Path.GetFileName(migrations.File)}", FileChangeGroup.Configuration)]);
        }
    }

    /// <summary>"always on, NOT verified in production" or the state per production scenario.</summary>
    private static string Behaviour(DatabaseClient client, IReadOnlyList<Scenario> scenarios)
    {
        var production = scenarios.Where(s => s.IsProduction && s.Id != ScenarioIds.ProductionNoVariables).ToList();
        var states = production.Select(s => client.Settings[s.Id].Ssl).ToList();
        if (states.Select(s => s.State).Distinct().Count() == 1)
        {
            return $"{StateText(states[0].State)} for an external database in production ({states[0].Source})";
        }

        return "depends on the environment: " + string.Join(", ", production.Select(s => $"{StateText(client.Settings[s.Id].Ssl.State)} when {s.Description[(s.Description.LastIndexOf(", ", StringComparison.Ordinal) + 2)..]}"));
    }

    private static string StateText(SslState state) => state switch
    {
        SslState.Off => "TLS off",
        SslState.Verified => "TLS on, certificate verified",
        SslState.NotVerified => "TLS on, certificate not verified",
        _ => "TLS unknown",
    };
}

public sealed class IgnoredConfigRule : Rule
{
    public override string Id => "ignored-config";
    public override RuleCategory Category => RuleCategory.Configuration;
    public override string Title => "Ignored or invalid configuration";
    public override Severity Severity => Severity.Medium;
    public override bool Blocking => false;
    public override string Summary => "Settings Knex or pg silently ignore (pool inside connection, top-level ssl, misspelled keys), or pool options tarn rejects.";
    public override string Impact => "The setting the author relied on has no effect; an unknown pool option makes pool creation throw.";
    public override int EffortPerFindingMinutes => 10;

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        foreach (var client in input.Configuration.Clients)
        {
            foreach (var problem in client.Problems)
            {
                yield return Found(
                    $"{client.Label}: {problem.Message}.",
                    file: client.File,
                    key: $"{Clients.KeyOf(input, client)}/{problem.Key}",
                    line: problem.Line > 0 ? problem.Line : client.Line,
                    action: $"Fix '{problem.Key}' in {client.File}",
                    changes: [new FileChange(client.File, $"fix '{problem.Key}'", FileChangeGroup.Configuration)],
                    severity: problem.Fatal ? Severity.High : null,
                    blocking: problem.Fatal ? true : null);
            }
        }
    }
}

public sealed class ConnectionEnvMismatchRule : Rule
{
    public override string Id => "connection-env-mismatch";
    public override RuleCategory Category => RuleCategory.Configuration;
    public override string Title => "Connection source mismatch";
    public override Severity Severity => Severity.Medium;
    public override bool Blocking => false;
    public override string Summary => "Clients read different environment variables for the same database, or fall back to a hard-coded localhost URL in production.";
    public override string Impact => "Migrations and the application can run against different databases, or production silently connects to localhost.";
    public override int EffortPerFindingMinutes => 15;

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        foreach (var (app, migrations) in Clients.AppVersusMigrations(input))
        {
            var mine = app.Production().ConnectionVariables;
            var theirs = migrations.Production().ConnectionVariables;
            if (mine.Count > 0 && theirs.Count > 0 && !mine.ToHashSet().SetEquals(theirs))
            {
                yield return Found(
                    $"{app.Label} connects with {string.Join(", ", mine)} while migrations ({migrations.Label}) use {string.Join(", ", theirs)}: set differently, they point at different databases.",
                    file: app.File,
                    key: Clients.KeyOf(input, app),
                    line: app.Line,
                    action: $"Read the same variable in {app.File} and {migrations.File}",
                    related: [migrations.File]);
            }
        }

        foreach (var client in input.Configuration.Clients.Where(c => c.Kind != ClientKind.KnexfileEnvironment || c == input.Configuration.MigrationClient))
        {
            if (client.Settings.TryGetValue(ScenarioIds.ProductionNoVariables, out var unset) && unset.HardCodedLocalhost)
            {
                yield return Found(
                    $"{client.Label} falls back to a hard-coded local database in production when its variables are unset: {unset.ConnectionSource}.",
                    file: client.File,
                    key: $"{Clients.KeyOf(input, client)}/localhost",
                    line: client.Line,
                    action: $"Fail fast in {client.File} when the connection variable is missing in production instead of falling back to localhost");
            }
        }
    }
}

public sealed class PoolExhaustionRiskRule : Rule
{
    /// <summary>PostgreSQL's default max_connections (100) minus superuser_reserved_connections (3).</summary>
    public const int UsableConnections = 97;

    public override string Id => "pool-exhaustion-risk";
    public override RuleCategory Category => RuleCategory.Configuration;
    public override string Title => "Connection pool exhaustion risk";
    public override Severity Severity => Severity.Medium;
    public override bool Blocking => false;
    public override string Summary => "The pool maxima of all clients add up close to or beyond PostgreSQL's default max_connections.";
    public override string Impact => "Under load new connections are refused ('sorry, too many clients already').";
    public override int EffortBaseMinutes => 30;

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        var clients = input.Configuration.Clients.Where(c => c.Kind != ClientKind.KnexfileEnvironment || c == input.Configuration.MigrationClient).ToList();
        var known = clients.Where(c => c.Production().Max.Number is not null).ToList();
        var total = known.Sum(c => c.Production().Max.Number!.Value);
        if (total <= UsableConnections * 0.8)
        {
            yield break;
        }

        var parts = string.Join(" + ", known.Select(c => $"{c.Production().Max.Number} ({c.Label})"));
        yield return Found(
            $"Pool maxima add up to {total} = {parts}, against {UsableConnections} usable connections on a default PostgreSQL (max_connections 100, 3 reserved for superusers). This assumes one process per client; every extra process or replica adds its pool again.",
            file: known.OrderByDescending(c => c.Production().Max.Number).First().File,
            key: "pool-total",
            line: known.OrderByDescending(c => c.Production().Max.Number).First().Line,
            action: "Lower the pool maxima or raise max_connections (or put PgBouncer in front) so that the sum over all processes stays below it",
            severity: total > UsableConnections ? Severity.High : null);
    }
}
