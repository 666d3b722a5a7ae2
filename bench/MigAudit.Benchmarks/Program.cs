using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using MigAudit.Demo;
using MigAudit.Engine;
using MigAudit.Git;
using MigAudit.Knex.Discovery;
using MigAudit.Knex.JavaScript;
using MigAudit.Knex.Migrations;
using MigAudit.Knex.Schema;

BenchmarkSwitcher.FromAssembly(typeof(AuditBenchmarks).Assembly).Run(args);

/// <summary>
/// In-process costs of the audit's parts on the BotBuilder demo (75 migrations) and on synthetic projects.
/// Run: dotnet run -c Release --project bench/MigAudit.Benchmarks -- --filter '*' --job short
/// </summary>
[MemoryDiagnoser]
public class AuditBenchmarks
{
    private string demo = string.Empty;
    private string[] files = [];
    private string gitLog = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        demo = Path.Combine(Path.GetTempPath(), "migaudit-bench-demo-" + Guid.NewGuid().ToString("n")[..8]);
        BotBuilderDemo.Create(demo);
        files = Directory.GetFiles(Path.Combine(demo, BotBuilderDemo.MigrationsDirectory)).Order(StringComparer.Ordinal).ToArray();
        gitLog = GitRunner.Run(demo, "log", "--date-order", "--reverse", "--full-history", "-z", "--name-status", "-M", GitLogParser.Format, "--", BotBuilderDemo.MigrationsDirectory).Stdout;
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(demo, recursive: true);

    [Benchmark(Description = "parse + analyse 75 migrations (one thread)")]
    public int ParseAndAnalyse()
    {
        var cache = new ParsedModuleCache();
        var withDown = 0;
        foreach (var file in files)
        {
            withDown += MigrationModuleAnalyzer.Analyze(file, cache).HasDown ? 1 : 0;
        }

        return withDown;
    }

    [Benchmark(Description = "replay the schema of 75 migrations (up and down)")]
    public int Replay()
    {
        var cache = new ParsedModuleCache();
        return SchemaReplayer.Replay(demo, files.Select(f => new SchemaReplayer.Input(Path.GetFileName(f), f)).ToList(), cache).IndexesDeclared;
    }

    [Benchmark(Description = "parse the demo's git log")]
    public int ParseGitLog() => GitLogParser.Parse(gitLog).Count();

    [Benchmark(Description = "whole audit of the demo (in process)")]
    public int Audit() => Auditor.Run(demo, new DiscoveryOptions()).Findings.Count;
}
