using MigAudit.Core;
using MigAudit.Git;

namespace MigAudit.Demo;

/// <summary>Writes files and commits them with fixed authors and dates, so the demo history is the same on every run.</summary>
internal sealed class DemoRepository(string root)
{
    public void Init()
    {
        Git("init", "-q", "-b", "main");
        Git("config", "user.name", "migaudit demo");
        Git("config", "user.email", "demo@migaudit.invalid");
        Git("config", "commit.gpgsign", "false");
    }

    public void Write(string path, string content)
    {
        var full = Path.Combine(root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content.ReplaceLineEndings("\n"));
    }

    public void Move(string from, string to) => Git("mv", from, to);

    public void Delete(string path, bool stage = true)
    {
        if (stage)
        {
            Git("rm", "-q", path);
        }
        else
        {
            File.Delete(Path.Combine(root, path));
        }
    }

    public void Commit(string message, string author, string date)
    {
        Git("add", "-A");
        var environment = new Dictionary<string, string>
        {
            ["GIT_AUTHOR_DATE"] = date,
            ["GIT_COMMITTER_DATE"] = date,
        };
        var result = GitRunner.Run(root, environment, "commit", "-q", "--no-verify", "--author", author, "-m", message);
        if (!result.Ok)
        {
            throw new ProjectException($"git commit failed: {result.Stderr.Trim()}");
        }
    }

    private void Git(params string[] arguments)
    {
        var result = GitRunner.Run(root, arguments);
        if (!result.Ok)
        {
            throw new ProjectException($"git {arguments[0]} failed: {result.Stderr.Trim()}");
        }
    }
}
