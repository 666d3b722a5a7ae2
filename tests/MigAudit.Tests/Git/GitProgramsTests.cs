using System.Text.Json;
using MigAudit.Git;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Git;

/// <summary>
/// The audited repository's own .git/config and .gitattributes can name programs that git runs (fsmonitor, filter and
/// diff drivers, pagers, gpg, hooks, credential helpers, a promisor remote's transport). migaudit runs none of them:
/// each program here is a shell script that leaves a marker file in a folder outside the repository, and after audit,
/// fix --apply and restore the folder is still empty.
/// </summary>
public sealed class GitProgramsTests : IDisposable
{
    private readonly string outside = Path.Combine(Path.GetTempPath(), "migaudit-programs-" + Guid.NewGuid().ToString("n")[..8]);

    public GitProgramsTests()
    {
        Directory.CreateDirectory(Markers);
        Directory.CreateDirectory(Path.Combine(outside, "programs"));
        Directory.CreateDirectory(Path.Combine(outside, "hooks"));
    }

    private string Markers => Path.Combine(outside, "markers");

    public void Dispose() => Directory.Delete(outside, recursive: true);

    /// <summary>Every hook githooks(5) names, each leaving a marker "hook-NAME".</summary>
    private static readonly string[] Hooks =
    [
        "applypatch-msg", "pre-applypatch", "post-applypatch", "pre-commit", "pre-merge-commit", "prepare-commit-msg",
        "commit-msg", "post-commit", "pre-rebase", "post-checkout", "post-merge", "pre-push", "pre-receive", "update",
        "proc-receive", "post-receive", "post-update", "reference-transaction", "push-to-checkout", "pre-auto-gc",
        "post-rewrite", "sendemail-validate", "fsmonitor-watchman", "p4-changelist", "p4-prepare-changelist",
        "p4-post-changelist", "p4-pre-submit", "post-index-change",
    ];

    /// <summary>A script that leaves the marker <paramref name="name"/> and then does <paramref name="then"/>.</summary>
    private string Program(string name, string then = "exit 0") => Script(Path.Combine(outside, "programs", name), name, then);

    private string Script(string path, string marker, string then)
    {
        File.WriteAllText(path, $"#!/bin/sh\ntouch '{Path.Combine(Markers, marker)}'\n{then}\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    /// <summary>The markers left so far, removed.</summary>
    private List<string> TakeMarkers()
    {
        var left = Directory.EnumerateFileSystemEntries(Markers).Order(StringComparer.Ordinal).ToList();
        left.ForEach(File.Delete);
        return left.Select(Path.GetFileName).OfType<string>().ToList();
    }

    private static void Touch(TempRepo repo, string relative) => File.SetLastWriteTimeUtc(repo.PathOf(relative), DateTime.UtcNow.AddMinutes(5));

    private static JsonElement Statistics(CliResult audit) => JsonDocument.Parse(audit.Stdout).RootElement.GetProperty("statistics");

    /// <summary>Rewrites HEAD with a gpgsig header, so that log.showSignature makes git verify it with gpg.program.</summary>
    private static void SignHead(TempRepo repo)
    {
        var text = repo.Git("cat-file", "commit", "HEAD");
        var headerEnd = text.IndexOf("\n\n", StringComparison.Ordinal);
        var signed = text[..headerEnd] + "\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----" + text[headerEnd..];
        var written = GitRunner.RunWithInput(repo.Root, signed, "hash-object", "-t", "commit", "-w", "--stdin");
        Assert.True(written.Ok, written.Stderr);
        repo.Git("update-ref", "refs/heads/main", written.Stdout.Trim());
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Audit_fix_and_restore_run_no_program_the_repository_names()
    {
        Skip.If(OperatingSystem.IsWindows(), "the programs are POSIX shell scripts");
        using var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Write(".gitattributes", "*.js filter=evil diff=evil merge=evil\nmigrations/20250103000000_create_tags.js filter=proc\n");
        repo.Write("migrations/20250101000000_create_accounts.js", Audit.CreateTable("accounts"));
        repo.Write("migrations/20250101000000_create_users.js", Audit.CreateTable("users"));
        repo.Write("migrations/20250102000000_create_posts.js", Audit.CreateTable("posts"));
        repo.Write("migrations/20250103000000_create_tags.js", Audit.CreateTable("tags"));
        repo.Commit("create");
        repo.Git("tag", "v1.0.0");
        repo.Delete("migrations/20250102000000_create_posts.js");
        repo.Commit("drop posts");
        repo.Write("migrations/20250104000000_create_likes.js", Audit.CreateTable("likes"));
        repo.Commit("add likes");
        SignHead(repo);

        foreach (var hook in Hooks)
        {
            Script(Path.Combine(outside, "hooks", hook), "hook-" + hook, "exit 0");
        }

        var configuration = new (string Key, string Value)[]
        {
            ("core.fsmonitor", Program("fsmonitor")),
            ("filter.evil.clean", Program("filter-clean", "cat")),
            ("filter.evil.smudge", Program("filter-smudge", "cat")),
            ("filter.evil.required", "true"),
            ("filter.proc.process", Program("filter-process", "exit 1")),
            ("diff.evil.textconv", Program("diff-textconv", "cat \"$1\"")),
            ("diff.evil.command", Program("diff-command")),
            ("diff.external", Program("diff-external")),
            ("merge.evil.driver", Program("merge-driver")),
            ("core.pager", Program("core-pager", "cat")),
            ("pager.log", Program("pager-log", "cat")),
            ("pager.show", Program("pager-show", "cat")),
            ("pager.status", Program("pager-status", "cat")),
            ("log.showSignature", "true"),
            ("gpg.program", Program("gpg", "exit 1")),
            ("core.hooksPath", Path.Combine(outside, "hooks")),
            ("credential.helper", Program("credential-helper")),
            ("core.askPass", Program("askpass", "echo x")),
            ("core.sshCommand", Program("ssh-command", "exit 1")),
            ("trace2.eventTarget", Path.Combine(Markers, "trace2-event")),
            ("trace2.normalTarget", Path.Combine(Markers, "trace2-normal")),
            ("trace2.perfTarget", Path.Combine(Markers, "trace2-perf")),
        };
        foreach (var (key, value) in configuration)
        {
            repo.Git("config", key, value);
        }

        // A new modification time with the same content: git status cannot trust its index entry and runs the clean
        // filter over each file to compare it.
        foreach (var file in Directory.EnumerateFiles(repo.PathOf("migrations")))
        {
            Touch(repo, Path.GetRelativePath(repo.Root, file));
        }

        Assert.Empty(TakeMarkers());

        // Which programs ran, step by step (git's own output is checked after: reading it could run them too).
        var audit = await CliRunner.RunAsync("audit", repo.Root, "--format", "json");
        var ran = new List<string> { "audit: " + string.Join(' ', TakeMarkers()) };
        var fix = await CliRunner.RunAsync("fix", repo.Root, "--rule", "duplicate-version", "--apply");
        ran.Add("fix --apply: " + string.Join(' ', TakeMarkers()));
        var restore = await CliRunner.RunAsync("restore", "20250102000000_create_posts.js", "--path", repo.Root);
        ran.Add("restore: " + string.Join(' ', TakeMarkers()));
        Assert.True(ran.SequenceEqual(["audit: ", "fix --apply: ", "restore: "]), "programs ran: " + string.Join("; ", ran));

        Assert.True(audit.ExitCode == 1, audit.Stderr);
        var statistics = Statistics(audit);
        Assert.Equal(4, statistics.GetProperty("active").GetInt32());
        Assert.Equal(4, statistics.GetProperty("committed").GetInt32());
        Assert.Equal(0, statistics.GetProperty("untracked").GetInt32());
        Assert.Equal(1, statistics.GetProperty("deleted").GetInt32());

        Assert.True(fix.ExitCode == 0, fix.Stdout + fix.Stderr);
        Assert.Contains("git mv -- migrations/20250101000000_create_users.js migrations/20250101000001_create_users.js", fix.Stdout);

        Assert.True(restore.ExitCode == 0, restore.Stderr);
        Assert.StartsWith("restored migrations/20250102000000_create_posts.js from ", restore.Stdout);
        Assert.Equal(Audit.CreateTable("posts"), File.ReadAllText(repo.PathOf("migrations/20250102000000_create_posts.js")));
        Assert.Equal(
            "migrations/20250101000000_create_accounts.js\nmigrations/20250101000001_create_users.js\nmigrations/20250102000000_create_posts.js\nmigrations/20250103000000_create_tags.js\nmigrations/20250104000000_create_likes.js\n",
            repo.Git("ls-files", "migrations"));
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task A_repository_inside_a_migration_folder_runs_none_of_its_own_programs()
    {
        // git status in the outer repository asks the inner one (a submodule, or a repository merely committed as
        // one) whether it is modified by running git status there, where the inner repository's config applies.
        Skip.If(OperatingSystem.IsWindows(), "the programs are POSIX shell scripts");
        using var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Write("migrations/20250101000000_create_users.js", Audit.CreateTable("users"));
        var inner = repo.PathOf("migrations/vendor");
        repo.Write("migrations/vendor/notes.txt", "notes\n");
        repo.Write("migrations/vendor/.gitattributes", "* filter=inner\n");
        foreach (var arguments in new[] { ["init", "-q", "-b", "main"], ["config", "user.name", "Test Author"], ["config", "user.email", "test@example.invalid"], ["add", "-A"], new[] { "commit", "-q", "-m", "inner" } })
        {
            var result = GitRunner.Run(inner, arguments);
            Assert.True(result.Ok, result.Stderr);
        }

        repo.Commit("with an inner repository");
        Assert.Contains("160000 commit ", repo.Git("ls-tree", "HEAD", "migrations/vendor"));
        foreach (var (key, value) in new[] { ("filter.inner.clean", Program("inner-filter-clean", "cat")), ("core.fsmonitor", Program("inner-fsmonitor")) })
        {
            Assert.True(GitRunner.Run(inner, "config", key, value).Ok);
        }

        Touch(repo, "migrations/vendor/notes.txt");
        Assert.Empty(TakeMarkers());

        var audit = await CliRunner.RunAsync("audit", repo.Root, "--format", "json");
        Assert.True(audit.ExitCode == 0, audit.Stdout + audit.Stderr);
        Assert.Equal(1, Statistics(audit).GetProperty("committed").GetInt32());
        Assert.Empty(TakeMarkers());
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task A_partial_clone_fetches_no_missing_object_from_its_promisor_remote()
    {
        // In a partial clone git fetches a missing object from the promisor remote on demand; the remote's URL and
        // which transports are allowed come from the repository's config, so the "fetch" can be any program (here
        // the ext:: transport, which the repository allows for itself).
        Skip.If(OperatingSystem.IsWindows(), "the programs are POSIX shell scripts");
        using var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Write("migrations/20250101000000_create_users.js", Audit.CreateTable("users"));
        repo.Write("migrations/20250102000000_create_posts.js", Audit.CreateTable("posts"));
        repo.Commit("create");
        repo.Git("tag", "v1.0.0");
        var blob = repo.Git("rev-parse", "HEAD:migrations/20250102000000_create_posts.js").Trim();
        repo.Delete("migrations/20250102000000_create_posts.js");
        repo.Commit("drop posts");
        File.Delete(Path.Combine(repo.Root, ".git", "objects", blob[..2], blob[2..]));
        foreach (var (key, value) in new[]
        {
            ("core.repositoryFormatVersion", "1"), ("extensions.partialClone", "origin"), ("remote.origin.promisor", "true"),
            ("remote.origin.url", "ext::sh -c touch% " + Path.Combine(Markers, "lazy-fetch")), ("protocol.ext.allow", "always"),
        })
        {
            repo.Git("config", key, value);
        }

        var audit = await CliRunner.RunAsync("audit", repo.Root, "--format", "json");
        Assert.True(audit.ExitCode == 1, audit.Stdout + audit.Stderr);
        var statistics = Statistics(audit);
        Assert.Equal(1, statistics.GetProperty("committed").GetInt32());
        Assert.Equal(1, statistics.GetProperty("deleted").GetInt32());
        Assert.Empty(TakeMarkers());
    }

    [Fact]
    public void A_partial_clone_whose_history_needs_objects_never_fetched_says_its_history_is_incomplete()
    {
        // Rename detection (-M) compares the contents of a deleted file and an added one, which a blob:none clone
        // has not fetched: git log stops there, and the audit says so instead of reporting a shorter history.
        using var origin = new TempRepo();
        origin.Write("knexfile.js", Audit.Knexfile);
        origin.Write("migrations/20250101000000_create_users.js", Audit.CreateTable("users"));
        origin.Commit("create users");
        origin.Move("migrations/20250101000000_create_users.js", "migrations/20250101000000_create_accounts.js");
        origin.Write("migrations/20250101000000_create_accounts.js", Audit.CreateTable("users") + "// renamed\n");
        origin.Commit("rename");
        origin.Write("migrations/20250102000000_create_posts.js", Audit.CreateTable("posts"));
        origin.Commit("add posts");
        origin.Git("config", "uploadpack.allowFilter", "true");
        using var clone = new TempRepo(init: false);

        // The clone itself fetches the tip's files, by a lazy fetch git's checkout makes.
        var environment = new Dictionary<string, string> { ["GIT_NO_LAZY_FETCH"] = "0" };
        var cloned = GitRunner.Run(clone.Root, environment, "-c", "protocol.file.allow=always", "clone", "-q", "--no-local", "--filter=blob:none", "file://" + origin.Root, "work");
        Assert.True(cloned.Ok, cloned.Stderr);

        var result = Audit.Run(Path.Combine(clone.Root, "work"));
        var limitation = Assert.Single(result.Input.Git.Limitations);
        Assert.Matches(
            "^git log stopped after 1 commit \\(fatal: could not fetch [0-9a-f]{40} from promisor remote\\): the history after them is missing, so deleted, renamed, edited and late migrations may be incomplete \\(a partial clone: migaudit fetches no missing object; audit a clone made without --filter\\)$",
            limitation);
        Assert.Equal(1, result.Input.Git.CommitsRead);
        Assert.Equal(2, result.Statistics.Committed);
    }
}
