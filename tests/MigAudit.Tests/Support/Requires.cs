using MigAudit.Live;

namespace MigAudit.Tests.Support;

/// <summary>
/// Tests that need PostgreSQL, knex, typescript or Chromium: in CI a missing dependency fails the test; elsewhere the test is
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

    /// <summary>node and the real typescript package of tests/node (the TypeScript differential tests).</summary>
    public static void TypeScript() =>
        Dependency(NodeKnex.ScriptsDirectory is { } node && MigAudit.TypeScriptDifferential.TscEraser.IsInstalled(node),
            "the real typescript package from npm (run 'npm ci' in tests/node)");

    /// <summary>verify runs project code only in its operating-system sandbox: bubblewrap with user namespaces.</summary>
    public static void PostgresAndKnex()
    {
        Postgres();
        Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        Dependency(MigAudit.Live.Sandbox.NodeSandbox.WhyUnavailable is null, $"verify's sandbox ({MigAudit.Live.Sandbox.NodeSandbox.WhyUnavailable})");
    }
}
