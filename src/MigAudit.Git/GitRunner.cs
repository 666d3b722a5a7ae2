using MigAudit.Core;
using System.Diagnostics;
using System.Text;

namespace MigAudit.Git;

public sealed record GitOutput(int ExitCode, string Stdout, string Stderr)
{
    public bool Ok => ExitCode == 0;
}

/// <summary>Runs the git CLI with an argument list (never a shell), with a fixed locale and no pager or prompts.</summary>
public static class GitRunner
{
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
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("core.quotepath=off");
        start.ArgumentList.Add("--no-pager");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["LC_ALL"] = "C";
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        start.Environment["GIT_OPTIONAL_LOCKS"] = "0";
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
