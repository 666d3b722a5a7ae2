using System.Text;

namespace MigAudit.Engine.Fixes;

/// <summary>A unified diff of two texts (longest common subsequence of lines, three lines of context).</summary>
public static class UnifiedDiff
{
    public static string Create(string path, string before, string after, int context = 3)
    {
        var a = before.Length == 0 ? [] : before.Split('\n');
        var b = after.Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var lines = new List<(char Kind, string Text, int OldLine, int NewLine)>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                lines.Add((' ', a[x], x++, y++));
            }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                lines.Add(('-', a[x], x++, y));
            }
            else
            {
                lines.Add(('+', b[y], x, y++));
            }
        }

        var text = new StringBuilder($"--- {(a.Length == 0 ? "/dev/null" : "a/" + path)}\n+++ b/{path}\n");
        var changed = lines.Select((l, i) => (l, i)).Where(p => p.l.Kind != ' ').Select(p => p.i).ToList();
        var index = 0;
        while (index < changed.Count)
        {
            var start = Math.Max(0, changed[index] - context);
            var end = changed[index];
            while (index < changed.Count && changed[index] <= end + (2 * context))
            {
                end = changed[index++];
            }

            end = Math.Min(lines.Count - 1, end + context);
            var hunk = lines.GetRange(start, end - start + 1);
            var oldCount = hunk.Count(l => l.Kind != '+');
            var newCount = hunk.Count(l => l.Kind != '-');
            text.Append($"@@ -{hunk[0].OldLine + 1},{oldCount} +{hunk[0].NewLine + 1},{newCount} @@\n");
            foreach (var line in hunk)
            {
                text.Append(line.Kind).Append(line.Text).Append('\n');
            }
        }

        return text.ToString();
    }
}
