using System.Text.RegularExpressions;
using Acornima.Ast;
using MigAudit.Core;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Knex.Discovery;

/// <summary>
/// Finds the project's own code that writes to its migrations table: a query builder on the table ending in
/// truncate(), del(), update() or insert(), renameTable() of it, or SQL text that updates, deletes from, inserts
/// into, truncates or alters it. Such code may repair rows that deleted or renamed migrations left behind. Only
/// files that mention the table's name are parsed; migrations, tests, examples, vendored code and build output are
/// not the application's repair.
/// </summary>
public static partial class TableRepairFinder
{
    private static readonly string[] ScriptExtensions = [".js", ".cjs", ".mjs", ".ts"];

    public static IReadOnlyList<TableRepair> Find(string root, MigrationSettings settings, ParsedModuleCache cache)
    {
        var table = settings.TableName;
        var migrationFolders = settings.Directories.Select(d => d.TrimEnd('/') + "/").ToList();
        var repairs = new List<TableRepair>();
        foreach (var file in ProjectFiles.EnumerateFiles(root, name => ScriptExtensions.Contains(MigrationNames.Extension(name))))
        {
            var relative = ProjectFiles.Relative(root, file);
            if (ProjectDiscovery.IsInBuildOutput(root, file) || migrationFolders.Any(f => relative.StartsWith(f, StringComparison.Ordinal)) ||
                ProjectFiles.IsInSideDirectory(relative))
            {
                continue;
            }

            var source = SourceReader.Read(file);
            if (source.Problem is not null || !source.Text.Contains(table, StringComparison.Ordinal) || cache.File(file).Program is not { } program)
            {
                continue;
            }

            var found = new List<(int Line, string Operation)>();
            var literals = new List<string>();
            foreach (var node in SyntaxSearch.Descendants(program))
            {
                switch (node)
                {
                    case StringLiteral literal:
                        literals.Add(literal.Value);
                        if (SqlWrite(literal.Value, table) is { } sqlOperation)
                        {
                            found.Add((literal.Location.Start.Line, sqlOperation));
                        }

                        break;
                    case TemplateElement element when element.Value.Cooked is { } cooked:
                        literals.Add(cooked);
                        if (SqlWrite(cooked, table) is { } templateOperation)
                        {
                            found.Add((element.Location.Start.Line, templateOperation));
                        }

                        break;
                    case CallExpression call when BuilderWrite(call, table) is { } operation:
                        found.Add((call.Location.Start.Line, operation));
                        break;
                }
            }

            // SQL text names rows in its own quotes: WHERE name = '20250102000000_orders.js'.
            literals.AddRange(literals.SelectMany(l => SqlStringLiteral().Matches(l).Select(m => m.Groups[1].Value)).ToList());
            repairs.AddRange(found.Distinct().Select(f => new TableRepair(relative, f.Line, f.Operation, literals.Where(l => l.Length is > 0 and <= 200).Distinct().ToList())));
        }

        return repairs.OrderBy(r => r.File, StringComparer.Ordinal).ThenBy(r => r.Line).ToList();
    }

    /// <summary>knex('migrations').truncate(), trx.from('migrations').where(...).update({...}), schema.renameTable('migrations', ...).</summary>
    private static string? BuilderWrite(CallExpression call, string table)
    {
        if (call.Callee is not MemberExpression { Property: Identifier { Name: var verb } } member)
        {
            return null;
        }

        if (verb == "renameTable")
        {
            return call.Arguments.FirstOrDefault() is StringLiteral renamed && IsTable(renamed.Value, table) ? "rename table" : null;
        }

        if (verb is not ("truncate" or "del" or "delete" or "update" or "insert"))
        {
            return null;
        }

        var filtered = false;
        for (Node? link = member.Object; link is not null;)
        {
            switch (link)
            {
                case CallExpression { Arguments: [StringLiteral name, ..] } named when IsTable(name.Value, table) && SyntaxSearch.CalleeName(named) is not ("where" or "whereIn" or "whereLike" or "andWhere" or "orWhere" or "whereNot"):
                    return verb switch
                    {
                        "truncate" => "truncate",
                        "del" or "delete" => filtered ? "delete" : "delete all",
                        _ => verb,
                    };
                case CallExpression inner:
                    filtered |= SyntaxSearch.CalleeName(inner).StartsWith("where", StringComparison.Ordinal) || SyntaxSearch.CalleeName(inner).EndsWith("Where", StringComparison.Ordinal);
                    link = inner.Callee is MemberExpression next ? next.Object : null;
                    break;
                case MemberExpression property:
                    link = property.Object;
                    break;
                default:
                    link = null;
                    break;
            }
        }

        return null;
    }

    [GeneratedRegex(@"'([^']{1,200})'")]
    private static partial Regex SqlStringLiteral();

    private static bool IsTable(string name, string table) => name == table || name.EndsWith("." + table, StringComparison.Ordinal);

    [GeneratedRegex(@"\b(?<verb>UPDATE|DELETE\s+FROM|INSERT\s+INTO|TRUNCATE(?:\s+TABLE)?|ALTER\s+TABLE(?:\s+IF\s+EXISTS)?)\s+(?:""?[A-Za-z_][A-Za-z0-9_]*""?\.)?""?(?<table>[A-Za-z_][A-Za-z0-9_]*)""?(?<rest>[^;]*)", RegexOptions.IgnoreCase)]
    private static partial Regex SqlWritePattern();

    private static string? SqlWrite(string text, string table)
    {
        foreach (Match match in SqlWritePattern().Matches(text))
        {
            if (match.Groups["table"].Value != table)
            {
                continue;
            }

            var verb = Regex.Replace(match.Groups["verb"].Value.ToUpperInvariant(), @"\s+", " ");
            return verb switch
            {
                "UPDATE" => "update",
                "INSERT INTO" => "insert",
                var v when v.StartsWith("TRUNCATE", StringComparison.Ordinal) => "truncate",
                "DELETE FROM" => match.Groups["rest"].Value.Contains("WHERE", StringComparison.OrdinalIgnoreCase) ? "delete" : "delete all",
                _ => Regex.IsMatch(match.Groups["rest"].Value, @"^\s*(RENAME\s+TO|SET\s+SCHEMA)", RegexOptions.IgnoreCase) ? "rename table" : null,
            };
        }

        return null;
    }
}
