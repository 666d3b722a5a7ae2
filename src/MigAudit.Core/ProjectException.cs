namespace MigAudit.Core;

/// <summary>
/// The one exception type for problems the user can act on: bad input, an unreadable project, a missing tool, a
/// refused write. The CLI prints its message as one line and exits with <see cref="ExitCode"/>; every other
/// exception is a bug in migaudit and is reported as an internal error.
/// </summary>
public sealed class ProjectException(string message, int exitCode = ProjectException.UsageExitCode) : Exception(message)
{
    /// <summary>Usage error or input migaudit cannot work with.</summary>
    public const int UsageExitCode = 2;

    public int ExitCode { get; } = exitCode;
}
