namespace MigAudit.Live;

/// <summary>
/// The last lines a child process wrote, bounded: when the knex driver dies without a reply (a knexfile that calls
/// process.exit after printing why, an out-of-memory abort), its own words are the only explanation, and a project
/// that prints megabytes must not make migaudit hold them all.
/// </summary>
public sealed class OutputTail(int maxLines = 20, int maxLineLength = 500)
{
    private readonly Queue<string> lines = new();
    private readonly Lock gate = new();

    public void Add(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        var kept = line.Length > maxLineLength ? line[..maxLineLength] + "…" : line;
        lock (gate)
        {
            lines.Enqueue(kept.TrimEnd());
            if (lines.Count > maxLines)
            {
                lines.Dequeue();
            }
        }
    }

    /// <summary>The kept lines, oldest first.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (gate)
            {
                return [.. lines];
            }
        }
    }
}
