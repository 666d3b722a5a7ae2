namespace MigAudit.Tests.Support;

/// <summary>
/// A folder of links to the named programs only, to be the whole PATH of a child process: what runs there cannot find
/// dotnet (or anything else not named). A program missing from this PATH fails the constructor, so a test never
/// passes for want of it.
/// </summary>
public sealed class ProgramsOnly : IDisposable
{
    public ProgramsOnly(params string[] programs)
    {
        Folder = Path.Combine(Path.GetTempPath(), "migaudit-path-" + Guid.NewGuid().ToString("n")[..8]);
        Directory.CreateDirectory(Folder);
        foreach (var program in programs)
        {
            var found = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists)
                ?? throw new InvalidOperationException($"{program} is not on PATH");
            File.CreateSymbolicLink(Path.Combine(Folder, program), Path.GetFullPath(found));
        }
    }

    public string Folder { get; }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
