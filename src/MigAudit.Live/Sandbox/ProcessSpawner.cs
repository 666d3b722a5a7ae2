using System.Collections.Concurrent;
using System.Diagnostics;

namespace MigAudit.Live.Sandbox;

/// <summary>
/// Starts the processes that must not outlive migaudit (the throwaway server, the sandboxed driver) from one thread that
/// lives as long as migaudit does. They are started under <c>setpriv --pdeathsig KILL</c> or <c>bwrap
/// --die-with-parent</c>, and Linux sends that signal when the <em>thread</em> that forked them exits, not the process:
/// started from a pool thread that retires after a while, a server would be killed in the middle of a long verify.
/// This thread never exits, so the signal comes only when migaudit itself dies, <c>kill -9</c> included.
/// </summary>
public static class ProcessSpawner
{
    private static readonly BlockingCollection<(ProcessStartInfo Start, TaskCompletionSource<Process> Started)> Requests = [];

    private static readonly Lazy<Thread> Spawner = new(() =>
    {
        var thread = new Thread(() =>
        {
            foreach (var (start, started) in Requests.GetConsumingEnumerable())
            {
                try
                {
                    started.SetResult(Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start"));
                }
                catch (Exception error)
                {
                    // Handed to the caller, which knows what a failure to start means for it.
                    started.SetException(error);
                }
            }
        })
        {
            IsBackground = true,
            Name = "migaudit process spawner",
        };
        thread.Start();
        return thread;
    });

    /// <exception cref="System.ComponentModel.Win32Exception">The program could not be started (not installed).</exception>
    public static Process Start(ProcessStartInfo start)
    {
        _ = Spawner.Value;
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Requests.Add((start, started));
        return started.Task.GetAwaiter().GetResult();
    }
}
