using MigAudit.Core;
using MigAudit.Live;
using MigAudit.Reporting;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Reporting;

/// <summary>
/// Names in a report come from the audited repository: no table, file or message can turn into HTML, a link, an
/// escape sequence or a broken table in the Markdown, HTML or GitHub output.
/// </summary>
public sealed class HostileTextTests : IClassFixture<HostileTextTests.Project>
{
    private const string Docs = "https://github.com/migaudit/migaudit/blob/main/docs/rules/";
    private readonly AuditResult result;

    public HostileTextTests(Project project) => result = project.Result;

    public sealed class Project : IDisposable
    {
        private readonly TempRepo repo = Audit.Project(("20250101000000_users.js", Audit.CreateTable("users")));

        public Project() => Result = Audit.Run(repo.Root);

        public AuditResult Result { get; }

        public void Dispose() => repo.Dispose();
    }

    private AuditResult With(params Finding[] findings) => result with { Findings = findings };

    private static readonly Finding Hostile = new()
    {
        Rule = "missing-down",
        Severity = Severity.High,
        Blocking = true,
        File = "migrations/20250101000000_<img src=x onerror=alert(1)>|a`b.js",
        Line = 1,
        Message = "table <img src=x onerror=alert(1)>|x\ny\u001b[31m & [link](javascript:alert(1)) `code` a\\|b",
        Action = "drop <script>alert(1)</script>",
    };

    [Fact]
    public void Markdown_escapes_html_pipes_line_breaks_control_characters_and_backticks_in_every_cell()
    {
        var markdown = MarkdownReport.Render(With(Hostile));
        Assert.Contains(
            $"| 🔴 **blocking** | [missing-down]({Docs}missing-down.md) | ``migrations/20250101000000_<img src=x onerror=alert(1)>\\|a`b.js:1`` | " +
            "table &lt;img src=x onerror=alert(1)&gt;\\|x\\\\ny\\\\e\\[31m &amp; \\[link\\](javascript:alert(1)) \\`code\\` a\\\\\\|b |\n",
            markdown);
        Assert.DoesNotContain("\u001b", markdown);
        Assert.DoesNotContain("<img", markdown.Replace("``migrations/20250101000000_<img", string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public void A_markdown_code_span_gets_a_fence_longer_than_any_backtick_run_inside_it()
    {
        Assert.Equal("`  a  `", MarkdownText.Code(" a "));
        Assert.Equal("`` `a ``", MarkdownText.Code("`a"));
        Assert.Equal("```  a``b  ```", MarkdownText.Code(" a``b "));
        Assert.Equal("```` ```x ````", MarkdownText.Code("```x"));
        Assert.Equal("`a|b\\e`", MarkdownText.Code("a|b\u001b"));
        Assert.Equal("`a\\|b`", MarkdownText.CellCode("a|b"));
        Assert.Equal(string.Empty, MarkdownText.Code(string.Empty));
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Markdown_of_a_hostile_repository_shows_its_names_escaped()
    {
        const string table = "<b>t</b>|x\\ny\\u001b[31m";
        using var repo = Audit.Project(("20250101000000_<img src=x onerror=alert(1)>.js",
            $"exports.up = function (knex) {{\n  return knex.schema.createTable('{table}', (t) => {{\n    t.increments('id');\n    t.integer('owner_id').references('id').inTable('users');\n  }});\n}};\n"));
        var run = await CliRunner.RunAsync("audit", repo.Root, "--format", "markdown");
        Assert.Equal(1, run.ExitCode);
        const string file = "`migrations/20250101000000_<img src=x onerror=alert(1)>.js";
        Assert.Contains($"| 🔴 **blocking** | [missing-down]({Docs}missing-down.md) | {file}:1` | 20250101000000_&lt;img src=x onerror=alert(1)&gt;.js exports no down function: ", run.Stdout);
        Assert.True(run.Stdout.Contains($"| ⚪ | [fk-missing-index]({Docs}fk-missing-index.md) | {file}:4` | &lt;b&gt;t&lt;/b&gt;\\|x\\\\ny\\\\e\\[31m.owner_id -&gt; users \\[certain, unknown\\] |\n", StringComparison.Ordinal), run.Stdout);
        Assert.DoesNotContain("\u001b", run.Stdout);
        Assert.DoesNotContain("<b>", run.Stdout);
    }

    [Fact]
    public void Plan_markdown_escapes_what_comes_from_the_project_and_the_database()
    {
        var plan = new PlanResult
        {
            Server = "localhost:5432",
            Database = "app`db|<x>",
            ReadOnly = true,
            ServerVersion = "17.2",
            Applied = 0,
            OneTransaction = false,
            MigrationLockHeld = false,
            Sessions = [new WaitingRisk(42, "app", "idle in transaction <b>", 3, ["<lock>"])],
            Pending =
            [
                new PlanMigration("20250101000000_<img src=x>.js", false,
                [
                    new PlanStep
                    {
                        Migration = "20250101000000_<img src=x>.js", Line = 2, Table = "a|b\u001b", Statement = "creates index `i`", Mode = "SHARE",
                        Blocks = "writes", Work = RowWork.Build, NewTable = true, Duration = "seconds", Risk = Severity.Medium, Why = "new\nline & more",
                    },
                ]) { NotFollowed = "<i>it</i>" },
            ],
        };
        var markdown = PlanReport.Markdown(plan);
        Assert.Contains("``app`db|<x>`` on PostgreSQL 17.2, read-only session. Applied: 0.\n", markdown);
        Assert.Contains("| 20250101000000_&lt;img src=x&gt;.js | 2 | a\\|b\\\\e | creates index \\`i\\` | SHARE | builds an index from every row | new table | seconds | **medium**: new\\\\nline &amp; more |\n", markdown);
        Assert.Contains("- 20250101000000_&lt;img src=x&gt;.js: unknown, &lt;i&gt;it&lt;/i&gt;\n", markdown);
        Assert.Contains("- Open transaction: pid 42, idle in transaction &lt;b&gt;, open ", markdown);
        Assert.Contains(", holds &lt;lock&gt;\n", markdown);
    }

    [Fact]
    public void Html_escapes_every_name_message_and_action()
    {
        // A rule id ends up in the filter's data attribute and its selector: it comes from a plugin or a config file too.
        var html = HtmlReport.Render(With(Hostile, Hostile with { Rule = "x\"><img src=y>" }), "test");
        Assert.DoesNotContain("<img", html);
        Assert.Contains("data-rule=\"x&quot;&gt;&lt;img src=y&gt;\"", html);
        Assert.Contains("<option value=\"x&quot;&gt;&lt;img src=y&gt;\">x&quot;&gt;&lt;img src=y&gt;</option>", html);
        // The one script is the report's own filter, at the end of the page.
        Assert.Equal(html.LastIndexOf("<script", StringComparison.Ordinal), html.IndexOf("<script", StringComparison.Ordinal));
        Assert.DoesNotContain("<script>alert", html);
        Assert.Contains("<code>migrations/20250101000000_&lt;img src=x onerror=alert(1)&gt;|a`b.js:1</code>", html);
        Assert.Contains("<i>Fix: drop &lt;script&gt;alert(1)&lt;/script&gt;</i>", html);
    }

    [Fact]
    public void Github_annotations_escape_percent_line_breaks_colons_and_commas_as_the_workflow_command_syntax_requires()
    {
        var finding = new Finding { Rule = "x:y,z", Severity = Severity.High, Blocking = true, File = "a%b\r\nc:d,e.js", Line = 7, Message = "m%\r\n::set-env name=X::y" };
        var lines = GithubAnnotations.Render(With(finding)).Split('\n');
        Assert.Equal("::error file=a%25b%0D%0Ac%3Ad%2Ce.js,line=7,title=migaudit x%3Ay%2Cz (blocking)::m%25%0D%0A::set-env name=X::y", lines[0]);
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task The_deleted_migrations_document_shows_hostile_names_as_text()
    {
        using var repo = Audit.Project(("20250101000000_users.js", Audit.CreateTable("users")), ("20250102000000_a`<img src=x onerror=alert(1)>.js", Audit.CreateTable("<b>t</b>|u")));
        repo.Delete("migrations/20250102000000_a`<img src=x onerror=alert(1)>.js");
        repo.Commit("delete it");

        var run = await CliRunner.RunAsync("fix", repo.Root, "--rule", "deleted-migration");
        Assert.Equal(0, run.ExitCode);
        var row = run.Stdout.Split('\n').Single(l => l.StartsWith("+| 20250102000000", StringComparison.Ordinal));
        Assert.StartsWith("+| 20250102000000_a\\`&lt;img src=x onerror=alert(1)&gt;.js | ", row);
        Assert.EndsWith(" | &lt;b&gt;t&lt;/b&gt;\\|u | no |", row);
    }
}
