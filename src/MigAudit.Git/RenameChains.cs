using MigAudit.Core;

namespace MigAudit.Git;

/// <summary>
/// Renames as databases see them. A file renamed A → B → C is one rename, from A (and B) to C: databases recorded A
/// or B, and the fix is to rename both rows to C, not A to B. A file renamed and then deleted is a deleted migration
/// that databases may know under any of its names: reporting a rename to a file that no longer exists would send
/// people to update rows to a name nothing runs.
/// </summary>
public static class RenameChains
{
    public static (List<RenamedMigration> Renamed, List<DeletedMigration> Deleted) Resolve(
        IReadOnlyList<RenamedMigration> renames, IReadOnlyList<DeletedMigration> deleted, ISet<string> active)
    {
        var byOldPath = renames.GroupBy(r => r.OldPath, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        var renamedInto = renames.Select(r => r.NewPath).ToHashSet(StringComparer.Ordinal);
        var deletedByPath = deleted.GroupBy(d => d.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        var formerNames = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var firstAdded = new Dictionary<string, CommitRef?>(StringComparer.Ordinal);
        var result = new List<RenamedMigration>();
        foreach (var first in renames)
        {
            // Chains start at a name no other live rename leads to; the visited set stops a cycle.
            if (renamedInto.Contains(first.OldPath))
            {
                continue;
            }

            var last = first;
            var between = new List<string>();
            var visited = new HashSet<string>(StringComparer.Ordinal) { first.OldPath };
            while (byOldPath.TryGetValue(last.NewPath, out var next) && visited.Add(next.OldPath))
            {
                between.Add(last.NewName);
                last = next;
            }

            if (active.Contains(last.NewPath) || !deletedByPath.ContainsKey(last.NewPath))
            {
                result.Add(between.Count == 0 ? first : first with
                {
                    NewName = last.NewName,
                    NewPath = last.NewPath,
                    RenamedIn = last.RenamedIn,
                    Commit = last.Commit,
                    IntermediateNames = between,
                });
                continue;
            }

            // Renamed, then deleted: one deletion, known under every name it had.
            formerNames[last.NewPath] = [first.OldName, .. between];
            firstAdded[last.NewPath] = first.OldAddedIn;
        }

        var resultDeleted = deleted
            // Its life (and the releases that held it) began when its first name was added.
            .Select(d => formerNames.TryGetValue(d.Path, out var names) ? d with { FormerNames = names, AddedIn = firstAdded[d.Path] ?? d.AddedIn } : d)
            .ToList();
        return (result, resultDeleted);
    }
}
