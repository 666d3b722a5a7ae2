namespace MigAudit.Core;

public static class PathText
{
    /// <summary>
    /// A path with '/' separators, as reports and git show it. Only Windows separates with '\'; on Unix a backslash
    /// is an ordinary character of a file name and must be kept, or the name no longer matches what git lists.
    /// </summary>
    public static string WithSlashes(string path) =>
        Path.DirectorySeparatorChar == '\\' ? path.Replace('\\', '/') : path;
}
