namespace MigAudit.Core;

/// <summary>
/// Work that mostly waits on another process (git), started on a thread of its own rather than the pool's: the audit's
/// parsers take every pool thread, and pool work queued behind them would wait until they finish.
/// </summary>
public static class OwnThread
{
    public static Task<T> Run<T>(Func<T> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
