namespace MigAudit.Core;

/// <summary>How sure a finding's claim is, as a whole.</summary>
public enum Evidence
{
    /// <summary>It follows from Knex's and PostgreSQL's behaviour and from code and history migaudit read in full.</summary>
    Certain,

    /// <summary>It holds if an inference holds that migaudit states (production deploys the mainline, a repair runs first).</summary>
    Likely,

    /// <summary>It depends on something migaudit could not read (an assumed folder, a statement whose outcome is unknown).</summary>
    Possible,
}

/// <summary>Where the finding's subject stands with production: the next deploy's business, or history production lived with.</summary>
public enum FindingScope
{
    /// <summary>Not yet in the newest release (or not yet committed): the next deploy carries it.</summary>
    Pending,

    /// <summary>In a release: wherever that release is deployed, it has already run.</summary>
    Shipped,

    /// <summary>Later releases ran after it: production has already lived with it (the releases are named).</summary>
    LongShipped,

    /// <summary>Whether production has it cannot be told: no release tags, and no list of the names production recorded.</summary>
    Unknown,
}

public static class FindingScopeIds
{
    public static string ToId(this Evidence evidence) => evidence switch
    {
        Evidence.Certain => "certain",
        Evidence.Likely => "likely",
        _ => "possible",
    };

    public static string ToId(this FindingScope scope) => scope switch
    {
        FindingScope.Pending => "pending",
        FindingScope.Shipped => "shipped",
        FindingScope.LongShipped => "long-shipped",
        _ => "unknown",
    };
}

public static class MigrationScopes
{
    /// <summary>
    /// A migration production ran (by the applied list, or in the newest release's tree) is shipped: the lock it took,
    /// the table it rewrote, is history there. One not yet committed, or committed after the newest release, is what
    /// the next deploy runs. Without release tags or a list, nobody told migaudit which it is.
    /// </summary>
    public static FindingScope Of(Migration migration, AuditInput input) =>
        input.Applied is { } applied ? (applied.Contains(migration.Name) ? FindingScope.Shipped : FindingScope.Pending)
        : migration.Git.State == TrackingState.Untracked ? FindingScope.Pending
        : migration.Git.State == TrackingState.Unknown ? FindingScope.Unknown
        : migration.Git.ShippedInRelease is not null ? FindingScope.Shipped
        : input.Git.NewestRelease is null ? FindingScope.Unknown
        : FindingScope.Pending;
}
