namespace MigAudit.Core;

/// <summary>
/// The files a change touches, project-relative: added, modified, deleted or renamed (both names) since a merge base,
/// or in the index (--staged), untracked files included for the former.
/// </summary>
public sealed record ChangeScope(string Description, string? MergeBase, IReadOnlyList<string> Files)
{
    /// <summary>
    /// A finding is the change's when its file, a related file or a file it would change is in the scope. A
    /// migration folder Knex cannot read is a fact of the whole project: it is always kept.
    /// </summary>
    public bool Covers(Finding finding, HashSet<string> files) =>
        finding is { PredictsKnexFailure: true, Rule: "migration-source-unknown" } ||
        finding.File is { } file && files.Contains(file) ||

        // A statement in a helper is the calling migration's too: a change to either is responsible for it.
        finding.CalledFromFile is { } caller && files.Contains(caller) ||
        finding.Related.Any(files.Contains) ||
        finding.Changes.Any(c => files.Contains(c.Path));
}
