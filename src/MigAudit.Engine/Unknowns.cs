using MigAudit.Core;

namespace MigAudit.Engine;

/// <summary>What the audit could not read that decides readiness: discovery's assumptions and the migrations migaudit's own reader could not parse.</summary>
public static class Unknowns
{
    public static IReadOnlyList<ReadinessUnknown> Of(KnexProject project, IEnumerable<Migration> migrations)
    {
        var unknowns = new List<ReadinessUnknown>(project.Unknowns);

        // Which migrations Knex runs is what migaudit could not know (a custom source it cannot follow, a folder outside
        // the project): Knex may run fine, so it is an unknown of the verdict, not a blocker.
        unknowns.AddRange(project.SourceProblems.Where(p => p is { Blocking: true, KnexFails: false }).Select(p => new ReadinessUnknown(p.Message, p.File, p.Line)));
        foreach (var migration in migrations)
        {
            // A problem Knex shares (a JavaScript syntax error, an unreadable file) is a blocking finding, not an
            // unknown: Knex's own require() fails there too. One only migaudit has leaves the file unread.
            if (migration.Module.ParseProblem is { KnexFailsToo: false } problem)
            {
                unknowns.Add(ReadinessUnknown.UnreadMigration(migration.Name, migration.Path, problem));
            }
        }

        return unknowns;
    }
}
