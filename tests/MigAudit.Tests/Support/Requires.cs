using MigAudit.Live;

namespace MigAudit.Tests.Support;

/// <summary>
/// Tests that need PostgreSQL, knex or Chromium: in CI a missing dependency fails the test; elsewhere the test is
/// reported as skipped (never as passed). Such tests are [SkippableFact] or [SkippableTheory].
/// </summary>
public static class Requires
{
    public static void Dependency(bool available, string what)
    {
        if (available)
        {
            return;
        }

        Assert.False(NodeKnex.Required, $"{what} is required in CI");
        Skip.If(true, $"{what} is not installed");
    }

    public static void Postgres() => Dependency(ThrowawayPostgres.FindBinaries() is not null, "PostgreSQL (apt-get install postgresql)");

    /// <summary>verify runs project code only in its operating-system sandbox: bubblewrap with user namespaces.</summary>
    public static void PostgresAndKnex()
    {
        Postgres();
        Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        Dependency(MigAudit.Live.Sandbox.NodeSandbox.WhyUnavailable is null, $"verify's sandbox ({MigAudit.Live.Sandbox.NodeSandbox.WhyUnavailable})");
    }
}
