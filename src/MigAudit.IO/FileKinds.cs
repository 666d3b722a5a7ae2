using System.Runtime.InteropServices;

namespace MigAudit.IO;

public enum FileKind
{
    Missing,
    Regular,
    Directory,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
    SymbolicLink,

    /// <summary>The platform could not say (not Unix, or the call failed): callers fall back to safe reading.</summary>
    Unknown,
}

/// <summary>
/// What a path is, from stat(2). .NET's FileInfo reports a FIFO or /dev/zero as an ordinary empty file, and opening a
/// FIFO for reading blocks until a writer comes: a repository that names a FIFO "knexfile.js" would hang any tool
/// that reads it. Only regular files are ever read.
/// </summary>
public static partial class FileKinds
{
    // .NET's own portable shim (libSystem.Native, shipped with every .NET runtime and linked into AOT builds). Its
    // FileStatus struct starts with int Flags, int Mode; Mode carries the file type bits S_IFMT, normalised across
    // Unix flavours. The buffer is larger than the struct on every .NET version so far.
    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_Stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Stat(string path, [Out] byte[] status);

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_LStat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LStat(string path, [Out] byte[] status);

    private const int StatusBufferSize = 512;
    private const int ModeOffset = 4;

    /// <summary>The kind of what <paramref name="path"/> finally points to (symbolic links followed).</summary>
    public static FileKind Of(string path) => Query(path, follow: true);

    /// <summary>The kind of <paramref name="path"/> itself: <see cref="FileKind.SymbolicLink"/> for a link.</summary>
    public static FileKind OfLink(string path) => Query(path, follow: false);

    private static FileKind Query(string path, bool follow)
    {
        if (OperatingSystem.IsWindows())
        {
            return Fallback(path, follow);
        }

        var status = new byte[StatusBufferSize];
        int result;
        try
        {
            result = follow ? Stat(path, status) : LStat(path, status);
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            return Fallback(path, follow);
        }

        if (result != 0)
        {
            // ENOENT and ENOTDIR (2 and 20 on Linux and macOS): nothing there, or a broken link. Anything else
            // (permission, a link loop) is for the read itself to report.
            return Marshal.GetLastPInvokeError() is 2 or 20 ? FileKind.Missing : FileKind.Unknown;
        }

        var mode = BitConverter.ToInt32(status, ModeOffset);
        return (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            0xA000 => FileKind.SymbolicLink,
            _ => FileKind.Unknown,
        };
    }

    private static FileKind Fallback(string path, bool follow)
    {
        var info = new FileInfo(path);
        if (!follow && info.LinkTarget is not null)
        {
            return FileKind.SymbolicLink;
        }

        return Directory.Exists(path) ? FileKind.Directory : info.Exists ? FileKind.Regular : FileKind.Missing;
    }

    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        FileKind.Directory => "a directory",
        FileKind.SymbolicLink => "a symbolic link",
        FileKind.Missing => "missing",
        _ => "not a regular file",
    };
}
