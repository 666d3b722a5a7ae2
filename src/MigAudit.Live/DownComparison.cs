using System.Text.RegularExpressions;

namespace MigAudit.Live;

/// <summary>
/// Whether one down undid what its own up did, judged on the changes rather than on whole schemas. From the schema
/// before the up (S0), after it (S1), before the down (S1', which is S1 unless a later down left something wrong) and
/// after the down (S2): the schema the down should leave is S1' with every change of the up reverted, and S2 is compared
/// with it. A fault a later down left (a lost NOT NULL) therefore stays with that down: this one is judged only on what
/// its up changed, even where it renames the column or the table the fault sits in.
/// Within one step, tables are followed by their oid and columns by their attnum, which a rename keeps, so a renamed
/// column is one column whose name changed, not one dropped and one added; between S1 and S1' by name, as the down's
/// own statements find them. Indexes and constraints are matched by name, their definitions compared without the
/// table's own name (which a table renamed back changes).
/// </summary>
public static partial class DownComparison
{
    /// <summary>The differences between what the down left and what it should have left, as readable lines (none: restored).</summary>
    public static IReadOnlyList<string> Differences(SchemaSnapshot beforeUp, SchemaSnapshot afterUp, SchemaSnapshot beforeDown, SchemaSnapshot afterDown)
    {
        var expected = Expected(Model.Of(beforeUp), Model.Of(afterUp), Model.Of(beforeDown));
        return Compare(expected, Model.Of(afterDown));
    }

    /// <summary>The schema before the down with the up's changes reverted.</summary>
    private static List<Model.Table> Expected(List<Model.Table> s0, List<Model.Table> s1, List<Model.Table> beforeDown)
    {
        var expected = beforeDown.Select(t => t.Copy()).ToList();
        var (pairs, dropped, created) = Model.MatchTables(s0, s1);
        foreach (var table in created)
        {
            expected.RemoveAll(t => t.Name == table.Name);
        }

        // The down finds what the up left by name, as its own statements do (a later up may have dropped a column and a
        // later down added it again, under a new attnum): the schema before the down is matched with the one after the
        // up by names.
        foreach (var (before, after) in pairs)
        {
            if (expected.FirstOrDefault(t => t.Name == after.Name) is not { } target)
            {
                continue;
            }

            target.Name = before.Name;
            var (columnPairs, droppedColumns, createdColumns) = Model.MatchColumns(before, after);
            foreach (var column in createdColumns)
            {
                target.Columns.RemoveAll(c => c.Name == column.Name);
            }

            foreach (var (was, now) in columnPairs)
            {
                if (target.Columns.FirstOrDefault(c => c.Name == now.Name) is { } column)
                {
                    column.Name = was.Name != now.Name ? was.Name : column.Name;
                    column.Type = was.Type != now.Type ? was.Type : column.Type;
                    column.NotNull = was.NotNull != now.NotNull ? was.NotNull : column.NotNull;
                    column.Default = was.Default != now.Default ? was.Default : column.Default;
                }
            }

            foreach (var column in droppedColumns)
            {
                target.Columns.RemoveAll(c => c.Name == column.Name);
                target.Columns.Add(column.Copy(keepNumber: false));
            }

            Revert(before.Indexes, after.Indexes, target.Indexes);
            Revert(before.Constraints, after.Constraints, target.Constraints);
        }

        foreach (var table in dropped)
        {
            expected.RemoveAll(t => t.Name == table.Name);
            var copy = table.Copy();
            copy.Oid = null;
            copy.Columns.ForEach(c => c.Number = 0);
            expected.Add(copy);
        }

        return expected;
    }

    /// <summary>Indexes or constraints by name: what the up created goes, what it dropped or changed is as before it.</summary>
    private static void Revert(SortedDictionary<string, string> before, SortedDictionary<string, string> after, SortedDictionary<string, string> target)
    {
        foreach (var name in after.Keys.Except(before.Keys))
        {
            target.Remove(name);
        }

        foreach (var (name, definition) in before)
        {
            // Changed by the up: as before it, if it is still there (a later down that lost it answers for that).
            if (!after.TryGetValue(name, out var now) || !Same(now, definition) && target.ContainsKey(name))
            {
                target[name] = definition;
            }
        }
    }

    private static List<string> Compare(List<Model.Table> expected, List<Model.Table> actual)
    {
        var differences = new List<string>();
        var (pairs, missing, extra) = Model.MatchTables(expected, actual);
        differences.AddRange(extra.Select(t => $"table {t.Name} is left behind"));
        differences.AddRange(missing.Select(t => $"table {t.Name} is not restored"));
        foreach (var (want, have) in pairs.OrderBy(p => p.Expected.Name, StringComparer.Ordinal))
        {
            var table = want.Name;
            if (want.Name != have.Name)
            {
                differences.Add($"table {have.Name} is not renamed back to {want.Name}");
            }

            var (columnPairs, missingColumns, extraColumns) = Model.MatchColumns(want, have);
            differences.AddRange(extraColumns.Select(c => $"{table}: column {c} is left behind"));
            differences.AddRange(missingColumns.Select(c => $"{table}: column {c} is not restored"));
            foreach (var (was, now) in columnPairs)
            {
                var column = $"{table}.{was.Name}";
                if (was.Name != now.Name)
                {
                    differences.Add($"{table}: column {now.Name} is not renamed back to {was.Name}");
                }

                if (was.Type != now.Type)
                {
                    differences.Add($"{column}: type {now.Type} is not restored to {was.Type}");
                }

                if (was.NotNull != now.NotNull)
                {
                    differences.Add(was.NotNull ? $"{column}: NOT NULL is not restored" : $"{column}: NOT NULL is left behind");
                }

                if (was.Default != now.Default)
                {
                    differences.Add((was.Default, now.Default) switch
                    {
                        (null, { } left) => $"{column}: default {left} is left behind",
                        ({ } lost, null) => $"{column}: default {lost} is not restored",
                        _ => $"{column}: default {now.Default} is not restored to {was.Default}",
                    });
                }
            }

            Named(differences, table, "index", want.Indexes, have.Indexes);
            Named(differences, table, "constraint", want.Constraints, have.Constraints);
        }

        return differences;
    }

    private static void Named(List<string> differences, string table, string kind, SortedDictionary<string, string> expected, SortedDictionary<string, string> actual)
    {
        foreach (var (name, definition) in actual.Where(a => !expected.ContainsKey(a.Key)))
        {
            differences.Add($"{table}: {kind} {name} is left behind ({definition})");
        }

        foreach (var (name, definition) in expected)
        {
            if (!actual.TryGetValue(name, out var now))
            {
                differences.Add($"{table}: {kind} {name} is not restored ({definition})");
            }
            else if (!Same(now, definition))
            {
                differences.Add($"{table}: {kind} {name} is {now}, not restored to {definition}");
            }
        }
    }

    /// <summary>Two definitions of an index or constraint alike but for the table's own name.</summary>
    private static bool Same(string first, string second) => first == second || OwnTable().Replace(first, "$1$2") == OwnTable().Replace(second, "$1$2");

    /// <summary>The table's own name in an index definition ("ON public.users USING"): a table renamed back changes it.</summary>
    [GeneratedRegex("""^(.* ON (?:ONLY )?)(?:"(?:[^"]|"")*"|[^\s."]+)(?:\.(?:"(?:[^"]|"")*"|[^\s."]+))?( USING .*)$""", RegexOptions.Singleline)]
    private static partial Regex OwnTable();

    /// <summary>A snapshot as tables with oids, columns with attnums and fields, indexes and constraints by name.</summary>
    private static class Model
    {
        public sealed class Column
        {
            public required string Name { get; set; }
            public required string Type { get; set; }
            public bool NotNull { get; set; }
            public string? Default { get; set; }

            /// <summary>attnum; 0 for a column restored from before the up (it would get a new one).</summary>
            public int Number { get; set; }

            public Column Copy(bool keepNumber = true) => new() { Name = Name, Type = Type, NotNull = NotNull, Default = Default, Number = keepNumber ? Number : 0 };

            public override string ToString() => $"{Name} {Type}{(NotNull ? " not null" : string.Empty)}{(Default is null ? string.Empty : " default " + Default)}";

            /// <summary>"name type[ not null][ default expr]" as <see cref="SchemaSnapshot.Sql"/> writes it; a type never contains either marker.</summary>
            public static Column Parse(string text, int number)
            {
                var name = text[..text.IndexOf(' ', StringComparison.Ordinal)];
                var rest = text[(name.Length + 1)..];
                var at = rest.IndexOf(" default ", StringComparison.Ordinal);
                var typed = at < 0 ? rest : rest[..at];
                var notNull = typed.EndsWith(" not null", StringComparison.Ordinal);
                return new Column
                {
                    Name = name,
                    Type = notNull ? typed[..^" not null".Length] : typed,
                    NotNull = notNull,
                    Default = at < 0 ? null : rest[(at + " default ".Length)..],
                    Number = number,
                };
            }
        }

        public sealed class Table
        {
            public required string Name { get; set; }
            public string? Oid { get; set; }
            public List<Column> Columns { get; init; } = [];
            public SortedDictionary<string, string> Indexes { get; init; } = new(StringComparer.Ordinal);
            public SortedDictionary<string, string> Constraints { get; init; } = new(StringComparer.Ordinal);

            public Table Copy() => new()
            {
                Name = Name,
                Oid = Oid,
                Columns = Columns.Select(c => c.Copy()).ToList(),
                Indexes = new(Indexes, StringComparer.Ordinal),
                Constraints = new(Constraints, StringComparer.Ordinal),
            };
        }

        public static List<Table> Of(SchemaSnapshot snapshot) => snapshot.Tables.Select(t => new Table
        {
            Name = t.Key,
            Oid = t.Value.Oid,
            Columns = t.Value.Columns.Select((c, i) => Column.Parse(c, i < t.Value.ColumnNumbers.Count ? t.Value.ColumnNumbers[i] : 0)).ToList(),
            Indexes = Named(t.Value.Indexes),
            Constraints = Named(t.Value.Constraints),
        }).ToList();

        /// <summary>"name: definition" rows (<see cref="SchemaSnapshot.Sql"/>) by name.</summary>
        private static SortedDictionary<string, string> Named(IEnumerable<string> rows)
        {
            var named = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var row in rows)
            {
                var at = row.IndexOf(": ", StringComparison.Ordinal);
                named[row[..at]] = row[(at + 2)..];
            }

            return named;
        }

        public static (List<(Table Expected, Table Actual)> Pairs, List<Table> OnlyFirst, List<Table> OnlySecond) MatchTables(List<Table> first, List<Table> second)
        {
            var pairs = new List<(Table, Table)>();
            var left = new List<Table>(second);
            var onlyFirst = new List<Table>();
            // By oid first, then by name among the rest: a table renamed in one step and another created under its old name.
            foreach (var table in first.Where(t => t.Oid is not null).ToList())
            {
                if (left.FirstOrDefault(t => t.Oid == table.Oid) is { } same)
                {
                    pairs.Add((table, same));
                    left.Remove(same);
                }
            }

            foreach (var table in first.Where(t => !pairs.Any(p => ReferenceEquals(p.Item1, t))))
            {
                if (left.FirstOrDefault(t => t.Name == table.Name) is { } same)
                {
                    pairs.Add((table, same));
                    left.Remove(same);
                }
                else
                {
                    onlyFirst.Add(table);
                }
            }

            return (pairs, onlyFirst.OrderBy(t => t.Name, StringComparer.Ordinal).ToList(), left.OrderBy(t => t.Name, StringComparer.Ordinal).ToList());
        }

        public static (List<(Column Expected, Column Actual)> Pairs, List<Column> OnlyFirst, List<Column> OnlySecond) MatchColumns(Table first, Table second)
        {
            var sameTable = first.Oid is not null && first.Oid == second.Oid;
            var pairs = new List<(Column, Column)>();
            var left = new List<Column>(second.Columns);
            var onlyFirst = new List<Column>();
            foreach (var column in first.Columns.Where(c => sameTable && c.Number > 0).ToList())
            {
                if (left.FirstOrDefault(c => c.Number == column.Number) is { } same)
                {
                    pairs.Add((column, same));
                    left.Remove(same);
                }
            }

            foreach (var column in first.Columns.Where(c => !pairs.Any(p => ReferenceEquals(p.Item1, c))))
            {
                if (left.FirstOrDefault(c => c.Name == column.Name) is { } same)
                {
                    pairs.Add((column, same));
                    left.Remove(same);
                }
                else
                {
                    onlyFirst.Add(column);
                }
            }

            return (pairs, onlyFirst, left);
        }
    }
}
