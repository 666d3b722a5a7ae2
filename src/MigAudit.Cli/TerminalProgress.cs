using System.Diagnostics;

namespace MigAudit.Cli;

/// <summary>
/// The audit's current stage on one line of stderr, shown only once the audit has run for a second (a quick audit
/// prints nothing) and erased when it ends. Used only on a terminal with the text format: never when either output is
/// piped or the format is machine-readable.
/// </summary>
internal sealed class TerminalProgress : IProgress<string>, IDisposable
{
    /// <summary>One second; MIGAUDIT_PROGRESS_AFTER_MS changes it (the tests show the line at once on a pseudo-terminal).</summary>
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(
        int.TryParse(Environment.GetEnvironmentVariable("MIGAUDIT_PROGRESS_AFTER_MS"), out var milliseconds) && milliseconds >= 0 ? milliseconds : 1000);
    private readonly TextWriter error;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly Thread painter;
    private readonly object gate = new();
    private string stage = "starting";
    private bool shown;
    private bool disposed;

    private TerminalProgress(TextWriter error)
    {
        this.error = error;
        // A thread of its own: the audit keeps the thread pool busy parsing, and a pool timer would fire late.
        painter = new Thread(() =>
        {
            while (!Volatile.Read(ref disposed))
            {
                Draw();
                Thread.Sleep(200);
            }
        })
        { IsBackground = true, Name = "migaudit progress" };
        painter.Start();
    }

    /// <summary>A progress line on the terminal, or null when the output is piped, redirected or machine-readable.</summary>
    public static TerminalProgress? ForAudit(string format, TextWriter stdout, TextWriter stderr) =>
        format == "text" && stdout == Console.Out && stderr == Console.Error && !Console.IsOutputRedirected && !Console.IsErrorRedirected &&
        Environment.GetEnvironmentVariable("TERM") is not (null or "dumb")
            ? new TerminalProgress(stderr)
            : null;

    public void Report(string value)
    {
        lock (gate)
        {
            stage = value;
        }
    }

    private void Draw()
    {
        lock (gate)
        {
            if (disposed || clock.Elapsed < Delay)
            {
                return;
            }

            // \r and erase-line redraw in place; the stage names are migaudit's own text.
            error.Write($"\r\u001b[2Kmigaudit: {stage} ({clock.Elapsed.TotalSeconds:0.0} s)");
            error.Flush();
            shown = true;
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            if (shown)
            {
                error.Write("\r\u001b[2K");
                error.Flush();
            }
        }

        painter.Join();
    }
}
