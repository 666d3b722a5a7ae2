using MigAudit.Core;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace MigAudit.Git;

public sealed record GitOutput(int ExitCode, string Stdout, string Stderr)
{
    public bool Ok => ExitCode == 0;
}

/// <summary>
/// Runs the git CLI with an argument list (never a shell), with a fixed locale and no pager or prompts, and with
/// every program the audited repository's configuration could make git run switched off: the audit never runs the
/// project's code, and a repository's .git/config and .gitattributes can name programs that git would run.
/// </summary>
public static class GitRunner
{
    /// <summary>
    /// Settings given with -c, git's command-line scope, which wins over every configuration file (and is passed on
    /// to the git processes git starts itself). Each was checked on git 2.39 against a program that leaves a marker,
    /// as tests/MigAudit.Tests/Git/GitProgramsTests.cs does for those an audit, fix or restore would reach.
    /// </summary>
    private static readonly string[] Settings =
    [
        "core.quotepath=off",

        // status, diff-tree, checkout and mv run core.fsmonitor as a hook to learn which files changed.
        "core.fsmonitor=false",

        // checkout runs post-checkout, mv and checkout post-index-change, commit its own hooks: no /dev/null/<hook> exists.
        "core.hooksPath=/dev/null",

        // Besides --no-pager and GIT_PAGER (git pages only a terminal, which these outputs never are).
        "core.pager=cat",

        // log verifies every signed commit it shows with gpg.program when log.showSignature is set.
        "log.showSignature=false",

        // An empty diff.external is no program: git fails with "cannot run" rather than run the one configured.
        // --no-ext-diff (below) is what switches it off for the commands that make diffs.
        "diff.external=",

        // An empty credential.helper empties the list of helpers; an empty core.askPass is none.
        "credential.helper=",
        "core.askPass=",

        // No transport. A repository can still allow one for itself (protocol.<name>.allow is more specific), so
        // GIT_NO_LAZY_FETCH is what stops a partial clone fetching a missing object from its promisor remote.
        "protocol.allow=never",

        // status and diff ask a submodule, or a repository committed inside this one, whether it is modified by
        // running git status inside it, where its own configuration and filter drivers apply.
        "diff.ignoreSubmodules=all",
        "submodule.recurse=false",
    ];

    /// <summary>Commands that make diffs: textconv and external diff programs run only for diff text, which migaudit never asks for, but are switched off all the same.</summary>
    private static readonly HashSet<string> DiffCommands = new(StringComparer.Ordinal) { "log", "show", "diff", "diff-tree", "diff-index", "diff-files" };

    /// <summary>
    /// Commands that read only refs, objects and configuration: no file passes through a filter driver and no diff
    /// text is made, so they need not wait for the repository's driver names (read while they run instead).
    /// cat-file only with neither --filters nor --textconv. Every other command waits for them.
    /// </summary>
    private static readonly HashSet<string> ObjectCommands = new(StringComparer.Ordinal) { "rev-parse", "symbolic-ref", "for-each-ref", "ls-tree", "merge-base", "cat-file" };

    /// <summary>
    /// Filter, diff and merge drivers have names the repository chooses (.gitattributes says "filter=x" and the
    /// configuration says what filter.x.clean runs), so no fixed setting switches them off: git config lists the
    /// configured ones, from every configuration file and include (git config runs no program).
    /// </summary>
    private const string DriverPattern = @"^(filter|diff|merge)\..*\.(clean|smudge|process|required|textconv|command|driver)$";

    /// <summary>
    /// Each driver's programs overridden with an empty value. On git 2.39 an empty filter command is no filter (one
    /// still required fails, so it stops being required); an empty textconv, diff command or merge driver is a
    /// program git cannot run, so the command fails instead of running the configured one.
    /// </summary>
    private static readonly Dictionary<string, (string Key, string Value)[]> DriverOverrides = new(StringComparer.Ordinal)
    {
        ["filter"] = [("clean", string.Empty), ("smudge", string.Empty), ("process", string.Empty), ("required", "false")],
        ["diff"] = [("textconv", string.Empty), ("command", string.Empty)],
        ["merge"] = [("driver", string.Empty)],
    };

    /// <summary>The driver overrides for each working directory, read once, when its first git command starts.</summary>
    private static readonly ConcurrentDictionary<string, Lazy<Task<IReadOnlyList<(string Key, string Value)>>>> Drivers = new(StringComparer.Ordinal);

    public static GitOutput Run(string workingDirectory, params string[] arguments) =>
        Run(workingDirectory, new Dictionary<string, string>(), arguments);

    /// <summary>
    /// Starts git on a thread of its own, for commands that do not depend on each other: each git process costs a few
    /// milliseconds of start-up, and run one after another they were most of a small project's audit.
    /// </summary>
    public static Task<GitOutput> Start(string workingDirectory, params string[] arguments) => OwnThread.Run(() => Run(workingDirectory, arguments));

    /// <summary>Runs git and hands its standard output to <paramref name="consume"/> as a stream, for outputs too large to buffer.</summary>
    public static (int ExitCode, T Result, string Stderr) Stream<T>(string workingDirectory, Func<TextReader, T> consume, params string[] arguments)
    {
        var start = StartInfo(workingDirectory, new Dictionary<string, string>(), arguments);
        using var process = Process.Start(start) ?? throw new ProjectException("git could not be started");
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var result = consume(process.StandardOutput);
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, result, stderr.Result);
    }

    /// <summary>Runs git with <paramref name="input"/> on its standard input and hands its standard output to <paramref name="consume"/> as a stream.</summary>
    public static (int ExitCode, T Result, string Stderr) Stream<T>(string workingDirectory, string input, Func<TextReader, T> consume, params string[] arguments)
    {
        var start = StartInfo(workingDirectory, new Dictionary<string, string>(), arguments);
        using var process = Process.Start(start) ?? throw new ProjectException("git could not be started");
        var stderr = process.StandardError.ReadToEndAsync();
        var writer = Task.Run(() =>
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        });
        var result = consume(process.StandardOutput);
        process.StandardOutput.ReadToEnd();
        writer.Wait();
        process.WaitForExit();
        return (process.ExitCode, result, stderr.Result);
    }

    /// <summary>
    /// The contents of many blobs in one <c>git cat-file --batch</c> process, each named as git accepts it
    /// ("&lt;commit&gt;:&lt;path&gt;"); null where git has no such object. Read as bytes: the sizes git reports are byte counts.
    /// </summary>
    public static IReadOnlyList<byte[]?> CatFiles(string workingDirectory, IReadOnlyList<string> objects)
    {
        var results = new byte[]?[objects.Count];
        var asked = Enumerable.Range(0, objects.Count).Where(i => !objects[i].Contains('\n', StringComparison.Ordinal)).ToList();
        if (asked.Count == 0)
        {
            return results;
        }

        var start = StartInfo(workingDirectory, new Dictionary<string, string>(), ["cat-file", "--batch"]);
        using var process = Process.Start(start) ?? throw new ProjectException("git could not be started");
        var stderr = process.StandardError.ReadToEndAsync();
        var writer = Task.Run(() =>
        {
            foreach (var index in asked)
            {
                process.StandardInput.Write(objects[index] + "\n");
            }

            process.StandardInput.Close();
        });
        var output = process.StandardOutput.BaseStream;
        foreach (var index in asked)
        {
            var header = ReadLine(output);
            var parts = header?.Split(' ');
            if (parts is not { Length: 3 } || !long.TryParse(parts[2], out var size))
            {
                continue;
            }

            var content = new byte[size];
            output.ReadExactly(content);
            output.ReadByte();
            results[index] = content;
        }

        writer.Wait();
        process.WaitForExit();
        _ = stderr.Result;
        return results;
    }

    private static string? ReadLine(Stream stream)
    {
        var bytes = new List<byte>();
        int next;
        while ((next = stream.ReadByte()) >= 0 && next != '\n')
        {
            bytes.Add((byte)next);
        }

        return next < 0 && bytes.Count == 0 ? null : Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>Runs git with <paramref name="input"/> on its standard input (for fast-import).</summary>
    public static GitOutput RunWithInput(string workingDirectory, string input, params string[] arguments) =>
        Run(workingDirectory, new Dictionary<string, string>(), input, arguments);

    public static GitOutput Run(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        Run(workingDirectory, environment, null, arguments);

    private static GitOutput Run(string workingDirectory, IReadOnlyDictionary<string, string> environment, string? input, params string[] arguments)
    {
        var start = StartInfo(workingDirectory, environment, arguments);
        return Execute(start, input);
    }

    private static ProcessStartInfo StartInfo(string workingDirectory, IReadOnlyDictionary<string, string> environment, string[] arguments)
    {
        var at = CommandIndex(arguments);
        var command = at < 0 ? null : arguments[at];
        var directory = Path.GetFullPath(workingDirectory);
        if (command is "config" or "init")
        {
            // They may change the configuration, and with it the drivers: the next command reads them again.
            Drivers.TryRemove(directory, out _);
            return NewProcess(workingDirectory, environment, arguments, at, []);
        }

        var drivers = Drivers.GetOrAdd(directory, key => new Lazy<Task<IReadOnlyList<(string Key, string Value)>>>(() => OwnThread.Run(() => ReadDrivers(key)))).Value;
        if (command is not null && ObjectCommands.Contains(command) && !arguments.Contains("--filters") && !arguments.Contains("--textconv"))
        {
            // Started, not awaited: the first rev-parse of an audit and this read run side by side.
            return NewProcess(workingDirectory, environment, arguments, at, []);
        }

        return NewProcess(workingDirectory, environment, arguments, at, drivers.GetAwaiter().GetResult());
    }

    /// <summary>Where the command name is: the first argument that is no option of git's own (-c and -C take a value); -1 if none.</summary>
    private static int CommandIndex(string[] arguments)
    {
        for (var i = 0; i < arguments.Length; i++)
        {
            if (arguments[i] is "-c" or "-C")
            {
                i++;
            }
            else if (!arguments[i].StartsWith('-'))
            {
                return i;
            }
        }

        return -1;
    }

    private static IReadOnlyList<(string Key, string Value)> ReadDrivers(string directory)
    {
        string[] arguments = ["config", "-z", "--name-only", "--get-regexp", DriverPattern];
        var output = Execute(NewProcess(directory, new Dictionary<string, string>(), arguments, 0, []), null);

        // 1: none configured (in the repository or, outside one, in the user's and system configuration).
        if (output.ExitCode == 1)
        {
            return [];
        }

        if (!output.Ok)
        {
            throw new ProjectException($"git cannot list the repository's filter and diff drivers, so migaudit does not run git there: {Quoting.Printable(output.Stderr.Trim())}");
        }

        var overrides = new List<(string Key, string Value)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in output.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            // "<section>.<driver>.<key>": git lowercases section and key; the driver name between them may hold dots.
            var driver = name[..name.LastIndexOf('.')];
            if (DriverOverrides.TryGetValue(name[..name.IndexOf('.')], out var keys) && seen.Add(driver))
            {
                overrides.AddRange(keys.Select(k => (driver + "." + k.Key, k.Value)));
            }
        }

        return overrides;
    }

    private static ProcessStartInfo NewProcess(string workingDirectory, IReadOnlyDictionary<string, string> environment, string[] arguments, int commandIndex, IReadOnlyList<(string Key, string Value)> drivers)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
            StandardInputEncoding = new UTF8Encoding(false),
        };
        foreach (var setting in Settings)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(setting);
        }

        start.ArgumentList.Add("--no-pager");
        for (var i = 0; i < arguments.Length; i++)
        {
            start.ArgumentList.Add(arguments[i]);
            if (i == commandIndex && DiffCommands.Contains(arguments[i]))
            {
                // Textconv filters and external diff programs, whichever the configuration or the environment names.
                start.ArgumentList.Add("--no-textconv");
                start.ArgumentList.Add("--no-ext-diff");
            }
        }

        start.Environment["LC_ALL"] = "C";
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        start.Environment["GIT_OPTIONAL_LOCKS"] = "0";
        start.Environment["GIT_PAGER"] = "cat";

        // Trace2 targets are files git writes; git reads trace2.* only from the system and user configuration, and
        // these variables win over it.
        start.Environment["GIT_TRACE2"] = "0";
        start.Environment["GIT_TRACE2_EVENT"] = "0";
        start.Environment["GIT_TRACE2_PERF"] = "0";

        // A partial clone fetches missing objects from its promisor remote, over whichever transport and program
        // the repository's configuration names (git 2.39.4 and later honour this variable).
        start.Environment["GIT_NO_LAZY_FETCH"] = "1";
        start.Environment.Remove("GIT_EXTERNAL_DIFF");
        start.Environment.Remove("GIT_ASKPASS");
        start.Environment.Remove("SSH_ASKPASS");

        // The driver overrides go through GIT_CONFIG_COUNT/KEY/VALUE rather than -c: a driver name may contain '=',
        // which -c would take for the end of the key. They follow any the environment already has.
        if (drivers.Count > 0)
        {
            var count = start.Environment.TryGetValue("GIT_CONFIG_COUNT", out var existing) && int.TryParse(existing, out var n) && n > 0 ? n : 0;
            foreach (var (key, value) in drivers)
            {
                start.Environment[$"GIT_CONFIG_KEY_{count}"] = key;
                start.Environment[$"GIT_CONFIG_VALUE_{count}"] = value;
                count++;
            }

            start.Environment["GIT_CONFIG_COUNT"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return start;
    }

    private static GitOutput Execute(ProcessStartInfo start, string? input)
    {
        using var process = Process.Start(start) ?? throw new ProjectException("git could not be started");
        if (input is not null)
        {
            var writer = Task.Run(() =>
            {
                using var stdin = new StreamWriter(process.StandardInput.BaseStream, new UTF8Encoding(false));
                stdin.Write(input);
            });
            var errors = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            writer.GetAwaiter().GetResult();
            process.WaitForExit();
            return new GitOutput(process.ExitCode, output, errors.Result);
        }

        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new GitOutput(process.ExitCode, stdout, stderr.Result);
    }
}
