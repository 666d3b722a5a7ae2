using System.Globalization;
using System.Text.RegularExpressions;

namespace MigAudit.Core.Applied;

/// <summary>
/// The text forms of a query's result: psql's aligned table (a header, a rule of '-' and '+', rows, "(N rows)"), psql -A
/// (the same without padding or rule, '|' between cells), CSV with a header (psql --csv), and bare names one a line
/// (psql -At). A table names its columns, so the name column is found by its header, wherever it is.
/// </summary>
internal static partial class AppliedTables
{
    private const string NameColumn = "name";

    public static AppliedMigrations Read(AppliedText input)
    {
        var lines = input.NonBlank;
        var rule = lines.ToList().FindIndex(l => Rule().IsMatch(l.Text.Trim()));
        if (rule >= 0)
        {
            return Aligned(input, rule);
        }

        var first = lines[0].Text.Trim();
        if (first.StartsWith("-[ RECORD", StringComparison.Ordinal))
        {
            throw input.Error(lines[0].Number, "psql's expanded output (\\x): run the query without -x / \\x so that each row is one line (see docs/applied.md)");
        }

        var hasFooter = lines.Any(l => Footer().IsMatch(l.Text.Trim()));
        // A header of '|'-separated cells, or 'name' over psql's footer: psql -A (its header has no rule under it).
        if ((first.Contains('|') && hasFooter) || ((first.Contains('|') || hasFooter) && first.Split('|').Any(cell => cell.Trim() == NameColumn)))
        {
            return Table(input, header: 0, firstRow: 1, AppliedMigrations.PsqlUnalignedFormat);
        }

        // psql --csv writes its header bare (column names need no quoting). No migration file is called 'name': a first
        // line that is 'name', or has a 'name' field, is a header.
        if (first.Split(',').Any(cell => cell.Trim() == NameColumn))
        {
            return Csv(input, AppliedCsv.Records(input));
        }

        return Lines(input);
    }

    private static AppliedMigrations Aligned(AppliedText input, int rule)
    {
        var lines = input.NonBlank;
        if (rule == 0)
        {
            throw input.Error(lines[0].Number, "a psql table without its header line: paste the output from the header on");
        }

        if (rule > 1)
        {
            throw input.Error(lines[0].Number, $"text before the psql table's header (line {lines[rule - 1].Number}): paste the query's output alone");
        }

        var columns = lines[rule].Text.Trim().Split('+').Length;
        var headers = lines[0].Text.Split('|').Length;
        if (columns != headers)
        {
            throw input.Error(lines[0].Number, $"the header has {headers} column(s) but the rule below it {columns}: this is not one psql table");
        }

        return Table(input, header: 0, firstRow: 2, AppliedMigrations.PsqlFormat);
    }

    /// <summary>psql's aligned and unaligned tables: '|' between cells (a name with a '|' would need CSV), the footer closes.</summary>
    private static AppliedMigrations Table(AppliedText input, int header, int firstRow, string format)
    {
        var lines = input.NonBlank;
        var columns = lines[header].Text.Split('|').Select(c => c.Trim()).ToList();
        var name = NameIndex(input, lines[header], columns);
        var names = new AppliedNameList(input);
        var rows = 0;
        for (var index = firstRow; index < lines.Count; index++)
        {
            var line = lines[index];
            if (Footer().Match(line.Text.Trim()) is { Success: true } footer)
            {
                var announced = int.Parse(footer.Groups["count"].Value, CultureInfo.InvariantCulture);
                if (announced != rows)
                {
                    throw input.Error(line.Number, $"psql's footer counts {announced} row(s) but {rows} precede it: the paste is incomplete or mixed with other text");
                }

                if (index + 1 < lines.Count)
                {
                    throw input.Error(lines[index + 1].Number, "text after the psql table's footer: paste one query's output alone");
                }

                break;
            }

            var cells = line.Text.Split('|');
            if (cells.Length != columns.Count)
            {
                throw input.Error(line.Number, $"this row has {cells.Length} cell(s) but the header {columns.Count}: paste one query's output alone (a name holding '|' needs psql --csv)");
            }

            names.Add(cells[name].Trim(), line.Number);
            rows++;
        }

        return names.Build(format);
    }

    private static AppliedMigrations Csv(AppliedText input, IReadOnlyList<AppliedCsv.Record> records)
    {
        var columns = records[0].Fields.Select(c => c.Trim()).ToList();
        var name = columns.IndexOf(NameColumn);
        var names = new AppliedNameList(input);
        foreach (var record in records.Skip(1))
        {
            if (record.Fields.Count != columns.Count)
            {
                throw input.Error(record.Line, $"this CSV row has {record.Fields.Count} field(s) but the header {columns.Count}: paste one query's output alone");
            }

            names.Add(record.Fields[name], record.Line);
        }

        return names.Build(AppliedMigrations.CsvFormat);
    }

    private static AppliedMigrations Lines(AppliedText input)
    {
        var names = new AppliedNameList(input);
        foreach (var line in input.NonBlank)
        {
            var text = line.Text.Trim();
            if (text.Contains('|'))
            {
                throw input.Error(line.Number, $"'{Quoting.Printable(text)}' looks like a psql row of several columns without its header: select the name column alone (psql -At -c \"SELECT name FROM knex_migrations ORDER BY id\") or paste the header too");
            }

            if (Footer().IsMatch(text))
            {
                throw input.Error(line.Number, "a psql footer without the table's header: paste the whole output, or use psql -At");
            }

            // psql -t prints each row of its aligned table with a leading space: only the name is the name.
            names.Add(text, line.Number);
        }

        return names.Build(AppliedMigrations.LinesFormat);
    }

    private static int NameIndex(AppliedText input, AppliedLine header, List<string> columns)
    {
        var index = columns.IndexOf(NameColumn);
        if (index >= 0)
        {
            return index;
        }

        var json = columns.Count == 1 && columns[0].StartsWith("json", StringComparison.Ordinal)
            ? ": for a JSON result, run psql with -At so that it prints the JSON alone"
            : string.Empty;
        throw input.Error(header.Number, $"a psql table without a name column (columns: {string.Join(", ", columns.Select(Quoting.Printable))}){json}; select knex_migrations.name (see docs/applied.md)");
    }

    [GeneratedRegex(@"^-+(?:\+-+)*$")]
    private static partial Regex Rule();

    [GeneratedRegex(@"^\((?<count>\d+) rows?\)$")]
    private static partial Regex Footer();
}
