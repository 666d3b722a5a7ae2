using MigAudit.Core;

namespace MigAudit.Git;

public enum ChangeKind
{
    Added,
    Modified,
    Deleted,
    Renamed,
    Copied,
    TypeChanged,
}

public sealed record FileChange(ChangeKind Kind, string Path, string? OldPath, int Similarity);

/// <param name="IsMerge">The commit has more than one parent: on the mainline, a merged branch arrives here.</param>
public sealed record CommitChanges(CommitRef Commit, IReadOnlyList<FileChange> Changes, bool IsMerge = false);

/// <summary>Parses <c>git log -z --name-status --format=%x1e%H%x1f%P%x1f%an%x1f%aI%x1f%s</c>.</summary>
public static class GitLogParser
{
    public const string Format = "--format=%x1e%H%x1f%P%x1f%an%x1f%aI%x1f%s";

    public static IEnumerable<CommitChanges> Parse(string output) => Parse(new StringReader(output));

    /// <summary>Parses record by record from a stream, so a history of any length is never held as one string.</summary>
    public static IEnumerable<CommitChanges> Parse(TextReader reader)
    {
        foreach (var record in StreamedFields.Split(reader, '\x1e', skipEmpty: true))
        {
            var headerEnd = record.IndexOf('\0');
            var header = (headerEnd < 0 ? record : record[..headerEnd]).Split('\x1f');
            if (header.Length < 5)
            {
                continue;
            }

            var date = DateTimeOffset.TryParse(header[3], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var parsed) ? parsed : default;

            // The subject is last, so a subject that itself holds the separator stays whole.
            var commit = new CommitRef(header[0], header[2], date, string.Join('\x1f', header[4..]));
            var isMerge = header[1].Contains(' ', StringComparison.Ordinal);
            var changes = new List<FileChange>();
            if (headerEnd >= 0)
            {
                var fields = record[(headerEnd + 1)..].TrimStart('\n').Split('\0');
                for (var i = 0; i < fields.Length; i++)
                {
                    var status = fields[i];
                    if (status.Length == 0)
                    {
                        continue;
                    }

                    var kind = status[0] switch
                    {
                        'A' => ChangeKind.Added,
                        'M' => ChangeKind.Modified,
                        'D' => ChangeKind.Deleted,
                        'R' => ChangeKind.Renamed,
                        'C' => ChangeKind.Copied,
                        'T' => ChangeKind.TypeChanged,
                        _ => (ChangeKind?)null,
                    };
                    if (kind is null || i + 1 >= fields.Length)
                    {
                        continue;
                    }

                    if (kind is ChangeKind.Renamed or ChangeKind.Copied)
                    {
                        if (i + 2 >= fields.Length)
                        {
                            break;
                        }

                        var similarity = int.TryParse(status.AsSpan(1), out var s) ? s : 100;
                        changes.Add(new FileChange(kind.Value, fields[i + 2], fields[i + 1], similarity));
                        i += 2;
                    }
                    else
                    {
                        changes.Add(new FileChange(kind.Value, fields[i + 1], null, 100));
                        i += 1;
                    }
                }
            }

            yield return new CommitChanges(commit, changes, isMerge);
        }
    }
}
