using MigAudit.Core;
using MigAudit.Tests.Support;
using Npgsql;

namespace MigAudit.Tests.Git;

/// <summary>
/// TableRepair.LikeMatches decides which recorded names a repair like <c>WHERE name LIKE '%.js'</c> rewrites or
/// deletes; it must agree with PostgreSQL's own LIKE on every case the unit tests pin down.
/// </summary>
public sealed class LikePatternTruthTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    [SkippableFact]
    public async Task Like_matches_as_real_postgresql_does()
    {
        Requires.Postgres();
        (string Pattern, string Name)[] cases =
        [
            ("%.js", "20250101000000_users.js"), ("2025\\_%", "2025_x.js"), ("2025\\_%", "20250101.js"), ("%.JS", "x.js"),
            ("2025010_000000%", "20250102000000_orders.js"), ("%_users.%", "20250101000000_users.ts"), ("20250102%", "20250101000000_users.js"),
        ];
        await using var db = new NpgsqlConnection(server.Postgres!.ConnectionString);
        await db.OpenAsync();
        foreach (var (pattern, name) in cases)
        {
            await using var query = new NpgsqlCommand("SELECT $1 LIKE $2", db) { Parameters = { new() { Value = name }, new() { Value = pattern } } };
            Assert.True((bool)(await query.ExecuteScalarAsync())! == TableRepair.LikeMatches(pattern, name), $"{name} LIKE {pattern}");
        }
    }
}
