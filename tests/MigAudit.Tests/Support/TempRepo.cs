using MigAudit.Git;

namespace MigAudit.Tests.Support;

/// <summary>A real git repository in a temp folder, deleted on dispose. Commits get fixed authors and dates.</summary>
public sealed class TempRepo : IDisposable
{
    private int clock;

    public TempRepo(bool init = true)
    {
        Root = Path.Combine(Path.GetTempPath(), "migaudit-test-" + Guid.NewGuid().ToString("n")[..12]);
        Directory.CreateDirectory(Root);
        if (init)
        {
            Git("init", "-q", "-b", "main");
            Git("config", "user.name", "Test Author");
            Git("config", "user.email", "test@example.invalid");
            Git("config", "commit.gpgsign", "false");
        }
    }

    public string Root { get; }

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public TempRepo Write(string relative, string content)
    {
        var full = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return this;
    }

    public TempRepo WriteBytes(string relative, byte[] content)
    {
        var full = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, content);
        return this;
    }

    public TempRepo Delete(string relative)
    {
        File.Delete(PathOf(relative));
        return this;
    }

    public TempRepo Move(string from, string to)
    {
        File.Move(PathOf(from), PathOf(to));
        return this;
    }

    /// <summary>Copies a fixture folder (tests/fixtures/...) into the repository root.</summary>
    public TempRepo CopyFixture(string fixture)
    {
        var source = Path.Combine(AppContext.BaseDirectory, "fixtures", fixture);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            var target = PathOf(relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }

        return this;
    }

    /// <summary>Stages everything and commits; each commit is one day after the previous one.</summary>
    public string Commit(string message = "change", string author = "Test Author <test@example.invalid>")
    {
        Git("add", "-A");
        var date = new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero).AddDays(clock++).ToString("o");
        var env = new Dictionary<string, string> { ["GIT_AUTHOR_DATE"] = date, ["GIT_COMMITTER_DATE"] = date };
        var result = GitRunner.Run(Root, env, "commit", "-q", "--allow-empty", "--author", author, "-m", message);
        Assert.True(result.Ok, result.Stderr);
        return Git("rev-parse", "HEAD").Trim();
    }

    public string Git(params string[] arguments)
    {
        var result = GitRunner.Run(Root, arguments);
        Assert.True(result.Ok, $"git {string.Join(' ', arguments)}: {result.Stderr}");
        return result.Stdout;
    }

    public void Dispose()
    {
        try
        {
            foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
            {
                File.SetAttributes(file, FileAttributes.Normal);
            }

            Directory.Delete(Root, recursive: true);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
        }
    }
}
