using System.Text;

namespace MigAudit.Engine.Fixes;

/// <summary>One change a fix makes: a file's new text, or a rename. Never applied without --apply.</summary>
public abstract record FileEdit(string Path, string Rule, string Description);

public sealed record Rewrite(string Path, string Rule, string Description, string Before, string After) : FileEdit(Path, Rule, Description);

public sealed record Rename(string Path, string Rule, string Description, string NewPath, bool Tracked) : FileEdit(Path, Rule, Description);

/// <summary>What a fix could not do safely: reported, the file left untouched.</summary>
public sealed record Refusal(string Path, string Rule, string Reason);

public sealed record FixPlan(IReadOnlyList<FileEdit> Edits, IReadOnlyList<Refusal> Refusals, IReadOnlyList<string> Sql)
{
    public bool IsEmpty => Edits.Count == 0;

    /// <summary>The plan as a unified diff plus the git commands and SQL it implies.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        foreach (var edit in Edits)
        {
            switch (edit)
            {
                case Rename rename:
                    text.Append($"# {rename.Rule}: {rename.Description}\n");
                    text.Append(rename.Tracked ? $"git mv {rename.Path} {rename.NewPath}\n\n" : $"mv {rename.Path} {rename.NewPath}\n\n");
                    break;
                case Rewrite rewrite:
                    text.Append($"# {rewrite.Rule}: {rewrite.Description}\n");
                    text.Append(UnifiedDiff.Create(rewrite.Path, rewrite.Before, rewrite.After)).Append('\n');
                    break;
            }
        }

        if (Sql.Count > 0)
        {
            text.Append("# SQL to run on every database that already applied the old names (migaudit never runs it):\n");
            foreach (var statement in Sql)
            {
                text.Append(statement).Append('\n');
            }

            text.Append('\n');
        }

        foreach (var refusal in Refusals)
        {
            text.Append($"# not fixed ({refusal.Rule}): {refusal.Path}: {refusal.Reason}\n");
        }

        return text.ToString();
    }
}
