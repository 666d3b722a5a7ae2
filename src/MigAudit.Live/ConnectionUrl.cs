using System.Globalization;
using System.Text;
using MigAudit.Core;
using Npgsql;

namespace MigAudit.Live;

/// <summary>
/// --database as libpq reads it (https://www.postgresql.org/docs/current/libpq-connect.html): a postgres:// or
/// postgresql:// URI or a keyword=value string; then, for what it leaves out, the service's pg_service.conf section,
/// the PG* environment variables and libpq's defaults, in that order; and, without a password, the password file's.
/// The result is the server, role, database and TLS requirement psql would use, as Npgsql settings. A parameter
/// migaudit does not honour is refused by name: dropping one silently (sslmode) once made drift connect in plaintext.
/// </summary>
public static class ConnectionUrl
{
    /// <summary>The libpq parameters migaudit honours, each with the environment variable libpq reads for it.</summary>
    private static readonly Dictionary<string, string?> Honoured = new(StringComparer.Ordinal)
    {
        ["host"] = "PGHOST",
        ["port"] = "PGPORT",
        ["dbname"] = "PGDATABASE",
        ["user"] = "PGUSER",
        ["password"] = "PGPASSWORD",
        ["passfile"] = "PGPASSFILE",
        ["service"] = "PGSERVICE",
        ["sslmode"] = "PGSSLMODE",
        ["sslrootcert"] = "PGSSLROOTCERT",
        ["sslcert"] = "PGSSLCERT",
        ["sslkey"] = "PGSSLKEY",
        ["sslpassword"] = null,
        ["application_name"] = "PGAPPNAME",
        ["options"] = "PGOPTIONS",
        ["connect_timeout"] = "PGCONNECT_TIMEOUT",
        ["target_session_attrs"] = "PGTARGETSESSIONATTRS",
    };

    private static readonly Dictionary<string, SslMode> SslModes = new(StringComparer.Ordinal)
    {
        ["disable"] = SslMode.Disable,
        ["allow"] = SslMode.Allow,
        ["prefer"] = SslMode.Prefer,
        ["require"] = SslMode.Require,
        ["verify-ca"] = SslMode.VerifyCA,
        ["verify-full"] = SslMode.VerifyFull,
    };

    private static string HonouredList => string.Join(", ", Honoured.Keys);

    /// <summary>Whether <paramref name="keyword"/> is a libpq parameter migaudit honours (a service file's keys are checked too).</summary>
    internal static bool IsHonoured(string keyword) => Honoured.ContainsKey(keyword);

    /// <param name="text">A postgres:// or postgresql:// URI, a libpq keyword=value string, or an Npgsql connection string (settings separated by ';').</param>
    /// <param name="environment">The environment variables (default: the process's); the tests give their own.</param>
    /// <exception cref="ProjectException">A parameter migaudit does not honour, a malformed value, a missing service; the message never holds a password.</exception>
    public static NpgsqlConnectionStringBuilder Parse(string text, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (text.StartsWith("postgresql://", StringComparison.Ordinal) || text.StartsWith("postgres://", StringComparison.Ordinal))
        {
            return Resolve(ConnectionSyntax.FromUri(text), environment);
        }

        // libpq's keyword=value separates settings with spaces; a ';' outside quotes is Npgsql's separator.
        return ConnectionSyntax.HasUnquotedSemicolon(text) ? FromNpgsql(text, environment) : Resolve(ConnectionSyntax.FromKeywords(text), environment);
    }

    /// <summary>The passwords migaudit knows of for <paramref name="text"/> (its resolved password, PGPASSWORD), to redact wherever they appear.</summary>
    public static IReadOnlyList<string> SecretsOf(string? text)
    {
        var secrets = new List<string>();
        if (Environment.GetEnvironmentVariable("PGPASSWORD") is { Length: > 0 } variable)
        {
            secrets.Add(variable);
        }

        if (text is not null)
        {
            try
            {
                if (Parse(text).Password is { Length: > 0 } password)
                {
                    secrets.Add(password);
                }
            }
            catch (ProjectException)
            {
                // Refused before any connection: its message already holds no password.
            }
        }

        return secrets;
    }

    /// <summary>
    /// An Npgsql connection string, as migaudit accepted before: Npgsql's parser and keywords. Only the password is
    /// looked up when missing (PGPASSWORD, then the password file), as Npgsql itself would at connect, so that verify's
    /// driver gets it too.
    /// </summary>
    private static NpgsqlConnectionStringBuilder FromNpgsql(string text, Func<string, string?> environment)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(text);
        }
        catch (Exception error) when (error is ArgumentException or FormatException or OverflowException or InvalidCastException)
        {
            // Npgsql's message can quote the string, password included: say only what kind of problem it is.
            throw new ProjectException($"the database address is not a postgres:// URL, a libpq keyword=value string or a connection string Npgsql accepts ({error.GetType().Name})");
        }

        if (string.IsNullOrEmpty(builder.Password) && builder.Host is { Length: > 0 } host)
        {
            var user = builder.Username ?? environment("PGUSER") ?? Environment.UserName;
            builder.Password = environment("PGPASSWORD") is { Length: > 0 } variable
                ? variable
                : PasswordFile.Lookup(builder.Passfile ?? environment("PGPASSFILE") ?? PasswordFile.DefaultPath(environment), host, builder.Port.ToString(CultureInfo.InvariantCulture), builder.Database ?? user, user);
        }

        return builder;
    }

    /// <summary>libpq's order: the given values, the service's, the environment's, the defaults; then the password file.</summary>
    private static NpgsqlConnectionStringBuilder Resolve(Dictionary<string, string> given, Func<string, string?> environment)
    {
        if (given.Keys.FirstOrDefault(k => !Honoured.ContainsKey(k)) is { } unknown)
        {
            throw new ProjectException($"the database address has the parameter {Named(unknown)}, which migaudit does not honour (it honours {HonouredList}): remove it rather than have it silently ignored");
        }

        var values = new Dictionary<string, string>(given, StringComparer.Ordinal);
        if ((values.GetValueOrDefault("service") ?? environment("PGSERVICE")) is { Length: > 0 } service)
        {
            foreach (var (keyword, value) in ServiceFile.Find(service, environment))
            {
                values.TryAdd(keyword, value);
            }
        }

        foreach (var (keyword, variable) in Honoured.Where(h => h.Value is not null && h.Key != "service"))
        {
            if (!values.ContainsKey(keyword) && environment(variable!) is { } value)
            {
                values[keyword] = value;
            }
        }

        // libpq's defaults: the socket folder it was built with, 5432, the operating-system user, a database named after the user.
        var host = values.GetValueOrDefault("host") is { Length: > 0 } h ? h : DefaultSocketFolder();
        if (host.Contains(','))
        {
            throw new ProjectException("the database address names several hosts; migaudit connects to one server: give one host");
        }

        var portText = values.GetValueOrDefault("port") is { Length: > 0 } p ? p : "5432";
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new ProjectException($"the database address has an invalid port number: \"{portText}\"");
        }

        var user = values.GetValueOrDefault("user") is { Length: > 0 } u ? u : Environment.UserName;
        var database = values.GetValueOrDefault("dbname") is { Length: > 0 } d ? d : user;
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = host,
            Port = port,
            Username = user,
            Database = database,
            Pooling = false,
        };

        // An empty password counts as none for libpq too (it then reads the password file).
        if (values.GetValueOrDefault("password") is { Length: > 0 } password)
        {
            builder.Password = password;
        }
        else
        {
            var passfile = values.GetValueOrDefault("passfile") is { Length: > 0 } f ? f : PasswordFile.DefaultPath(environment);
            builder.Password = PasswordFile.Lookup(passfile, host, portText, database, user);

            // Found none: Npgsql would otherwise read the password file again at connect, without libpq's permission
            // check or its socket-is-localhost rule; an empty file leaves it nothing to find that libpq would not.
            builder.Passfile = builder.Password is null ? "/dev/null" : null;
        }

        Tls(builder, values);
        if (values.GetValueOrDefault("application_name") is { } application)
        {
            builder.ApplicationName = application;
        }

        if (values.GetValueOrDefault("options") is { Length: > 0 } options)
        {
            builder.Options = options;
        }

        if (values.GetValueOrDefault("connect_timeout") is { Length: > 0 } timeoutText)
        {
            builder.Timeout = ConnectTimeout(timeoutText);
        }

        if (values.GetValueOrDefault("target_session_attrs") is { Length: > 0 } attributes && attributes != "any")
        {
            // libpq checks a single server's state too; Npgsql applies it only across several hosts (it throws for one):
            // rather than connect to a server of the wrong kind, say so.
            throw new ProjectException(attributes is "read-write" or "read-only" or "primary" or "standby" or "prefer-standby"
                ? $"the database address has target_session_attrs={attributes}: migaudit connects to one host, where Npgsql does not check it; leave it out or use any"
                : $"the database address has target_session_attrs=\"{attributes}\", which is not one of libpq's: any, read-write, read-only, primary, standby, prefer-standby");
        }

        return builder;
    }

    private static void Tls(NpgsqlConnectionStringBuilder builder, Dictionary<string, string> values)
    {
        var root = values.GetValueOrDefault("sslrootcert");
        var modeText = values.GetValueOrDefault("sslmode");
        if (root == "system")
        {
            // libpq 16+: the system's trusted CAs, which is what Npgsql uses with no root certificate; libpq then
            // defaults sslmode to verify-full and refuses a weaker one.
            root = null;
            modeText ??= "verify-full";
            if (modeText != "verify-full")
            {
                throw new ProjectException($"the database address has sslrootcert=system with sslmode={modeText}; libpq refuses it (use verify-full)");
            }
        }

        if (modeText is { Length: > 0 })
        {
            builder.SslMode = SslModes.TryGetValue(modeText, out var mode)
                ? mode
                : throw new ProjectException($"the database address has sslmode=\"{modeText}\", which is not one of libpq's: {string.Join(", ", SslModes.Keys)}");
        }

        builder.RootCertificate = root;
        builder.SslCertificate = values.GetValueOrDefault("sslcert");
        builder.SslKey = values.GetValueOrDefault("sslkey");
        builder.SslPassword = values.GetValueOrDefault("sslpassword");
    }

    /// <summary>libpq: zero or less waits forever, 1 means 2 (its minimum); Npgsql: 0 waits forever, at most 1024.</summary>
    private static int ConnectTimeout(string text)
    {
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
        {
            throw new ProjectException($"the database address has an invalid connect_timeout: \"{text}\"");
        }

        return seconds switch
        {
            <= 0 => 0,
            1 => 2,
            > 1024 => throw new ProjectException($"the database address has connect_timeout={seconds}: Npgsql waits at most 1024 s (0 waits forever)"),
            _ => seconds,
        };
    }

    /// <summary>Debian's libpq looks in /var/run/postgresql, upstream's in /tmp; whichever this machine has.</summary>
    private static string DefaultSocketFolder() => Directory.Exists("/var/run/postgresql") ? "/var/run/postgresql" : "/tmp";

    /// <summary>A parameter's name, quoted when it looks like one (a stray fragment of a mis-encoded password is not repeated).</summary>
    internal static string Named(string keyword) =>
        keyword.Length is > 0 and <= 64 && keyword.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            ? $"\"{keyword}\""
            : "that is not a parameter name (a '&' or '=' in a password must be percent-encoded)";

    internal static Encoding Utf8 { get; } = new UTF8Encoding(false, throwOnInvalidBytes: true);
}
