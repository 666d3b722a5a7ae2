using MigAudit.TypeScriptDifferential;

// Usage: MigAudit.TsCorpus FOLDER [--examples N] [--list-differences]
// Compares migaudit's reading of every .ts/.mts/.cts file under FOLDER (not .d.ts) with the real TypeScript compiler's
// (docs/typescript.md) and prints the figures, the differences grouped by cause, and migaudit's rejections grouped by
// message. Exit code 0 whatever the figures: this measures, it does not judge.
if (args.Length == 0 || args[0].StartsWith('-'))
{
    Console.Error.WriteLine("usage: MigAudit.TsCorpus FOLDER [--examples N] [--list-differences]");
    return 2;
}

var folder = Path.GetFullPath(args[0]);
var examples = args.SkipWhile(a => a != "--examples").Skip(1).Select(int.Parse).FirstOrDefault(3);
var listAll = args.Contains("--list-differences");
var node = TscEraser.FindNodeDirectory(AppContext.BaseDirectory) ?? TscEraser.FindNodeDirectory(Environment.CurrentDirectory);
if (node is null || !TscEraser.IsInstalled(node))
{
    Console.Error.WriteLine("tests/node with the typescript package is needed: npm ci --prefix tests/node");
    return 2;
}

var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
    .Where(f => (f.EndsWith(".ts", StringComparison.Ordinal) || f.EndsWith(".mts", StringComparison.Ordinal) || f.EndsWith(".cts", StringComparison.Ordinal)) &&
                !f.EndsWith(".d.ts", StringComparison.Ordinal) && !f.EndsWith(".d.mts", StringComparison.Ordinal) && !f.EndsWith(".d.cts", StringComparison.Ordinal))
    .Order(StringComparer.Ordinal)
    .ToList();
var results = DifferentialCheck.Run(node, files);
string Relative(string path) => Path.GetRelativePath(folder, path);
int Count(Verdict verdict) => results.Count(r => r.Verdict == verdict);

var accepted = results.Count(r => r.Verdict is Verdict.Same or Verdict.Different or Verdict.MigauditRejected or Verdict.TscOutputUnreadable);
Console.WriteLine($"files:                 {results.Count}");
Console.WriteLine($"tsc-accepted:          {accepted}");
Console.WriteLine($"  same tree:           {Count(Verdict.Same)}");
Console.WriteLine($"  different:           {Count(Verdict.Different)}");
Console.WriteLine($"  migaudit-rejected:   {Count(Verdict.MigauditRejected)}");
Console.WriteLine($"  tsc output unread:   {Count(Verdict.TscOutputUnreadable)}");
Console.WriteLine($"tsc-rejected:          {Count(Verdict.TscRejected)}");
Console.WriteLine($"unreadable:            {Count(Verdict.Unreadable)}");

void Groups(string title, IEnumerable<FileComparison> items, Func<FileComparison, string> key, Func<FileComparison, string> example)
{
    var groups = items.GroupBy(key).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
    if (groups.Count == 0)
    {
        return;
    }

    Console.WriteLine();
    Console.WriteLine($"== {title}");
    foreach (var group in groups)
    {
        Console.WriteLine($"{group.Count(),5}  {group.Key}");
        foreach (var item in group.Take(examples))
        {
            Console.WriteLine($"       {Relative(item.Path)}");
            foreach (var line in example(item).Split('\n'))
            {
                Console.WriteLine($"         {line}");
            }
        }
    }
}

// Parse problems are grouped by message without the position ("Unexpected token" at 3:5 and at 9:1 are one cause).
static string Message(FileComparison r)
{
    var detail = r.Detail ?? "";
    return detail[(detail.IndexOf(' ', StringComparison.Ordinal) + 1)..];
}

Groups("different, by cause (first difference per file)", results.Where(r => r.Verdict == Verdict.Different), r => r.Difference!.Cause, r => r.Difference!.ToString());
Groups("migaudit-rejected, by message", results.Where(r => r.Verdict == Verdict.MigauditRejected), Message, r => r.Detail!);
Groups("tsc output unreadable by Acornima, by message", results.Where(r => r.Verdict == Verdict.TscOutputUnreadable), Message, r => r.Detail!);
Groups("tsc-rejected (not compared), by message", results.Where(r => r.Verdict == Verdict.TscRejected), Message, r => r.Detail!);

if (listAll)
{
    Console.WriteLine();
    Console.WriteLine("== every file");
    foreach (var result in results)
    {
        Console.WriteLine($"{result.Verdict}\t{Relative(result.Path)}\t{result.Difference?.Cause ?? result.Detail ?? ""}");
    }
}

return 0;
