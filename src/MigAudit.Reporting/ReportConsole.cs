using Spectre.Console;

namespace MigAudit.Reporting;

/// <summary>Writes report lines, in colour when the output is a terminal that supports it, plain otherwise.</summary>
public sealed class ReportConsole
{
    private readonly IAnsiConsole? console;
    private readonly TextWriter writer;

    public ReportConsole(TextWriter writer, bool colour, int? width = null)
    {
        this.writer = writer;

        // Without colour or a width to wrap to, a line is its text: written as is, without Spectre's markup parsing and
        // cell measuring (most of the text report's time, and the case of every pipe, file and CI log).
        if (!colour && width is null)
        {
            return;
        }

        console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = colour ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = colour ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });

        // Piped output is not wrapped: each finding stays on one line for grep and diff.
        console.Profile.Width = width ?? 10_000;
    }

    /// <summary>One line; repository text in it (file names, messages) is shown with control characters escaped, so a
    /// crafted name cannot send escape sequences to the terminal.</summary>
    public void Line(string text = "", string? style = null)
    {
        if (console is null)
        {
            writer.WriteLine(Core.Quoting.Printable(text));
            return;
        }

        var safe = Markup.Escape(Core.Quoting.Printable(text));
        console.MarkupLine(style is null ? safe : $"[{style}]{safe}[/]");
    }

    public void Heading(string text)
    {
        Line();
        Line($"===== {text} =====", "bold");
        Line();
    }

    public static string StyleOf(Core.Severity severity) => severity switch
    {
        Core.Severity.High => "red",
        Core.Severity.Medium => "yellow",
        _ => "grey",
    };
}
