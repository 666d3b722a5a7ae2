namespace MigAudit.Tests.Support;

/// <summary>A fixture (tests/fixtures/&lt;rule&gt;/&lt;side&gt;) whose first migration is release v1.0.0 and the others committed after it: the pending batch.</summary>
public static class ReleasedFixture
{
    public static TempRepo Of(string rule, string side)
    {
        var repo = new TempRepo();
        repo.CopyFixture(Path.Combine(rule, side));
        var pending = Directory.GetFiles(repo.PathOf("migrations")).Order(StringComparer.Ordinal).Skip(1).ToDictionary(f => f, File.ReadAllText);
        foreach (var file in pending.Keys)
        {
            File.Delete(file);
        }

        repo.Commit("first release");
        repo.Git("tag", "v1.0.0");
        foreach (var (file, text) in pending)
        {
            File.WriteAllText(file, text);
        }

        repo.Commit("pending migrations");
        return repo;
    }
}
