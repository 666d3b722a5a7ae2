using MigAudit.Core;

namespace MigAudit.Live;

/// <summary>
/// The password file as libpq reads it (https://www.postgresql.org/docs/current/libpq-pgpass.html):
/// hostname:port:database:username:password lines, '*' matching anything, '\' escaping ':' and '\', the first match wins.
/// </summary>
internal static class PasswordFile
{
    private const UnixFileMode GroupOrWorld = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
                                              UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>libpq (14+) takes the home folder from HOME, else from the user's passwd entry.</summary>
    public static string? Home(Func<string, string?> environment) =>
        environment("HOME") is { Length: > 0 } home ? home
        : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } profile ? profile : null;

    public static string? DefaultPath(Func<string, string?> environment) => Home(environment) is { } home ? Path.Combine(home, ".pgpass") : null;

    /// <param name="host">A socket folder matches the file's "localhost", as in libpq.</param>
    /// <param name="port">As text, as libpq compares it.</param>
    /// <returns>The first matching line's password; null without a file, a readable one, or a match.</returns>
    public static string? Lookup(string? path, string host, string port, string database, string user)
    {
        // libpq ignores (with a warning on stderr) a file that is not a regular file or that its group or others may
        // read; a missing or unreadable one is simply no password.
        if (path is null || !File.Exists(path) || (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrWorld) != 0))
        {
            return null;
        }

        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var hostName = host.StartsWith('/') ? "localhost" : host;
        foreach (var line in lines.Where(l => l.Length > 0 && l[0] != '#'))
        {
            var i = 0;
            if (Matches(line, ref i, hostName) && Matches(line, ref i, port) && Matches(line, ref i, database) && Matches(line, ref i, user))
            {
                return Password(line, i);
            }
        }

        return null;
    }

    /// <summary>One field against <paramref name="value"/> (fe-connect.c's pwdfMatchesString); on a match <paramref name="i"/> is past its ':'.</summary>
    private static bool Matches(string line, ref int i, string value)
    {
        if (i + 1 < line.Length && line[i] == '*' && line[i + 1] == ':')
        {
            i += 2;
            return true;
        }

        var j = 0;
        for (; i < line.Length && line[i] != ':'; i++, j++)
        {
            if (line[i] == '\\' && i + 1 < line.Length)
            {
                i++;
            }

            if (j >= value.Length || line[i] != value[j])
            {
                return false;
            }
        }

        if (i >= line.Length || j != value.Length)
        {
            return false;
        }

        i++;
        return true;
    }

    /// <summary>The rest of the line up to an unescaped ':', de-escaped.</summary>
    private static string Password(string line, int i)
    {
        var password = new System.Text.StringBuilder();
        for (; i < line.Length && line[i] != ':'; i++)
        {
            if (line[i] == '\\' && i + 1 < line.Length)
            {
                i++;
            }

            password.Append(line[i]);
        }

        return password.ToString();
    }
}

/// <summary>
/// A service's section of pg_service.conf as libpq finds it (https://www.postgresql.org/docs/current/libpq-pgservice.html):
/// the user's file (PGSERVICEFILE, else ~/.pg_service.conf) and, when it lacks the service, the system's
/// (PGSYSCONFDIR/pg_service.conf, else Debian's libpq's /etc/postgresql-common/pg_service.conf).
/// </summary>
internal static class ServiceFile
{
    /// <exception cref="ProjectException">The service is in neither file, or its section has a line libpq refuses or a parameter migaudit does not honour.</exception>
    public static Dictionary<string, string> Find(string service, Func<string, string?> environment)
    {
        var user = environment("PGSERVICEFILE") is { Length: > 0 } file ? file
            : PasswordFile.Home(environment) is { } home ? Path.Combine(home, ".pg_service.conf") : null;
        if (user is not null && File.Exists(user) && Read(user, service) is { } own)
        {
            return own;
        }

        var system = Path.Combine(environment("PGSYSCONFDIR") is { Length: > 0 } folder ? folder : "/etc/postgresql-common", "pg_service.conf");
        if (File.Exists(system) && Read(system, service) is { } shared)
        {
            return shared;
        }

        throw new ProjectException($"definition of service \"{service}\" not found (looked in {user ?? "~/.pg_service.conf"} and {system})");
    }

    private static Dictionary<string, string>? Read(string path, string service)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new ProjectException($"the service file {path} cannot be read: {error.Message}");
        }

        Dictionary<string, string>? found = null;
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n].Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line[0] == '[')
            {
                if (found is not null)
                {
                    break;
                }

                found = line == $"[{service}]" ? new Dictionary<string, string>(StringComparer.Ordinal) : null;
                continue;
            }

            if (found is null)
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            var keyword = equals < 0 ? string.Empty : line[..equals].Trim();
            if (equals < 0 || keyword == "service")
            {
                throw new ProjectException($"syntax error in service file \"{path}\", line {n + 1} ({(equals < 0 ? "no '='" : "a service inside a service is not supported")})");
            }

            if (!ConnectionUrl.IsHonoured(keyword))
            {
                throw new ProjectException($"service file \"{path}\", line {n + 1}: the parameter {ConnectionUrl.Named(keyword)} is not one migaudit honours; remove it rather than have it silently ignored");
            }

            // libpq keeps a parameter's first value.
            found.TryAdd(keyword, line[(equals + 1)..].Trim());
        }

        return found;
    }
}
