namespace MigAudit.Live.Sandbox;

/// <summary>Unix permission bits on the folders migaudit makes for the server and the sandbox; Windows has none to set.</summary>
public static class FileModes
{
    /// <summary>rwx for the owner only: no other local user can open the folder.</summary>
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>rwx--x--x: others may pass through to a name they know (a bind mount's source), never list it.</summary>
    public const UnixFileMode PassThrough = OwnerOnly | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>rw-r--r--: a file the sandbox's user reads.</summary>
    public const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>rw-------.</summary>
    public const UnixFileMode Secret = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>rwxrwxrwx: a Unix socket must be writable to be connected to; the folder around it keeps others out.</summary>
    public const UnixFileMode Everyone = (UnixFileMode)0b111_111_111;

    public static void Set(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    public static void CreateDirectory(string path, UnixFileMode mode)
    {
        Directory.CreateDirectory(path);
        Set(path, mode);
    }
}
