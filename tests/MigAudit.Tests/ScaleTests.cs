using MigAudit.Demo;
using MigAudit.Tests.Support;

namespace MigAudit.Tests;

/// <summary>More migrations than the parse look-ahead window, through the synthetic benchmark repository.</summary>
public sealed class ScaleTests
{
    [Fact]
    public async Task Synthetic_repository_of_300_migrations_is_audited_completely()
    {
        using var folder = new TempRepo(init: false);
        var summary = SyntheticRepository.Create(folder.Root, migrations: 300, commits: 900, seed: 7);
        // A stuck parse/replay pipeline shows as a TimeoutException here instead of a hung test run.
        var result = await Task.Run(() => Audit.Run(folder.Root)).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(300, result.Statistics.Active);
        Assert.Equal(summary.Untracked, result.Statistics.Untracked);
        Assert.Equal(300, result.Input.Schema.Migrations.Count);
        Assert.Equal(result.Input.Migrations.Select(m => m.Name), result.Input.Schema.Migrations.Select(m => m.Migration));
        Assert.All(result.Input.Migrations, m => Assert.True(m.Module.HasUp && m.Module.HasDown, m.Name));
        Assert.True(result.Input.Deleted.Count > 0);
    }
}
