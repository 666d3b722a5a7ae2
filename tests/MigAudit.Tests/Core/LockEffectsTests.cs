using MigAudit.Core;

namespace MigAudit.Tests.Core;

/// <summary>Which held lock stops every application statement another lock stops, read from PostgreSQL's conflict table.</summary>
public sealed class LockEffectsTests
{
    [Theory]
    // SHARE and SHARE ROW EXCLUSIVE both stop writes only: each covers the other, though they differ on VACUUM and DDL.
    [InlineData("SHARE", "SHARE ROW EXCLUSIVE", true)]
    [InlineData("SHARE ROW EXCLUSIVE", "SHARE", true)]
    // EXCLUSIVE also stops SELECT ... FOR UPDATE; ACCESS EXCLUSIVE stops reads too.
    [InlineData("EXCLUSIVE", "SHARE ROW EXCLUSIVE", true)]
    [InlineData("SHARE ROW EXCLUSIVE", "EXCLUSIVE", false)]
    [InlineData("ACCESS EXCLUSIVE", "EXCLUSIVE", true)]
    [InlineData("EXCLUSIVE", "ACCESS EXCLUSIVE", false)]
    // SHARE UPDATE EXCLUSIVE stops no application statement: anything covers it, it covers nothing that stops writes.
    [InlineData("SHARE", "SHARE UPDATE EXCLUSIVE", true)]
    [InlineData("SHARE UPDATE EXCLUSIVE", "SHARE", false)]
    [InlineData("AccessExclusiveLock", "SHARE", false)]
    public void A_held_lock_stops_as_much_as_another_by_the_application_statements_each_stops(string held, string mode, bool expected) =>
        Assert.Equal(expected, LockEffects.StopsAsMuchAs(held, mode));
}
