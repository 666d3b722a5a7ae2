using MigAudit.Core;
using MigAudit.Live;
using MigAudit.Tests.Support;
using Npgsql;

namespace MigAudit.Tests.Live;

/// <summary>--database parsed as libpq parses it, each parameter to its exact Npgsql setting; no machine setting leaks in.</summary>
public sealed class ConnectionUrlTests : IDisposable
{
    private readonly TempRepo home = new(init: false);

    public void Dispose() => home.Dispose();

    /// <summary>Only the given variables, and a home folder of the test's own (no ~/.pgpass, no ~/.pg_service.conf).</summary>
    private NpgsqlConnectionStringBuilder Parse(string text, params (string Name, string Value)[] variables)
    {
        var environment = variables.ToDictionary(v => v.Name, v => v.Value);
        environment.TryAdd("HOME", home.Root);
        return ConnectionUrl.Parse(text, name => environment.GetValueOrDefault(name));
    }

    private ProjectException Refused(string text, params (string Name, string Value)[] variables) =>
        Assert.Throws<ProjectException>(() => Parse(text, variables));

    private static string DefaultSocket => Directory.Exists("/var/run/postgresql") ? "/var/run/postgresql" : "/tmp";

    /// <summary>The settings a case expects, by Npgsql property; the rest must stay Npgsql's defaults.</summary>
    public static TheoryData<string, Dictionary<string, object?>> Urls => new()
    {
        { "postgres://u:p%40ss%2Fw%3Ard@db.example.com:6543/app", new() { ["Host"] = "db.example.com", ["Port"] = 6543, ["Username"] = "u", ["Password"] = "p@ss/w:rd", ["Database"] = "app" } },
        { "postgresql://u:pw@[::1]:5433/app", new() { ["Host"] = "::1", ["Port"] = 5433, ["Username"] = "u", ["Password"] = "pw", ["Database"] = "app" } },
        { "postgresql://u:pw@[2001:db8::5]/app", new() { ["Host"] = "2001:db8::5", ["Port"] = 5432, ["Database"] = "app" } },
        { "postgres://u:pw@%2Fvar%2Frun%2Fpostgresql/app", new() { ["Host"] = "/var/run/postgresql", ["Port"] = 5432, ["Database"] = "app" } },
        { "postgres://u:pw@/app?host=/tmp/sockets&port=6000", new() { ["Host"] = "/tmp/sockets", ["Port"] = 6000, ["Database"] = "app" } },
        { "postgres://u:pw@localhost:5432/app?host=%2Fsrv%2Fpg", new() { ["Host"] = "/srv/pg", ["Database"] = "app" } },
        { "postgres://db/?user=qu&password=q%26p&dbname=qd", new() { ["Host"] = "db", ["Username"] = "qu", ["Password"] = "q&p", ["Database"] = "qd" } },
        { "postgres://pat:pw@db", new() { ["Username"] = "pat", ["Database"] = "pat" } },
        { "postgres://u:pw@db/app?sslmode=disable", new() { ["SslMode"] = SslMode.Disable } },
        { "postgres://u:pw@db/app?sslmode=allow", new() { ["SslMode"] = SslMode.Allow } },
        { "postgres://u:pw@db/app?sslmode=prefer", new() { ["SslMode"] = SslMode.Prefer } },
        { "postgres://u:pw@db/app?sslmode=require", new() { ["SslMode"] = SslMode.Require } },
        { "postgres://u:pw@db/app?sslmode=verify-ca", new() { ["SslMode"] = SslMode.VerifyCA } },
        { "postgres://u:pw@db/app?sslmode=verify-full", new() { ["SslMode"] = SslMode.VerifyFull } },
        { "postgres://u:pw@db/app?ssl=true", new() { ["SslMode"] = SslMode.Require } },
        { "postgres://u:pw@db/app?sslmode=verify-full&sslrootcert=/etc/ca.crt&sslcert=/c.crt&sslkey=/c.key&sslpassword=kp", new() { ["SslMode"] = SslMode.VerifyFull, ["RootCertificate"] = "/etc/ca.crt", ["SslCertificate"] = "/c.crt", ["SslKey"] = "/c.key", ["SslPassword"] = "kp" } },
        { "postgres://u:pw@db/app?sslrootcert=system", new() { ["SslMode"] = SslMode.VerifyFull, ["RootCertificate"] = null } },
        { "postgres://u:pw@db/app?application_name=migaudit%20ci", new() { ["ApplicationName"] = "migaudit ci" } },
        { "postgres://u:pw@db/app?options=-c%20search_path%3Dapp", new() { ["Options"] = "-c search_path=app" } },
        { "postgres://u:pw@db/app?connect_timeout=10", new() { ["Timeout"] = 10 } },
        { "postgres://u:pw@db/app?connect_timeout=1", new() { ["Timeout"] = 2 } },
        { "postgres://u:pw@db/app?connect_timeout=0", new() { ["Timeout"] = 0 } },
        { "postgres://u:pw@db/app?target_session_attrs=any", new() { ["TargetSessionAttributes"] = null } },
        { "host=db port=6543 user=u password='a b\\'c' dbname=app sslmode=verify-full", new() { ["Host"] = "db", ["Port"] = 6543, ["Username"] = "u", ["Password"] = "a b'c", ["Database"] = "app", ["SslMode"] = SslMode.VerifyFull } },
        { "host = /tmp port=6000 user=u password=pw connect_timeout=5 application_name=x", new() { ["Host"] = "/tmp", ["Port"] = 6000, ["Timeout"] = 5, ["ApplicationName"] = "x" } },
        { "Host=db;Port=6543;Username=u;Password=pw;Database=app;SSL Mode=VerifyFull", new() { ["Host"] = "db", ["Port"] = 6543, ["Username"] = "u", ["Password"] = "pw", ["Database"] = "app", ["SslMode"] = SslMode.VerifyFull } },
    };

    [Theory]
    [MemberData(nameof(Urls))]
    public void Each_parameter_becomes_its_Npgsql_setting(string url, Dictionary<string, object?> expected)
    {
        var builder = Parse(url);
        foreach (var (property, value) in expected)
        {
            Assert.Equal(value, typeof(NpgsqlConnectionStringBuilder).GetProperty(property)!.GetValue(builder));
        }

        var defaults = new NpgsqlConnectionStringBuilder();
        foreach (var property in new[] { "SslMode", "RootCertificate", "SslCertificate", "SslKey", "SslPassword", "ApplicationName", "Options", "Timeout" }.Where(p => !expected.ContainsKey(p)))
        {
            var info = typeof(NpgsqlConnectionStringBuilder).GetProperty(property)!;
            Assert.Equal(info.GetValue(defaults), info.GetValue(builder));
        }
    }

    [Fact]
    public void What_the_address_leaves_out_comes_from_the_environment_then_libpqs_defaults()
    {
        var fromEnvironment = Parse("postgres://", ("PGHOST", "envhost"), ("PGPORT", "7000"), ("PGUSER", "envuser"), ("PGDATABASE", "envdb"), ("PGPASSWORD", "envpw"),
            ("PGSSLMODE", "verify-ca"), ("PGSSLROOTCERT", "/ca.crt"), ("PGAPPNAME", "envapp"), ("PGOPTIONS", "-c work_mem=8MB"), ("PGCONNECT_TIMEOUT", "9"));
        Assert.Equal(("envhost", 7000, "envuser", "envdb", "envpw"), (fromEnvironment.Host, fromEnvironment.Port, fromEnvironment.Username, fromEnvironment.Database, fromEnvironment.Password));
        Assert.Equal((SslMode.VerifyCA, "/ca.crt", "envapp", "-c work_mem=8MB", 9), (fromEnvironment.SslMode, fromEnvironment.RootCertificate, fromEnvironment.ApplicationName, fromEnvironment.Options, fromEnvironment.Timeout));

        // The address wins over the environment, part by part.
        var given = Parse("postgres://u:pw@db:6000/app?sslmode=disable", ("PGHOST", "envhost"), ("PGPORT", "7000"), ("PGUSER", "envuser"), ("PGDATABASE", "envdb"), ("PGPASSWORD", "envpw"), ("PGSSLMODE", "require"));
        Assert.Equal(("db", 6000, "u", "app", "pw", SslMode.Disable), (given.Host, given.Port, given.Username, given.Database, given.Password, given.SslMode));

        var defaults = Parse("postgresql:///");
        Assert.Equal((DefaultSocket, 5432, Environment.UserName, Environment.UserName), (defaults.Host, defaults.Port, defaults.Username, defaults.Database));
        Assert.Null(defaults.Password);
    }

    [Fact]
    public void A_service_comes_from_the_users_service_file_then_the_systems_and_wins_over_the_environment()
    {
        home.Write("services.conf", "# mine\n[other]\nhost=wrong\n\n[reporting]\nhost=svchost\nport=7001\ndbname=svcdb\nuser=svcuser\nsslmode=require\n[after]\nhost=wrong\n");
        home.Write("system/pg_service.conf", "[shared]\nhost=sharedhost\ndbname=shareddb\n");
        (string, string)[] files = [("PGSERVICEFILE", home.PathOf("services.conf")), ("PGSYSCONFDIR", home.PathOf("system"))];

        var service = Parse("postgres://?service=reporting", [.. files, ("PGHOST", "envhost")]);
        Assert.Equal(("svchost", 7001, "svcuser", "svcdb", SslMode.Require), (service.Host, service.Port, service.Username, service.Database, service.SslMode));

        var overridden = Parse("postgres:///mine?service=reporting&sslmode=verify-full", files);
        Assert.Equal(("svchost", "mine", SslMode.VerifyFull), (overridden.Host, overridden.Database, overridden.SslMode));

        var fromVariable = Parse("service=shared", [.. files, ("PGSERVICE", "reporting")]);
        Assert.Equal(("sharedhost", "shareddb"), (fromVariable.Host, fromVariable.Database));
        Assert.Equal("svchost", Parse("postgres://", [.. files, ("PGSERVICE", "reporting")]).Host);

        Assert.Contains("definition of service \"missing\" not found", Refused("postgres://?service=missing", files).Message);
        home.Write("services.conf", "[bad]\nhost=h\nkeepalives=1\n");
        Assert.Contains("\"keepalives\"", Refused("postgres://?service=bad", files).Message);
    }

    [Fact]
    public void A_password_file_gives_the_password_as_libpq_matches_it()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        home.Write("pgpass", "# comment\nother:*:*:*:nope\ndb.example.com:6543:app:u:from\\:file\nlocalhost:5432:*:sockuser:sockpw\n*:*:*:*:fallback\n");
        File.SetUnixFileMode(home.PathOf("pgpass"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var passfile = ("PGPASSFILE", home.PathOf("pgpass"));

        Assert.Equal("from:file", Parse("postgres://u@db.example.com:6543/app", passfile).Password);
        Assert.Equal("sockpw", Parse("postgres://sockuser@%2Ftmp/x", passfile).Password);
        Assert.Equal("fallback", Parse("postgres://zed@elsewhere/x", passfile).Password);
        Assert.Equal("from:file", Parse($"postgres://u@db.example.com:6543/app?passfile={Uri.EscapeDataString(home.PathOf("pgpass"))}").Password);
        Assert.Equal("from:file", Parse("host=db.example.com port=6543 dbname=app user=u", passfile).Password);

        // The URL's password, then PGPASSWORD, come before the file.
        Assert.Equal("given", Parse("postgres://u:given@db.example.com:6543/app", passfile, ("PGPASSWORD", "variable")).Password);
        Assert.Equal("variable", Parse("postgres://u@db.example.com:6543/app", passfile, ("PGPASSWORD", "variable")).Password);

        // ~/.pgpass when nothing names a file.
        File.Copy(home.PathOf("pgpass"), home.PathOf(".pgpass"));
        Assert.Equal("from:file", Parse("postgres://u@db.example.com:6543/app").Password);

        // libpq ignores a file its group or others may read; Npgsql is kept from reading it behind libpq's back.
        File.SetUnixFileMode(home.PathOf("pgpass"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var ignored = Parse("postgres://u@db.example.com:6543/app", passfile);
        Assert.Null(ignored.Password);
        Assert.Equal("/dev/null", ignored.Passfile);
    }

    [Theory]
    [InlineData("postgres://u:s3cretpw@db/app?sslmde=require", "\"sslmde\"")]
    [InlineData("postgres://u:s3cretpw@db/app?hostaddr=10.0.0.1", "\"hostaddr\"")]
    [InlineData("host=db password=s3cretpw keepalives=1", "\"keepalives\"")]
    [InlineData("postgres://u:s3cretpw@db/app?sslmode=required", "sslmode=\"required\"")]
    [InlineData("postgres://u:s3cretpw@db1,db2/app", "several hosts")]
    [InlineData("postgres://u:s3cretpw@db/app?target_session_attrs=read-write", "target_session_attrs=read-write")]
    [InlineData("postgres://u:s3cretpw@db:99999/app", "invalid port number: \"99999\"")]
    [InlineData("postgres://u:s3cretpw%zz@db/app", "invalid percent-encoded token")]
    [InlineData("postgres://u:s3cretpw@db/app?connect_timeout=soon", "invalid connect_timeout")]
    [InlineData("postgres://u:s3cretpw@db/app?sslrootcert=system&sslmode=require", "sslrootcert=system with sslmode=require")]
    [InlineData("host=db password='s3cretpw", "unterminated quoted value")]
    [InlineData("s3cretpw", "a word without '='")]
    public void What_migaudit_does_not_honour_is_refused_by_name_and_never_with_the_password(string url, string expected)
    {
        var error = Refused(url);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cretpw", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_query_fragment_of_a_badly_encoded_password_is_not_repeated()
    {
        var error = Refused("postgres://u@db/app?password=abc&s3cretpw");
        Assert.DoesNotContain("s3cretpw", error.Message, StringComparison.Ordinal);
    }
}
