using System.Security.Cryptography;

namespace MigAudit.Live.Sandbox;

/// <summary>What the throwaway server, the sandbox and verify share about the machine they run on.</summary>
public static class LocalMachine
{
    /// <summary>As root, the server runs as postgres (it refuses root) and the sandbox as nobody.</summary>
    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>The folders of PATH, in order.</summary>
    public static IEnumerable<string> PathFolders => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A random password (192 bits, URL-safe: it goes into connection URLs unescaped).</summary>
    public static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    /// <summary>Removes a folder of migaudit's own, leaving it when it cannot (another user's, or a mount point still in a namespace that is going away).</summary>
    public static void TryDeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // Left for the next run's clean-up (throwaway server folders), or an empty staging point.
        }
    }
}
