using System.Diagnostics;
using MigAudit.Core;

namespace MigAudit.Live.Sandbox;

/// <summary>What the sandboxed driver may see: the folders it reads, the scratch server's socket folder, the driver itself.</summary>
/// <param name="ReadOnlyFolders">Host folders bound read-only at the same path: the project's repository, its node_modules' real folders, node's install.</param>
/// <param name="SocketFolder">The folder of the scratch server's Unix socket, bound at <see cref="NodeSandbox.SocketInside"/>.</param>
/// <param name="DriverFolder">The folder holding knex-driver.js, bound at <see cref="NodeSandbox.DriverInside"/>.</param>
/// <param name="WorkingDirectory">Where node starts (a path inside one of the read-only folders).</param>
/// <param name="AllowNetwork">Share the host's network (--allow-network); otherwise the sandbox has a loopback of its own and nothing else.</param>
public sealed record SandboxLayout(IReadOnlyList<string> ReadOnlyFolders, string SocketFolder, string DriverFolder, string WorkingDirectory, bool AllowNetwork);

/// <summary>
/// Runs node in an operating-system sandbox built by bubblewrap: new user, PID, network, mount, IPC, UTS and cgroup
/// namespaces; a filesystem of its own made of read-only binds (the system's /usr, /etc and libraries, node, the
/// project) and a private tmpfs for /tmp, so no host Unix socket (/run/postgresql, /tmp/.s.PGSQL.*) and no home folder
/// is visible; a fresh /proc that shows only the sandbox's own processes (not migaudit's environment or command line);
/// no network but a private loopback; and the whole process tree killed with SIGKILL when bwrap's parent dies. As root,
/// the sandbox's user is nobody: a private mount namespace first binds the folders root can reach (a project under
/// /root, whose mode is 0700) to a staging folder nobody can pass through, then setpriv drops to nobody with no
/// capabilities, and bwrap runs unprivileged. bubblewrap was chosen over util-linux's unshare because it builds the
/// new root, /proc and /dev and drops privileges in one audited program (Flatpak's), where unshare would need a
/// script of mounts that migaudit would have to get right itself.
/// </summary>
public static class NodeSandbox
{
    public const string SocketInside = "/run/migaudit/pg";
    public const string DriverInside = "/run/migaudit/driver";

    private static readonly Lazy<string?> Unavailable = new(Probe);

    /// <summary>Null when the sandbox can be built here; otherwise why not (no bwrap, no user namespaces, not Linux).</summary>
    public static string? WhyUnavailable => Unavailable.Value;

    /// <summary>The command that runs <paramref name="program"/> inside the sandbox; <paramref name="staging"/> is a folder migaudit owns and removes afterwards.</summary>
    public static ProcessStartInfo StartInfo(SandboxLayout layout, string staging, string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(LocalMachine.IsRoot ? "unshare" : "bwrap") { UseShellExecute = false };
        var binds = new List<(string Host, string Inside, bool Writable)>();
        binds.AddRange(Nested(layout.ReadOnlyFolders).Select(f => (f, f, false)));
        binds.Add((layout.DriverFolder, DriverInside, false));
        binds.Add((layout.SocketFolder, SocketInside, false));

        var bwrap = new List<string>();
        if (LocalMachine.IsRoot)
        {
            // A private mount namespace of root's own, where each folder is bound to a staging path that nobody can
            // reach (the staging folder is 0711): the host's mount table is untouched and the binds vanish with the sandbox.
            var staged = new List<string>();
            for (var i = 0; i < binds.Count; i++)
            {
                var target = Path.Combine(staging, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Directory.CreateDirectory(target);
                staged.Add(binds[i].Host);
                staged.Add(target);
                binds[i] = (target, binds[i].Inside, binds[i].Writable);
            }

            start.ArgumentList.Add("--mount");
            start.ArgumentList.Add("--propagation");
            start.ArgumentList.Add("private");
            start.ArgumentList.Add("--");
            start.ArgumentList.Add("/bin/sh");
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("set -e; while [ \"$1\" != -- ]; do mount --bind \"$1\" \"$2\"; shift 2; done; shift; exec \"$@\"");
            start.ArgumentList.Add("migaudit-sandbox");
            foreach (var argument in staged)
            {
                start.ArgumentList.Add(argument);
            }

            start.ArgumentList.Add("--");
            start.ArgumentList.Add("setpriv");
            start.ArgumentList.Add("--reuid=nobody");
            start.ArgumentList.Add("--regid=nogroup");
            start.ArgumentList.Add("--clear-groups");
            start.ArgumentList.Add("--inh-caps=-all");
            start.ArgumentList.Add("--bounding-set=-all");
            start.ArgumentList.Add("--no-new-privs");
            start.ArgumentList.Add("--pdeathsig");
            start.ArgumentList.Add("KILL");
            start.ArgumentList.Add("--");
            start.ArgumentList.Add("bwrap");
        }

        bwrap.AddRange(["--die-with-parent", "--unshare-all", "--new-session", "--hostname", "migaudit-sandbox"]);
        if (layout.AllowNetwork)
        {
            bwrap.Add("--share-net");
        }

        bwrap.AddRange(["--ro-bind", "/usr", "/usr"]);
        foreach (var system in new[] { "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32" })
        {
            var info = new FileInfo(system);
            if (info.LinkTarget is { } target)
            {
                bwrap.AddRange(["--symlink", target, system]);
            }
            else if (Directory.Exists(system))
            {
                bwrap.AddRange(["--ro-bind", system, system]);
            }
        }

        bwrap.AddRange(["--ro-bind", "/etc", "/etc", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--dir", "/run/migaudit"]);
        foreach (var (host, inside, writable) in binds)
        {
            bwrap.AddRange([writable ? "--bind" : "--ro-bind", host, inside]);
        }

        bwrap.AddRange(["--chdir", layout.WorkingDirectory, "--setenv", "TMPDIR", "/tmp", "--setenv", "HOME", "/tmp", "--", program]);
        bwrap.AddRange(arguments);
        foreach (var argument in bwrap)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    /// <summary>Folders outermost first, without those inside another (bound once, with their parent).</summary>
    private static IEnumerable<string> Nested(IReadOnlyList<string> folders)
    {
        var ordered = folders.Select(f => Path.TrimEndingDirectorySeparator(Path.GetFullPath(f))).Distinct(StringComparer.Ordinal).OrderBy(f => f.Length).ToList();
        var kept = new List<string>();
        foreach (var folder in ordered)
        {
            if (!kept.Any(k => folder.StartsWith(k + "/", StringComparison.Ordinal) || k == "/"))
            {
                kept.Add(folder);
            }
        }

        return kept;
    }

    /// <summary>The real folder node is installed in when it is outside /usr (nvm, volta, a tarball in /opt), so that the sandbox can run it.</summary>
    public static string? NodeInstallFolder()
    {
        foreach (var folder in LocalMachine.PathFolders)
        {
            var candidate = Path.Combine(folder, "node");
            if (!File.Exists(candidate))
            {
                continue;
            }

            var real = new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(candidate);
            var prefix = Path.GetDirectoryName(Path.GetDirectoryName(real)!)!;
            return prefix.StartsWith("/usr/", StringComparison.Ordinal) || prefix == "/usr" || prefix == "/" ? null : prefix;
        }

        return null;
    }

    /// <summary>Builds an empty sandbox once: bwrap may be missing, or user namespaces switched off (a hardened kernel, a container).</summary>
    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return $"no operating-system sandbox is available on {System.Runtime.InteropServices.RuntimeInformation.OSDescription} (migaudit's sandbox uses Linux namespaces)";
        }

        if (!OnPath("bwrap"))
        {
            return "bubblewrap (bwrap) is not installed: install it (e.g. apt-get install bubblewrap)";
        }

        if (LocalMachine.IsRoot && (!OnPath("unshare") || !OnPath("setpriv")))
        {
            return "util-linux's unshare and setpriv are needed to leave root before the sandbox";
        }

        var start = LocalMachine.IsRoot
            ? new ProcessStartInfo("setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", "bwrap", "--unshare-all", "--ro-bind", "/", "/", "--", "/bin/true"])
            : new ProcessStartInfo("bwrap", ["--unshare-all", "--ro-bind", "/", "/", "--", "/bin/true"]);
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        using var probe = Process.Start(start) ?? throw new ProjectException("bwrap could not be started");
        var error = probe.StandardError.ReadToEnd();
        probe.WaitForExit();
        return probe.ExitCode == 0 ? null : $"bubblewrap cannot create namespaces here ({error.Trim()}): user namespaces may be switched off";
    }

    private static bool OnPath(string program) =>
        LocalMachine.PathFolders.Any(f => File.Exists(Path.Combine(f, program)));
}
