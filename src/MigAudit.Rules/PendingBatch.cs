using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// The migrations the next knex migrate:latest runs, statically: those the newest release tag does not hold, or, without
/// release tags, those not committed yet. Knex runs them all in ONE transaction when none sets config.transaction: false
/// and the knexfile does not disable transactions (Migrator.js, transactionForAll).
/// </summary>
internal static class PendingBatch
{
    public static IReadOnlyList<Migration> Of(AuditInput input)
    {
        var released = AnyRelease(input);
        return [.. input.Migrations.Where(m => released ? m.Git.ShippedInRelease is null : m.Git.State == TrackingState.Untracked)];
    }

    public static bool AnyRelease(AuditInput input) => input.Migrations.Any(m => m.Git.ShippedInRelease is not null);

    /// <summary>"since release v1.0.0" or "not committed yet": how <see cref="Of"/> chose the batch, for a message.</summary>
    public static string Since(AuditInput input) => AnyRelease(input)
        ? $"since release {input.Migrations.Last(m => m.Git.ShippedInRelease is not null).Git.ShippedInRelease}"
        : "not committed yet";

    /// <summary>Whether Knex runs the pending batch in one transaction: no migration of it opts out, and the knexfile does not.</summary>
    public static bool OneTransaction(AuditInput input, IReadOnlyList<Migration> pending) =>
        !input.Project.Settings.DisableTransactions && pending.All(m => !m.Module.DisablesTransaction);
}
