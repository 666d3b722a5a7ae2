using MigAudit.Live;

namespace MigAudit.Tests.Live;

/// <summary>The variables the knex driver keeps from migaudit's environment, on each platform: what node needs, never a secret.</summary>
public sealed class DriverEnvironmentTests
{
    private static readonly Dictionary<string, string> Shell = new()
    {
        ["Path"] = @"C:\Windows\system32;C:\Program Files\nodejs",
        ["SystemRoot"] = @"C:\Windows",
        ["TEMP"] = @"C:\Users\dev\AppData\Local\Temp",
        ["TMP"] = @"C:\Users\dev\AppData\Local\Temp",
        ["USERPROFILE"] = @"C:\Users\dev",
        ["APPDATA"] = @"C:\Users\dev\AppData\Roaming",
        ["ComSpec"] = @"C:\Windows\system32\cmd.exe",
        ["PATHEXT"] = ".COM;.EXE;.BAT;.CMD",
        ["node_options"] = "--max-old-space-size=4096",
        ["DATABASE_URL"] = "postgres://prod",
        ["AWS_SECRET_ACCESS_KEY"] = "secret",
        ["PGPASSWORD"] = "secret",
        ["HOME"] = "/home/dev",
        ["PATH"] = "/usr/bin:/bin",
        ["LANG"] = "C.UTF-8",
    };

    [Fact]
    public void On_windows_node_keeps_path_systemroot_temp_and_the_profile_folders_whatever_their_case()
    {
        var kept = KnexDriver.Inherited(Shell, windows: true).Select(e => e.Key).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["APPDATA", "ComSpec", "PATH", "PATHEXT", "Path", "SystemRoot", "TEMP", "TMP", "USERPROFILE", "node_options"], kept);
    }

    [Fact]
    public void On_unix_only_the_unix_variables_and_node_star_are_kept()
    {
        var kept = KnexDriver.Inherited(Shell, windows: false).Select(e => e.Key).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["HOME", "LANG", "PATH"], kept);
    }
}
