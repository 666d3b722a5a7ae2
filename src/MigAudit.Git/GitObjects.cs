using MigAudit.Core;

namespace MigAudit.Git;

/// <summary>Names of git objects the audit and the fixes read.</summary>
public static class GitObjects
{
    /// <summary>
    /// The last version of a deleted migration, as "rev:path" for git show or cat-file: HEAD's for a deletion in the
    /// working tree, else the deleting commit's parent's, the path relative to the repository's top level.
    /// </summary>
    public static string LastVersion(DeletedMigration deleted, string root, string top) =>
        $"{(deleted.DeletedIn == "working-tree" ? "HEAD" : deleted.DeletionCommit?.Id + "^")}:{PathText.WithSlashes(Path.GetRelativePath(top, Path.Combine(root, deleted.Path)))}";
}
