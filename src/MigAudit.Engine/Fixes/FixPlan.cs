using System.Text;
using MigAudit.Core;

namespace MigAudit.Engine.Fixes;

/// <summary>One change a fix makes: a file's new text, or a rename. Never applied without --apply.</summary>
public abstract record FileEdit(string Path, string Rule, string Description);

public sealed record Rewrite(string Path, string Rule, string Description, string Before, string After) : FileEdit(Path, Rule, Description);

public sealed record Rename(string Path, string Rule, string Description, string NewPath, bool Tracked) : FileEdit(Path, Rule, Description)
{
    /// <summary>
    /// The command that makes the rename, as printed for a person to run and as run by --apply: the names are the
    /// repository's, so each is shell-quoted (a name holding $(...) must not run when pasted), after "--".
    /// </summary>
    public string Command => Tracked ? Quoting.ShellCommand("git", "mv", "--", Path, NewPath) : Quoting.ShellCommand("mv", "--", Path, NewPath);
}

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
                    text.Append($"# {rename.Rule}: {Quoting.Printable(rename.Description)}\n");
                    text.Append(rename.Command).Append("\n\n");
                    break;
                case Rewrite rewrite:
                    text.Append($"# {rewrite.Rule}: {Quoting.Printable(rewrite.Description)}\n");
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
            text.Append(Quoting.Printable($"# not fixed ({refusal.Rule}): {refusal.Path}: {refusal.Reason}")).Append('\n');
        }

        return text.ToString();
    }
}
