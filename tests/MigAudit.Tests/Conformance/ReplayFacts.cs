using MigAudit.Core;
using MigAudit.Knex.Schema;
using Npgsql;

namespace MigAudit.Tests.Conformance;

/// <summary>A fact as the replay states it: a value, or unknown with the statement that made it so.</summary>
public sealed record ReplayFact(string? Value, string? UnknownWhy = null);

/// <summary>
/// The replayed schema as the same facts <see cref="CatalogFacts"/> reads from the catalog. Types and defaults are
/// written by PostgreSQL itself: each replayed column is created in a temporary table on the case's database and read
/// back (format_type, pg_get_expr), so "varchar(255)" and "character varying(255)", or '' and ''::character varying,
/// are the same fact, and a type or default PostgreSQL would refuse is a difference.
/// </summary>
public sealed class ReplayFacts
{
    public SortedDictionary<string, ReplayFact> Facts { get; } = new(StringComparer.Ordinal);

    /// <summary>Per table, why its facts are not all known (the replay's uncertainty), and why its indexes are not.</summary>
    public Dictionary<string, string> TableUnknown { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> IndexesUnknown { get; } = new(StringComparer.Ordinal);

    /// <summary>Why tables the replay does not list may exist all the same (a statement that could touch any table), or null.</summary>
    public string? AnyTableUnknown { get; private set; }

    public static async Task<ReplayFacts> OfAsync(SchemaModel model, NpgsqlConnection probe)
    {
        var result = new ReplayFacts { AnyTableUnknown = model.Unknown?.Describe() };
        foreach (var (name, why) in model.UnknownTables)
        {
            result.TableUnknown[name] = why.Describe();
        }

        await using var transaction = await probe.BeginTransactionAsync();
        foreach (var table in model.Tables.Values)
        {
            var name = table.Name;
            if (model.UncertaintyOf(table) is { } uncertain)
            {
                result.TableUnknown[name] = uncertain.Describe();
            }

            if (model.IndexUncertaintyOf(table) is { } indexes)
            {
                result.IndexesUnknown[name] = indexes.Describe();
            }

            foreach (var column in table.Columns)
            {
                await result.AddColumnAsync(probe, name, column);
            }

            if (table.PrimaryKey.Count > 0)
            {
                result.Facts[$"{name}: primary key"] = new($"({Columns(table.PrimaryKey)})");
            }

            foreach (var index in table.Indexes)
            {
                if (index.Constraint)
                {
                    result.Facts[$"{name}: unique constraint {index.Name}"] = new($"({Columns(index.Columns)})");
                    continue;
                }

                result.Facts[$"{name}: index {index.Name}"] = new(CatalogFacts.IndexValue(index.Unique, Columns(index.Columns), index.Method, index.Include.Count > 0 ? Columns(index.Include) : null));
                result.Facts[$"{name}: index {index.Name} where"] = index.Predicate switch
                {
                    null => new("none"),
                    // What the index() options' predicate builder compiles to is not evaluated: the replay keeps a placeholder.
                    KnexSchemaInterpreter.UncompiledPredicate => new(null, "the replay does not compile a predicate built with knex (it keeps a placeholder)"),
                    var sql => new(await PredicateByPostgresAsync(probe, table, sql)),
                };
            }

            foreach (var key in table.ForeignKeys)
            {
                var target = key.ReferencesTable.StartsWith("public.", StringComparison.Ordinal) ? key.ReferencesTable["public.".Length..] : key.ReferencesTable;
                result.Facts[$"{name}: foreign key {key.Name}"] = new(CatalogFacts.ForeignKeyValue(Columns(key.Columns), target, Columns(key.ReferencesColumns), key.OnDelete ?? "NO ACTION", key.OnUpdate ?? "NO ACTION"));
            }

            foreach (var check in table.Checks)
            {
                result.Facts[$"{name}: check {check}"] = new("check");
            }
        }

        await transaction.RollbackAsync();
        return result;
    }

    private static string Columns(IEnumerable<string> columns) => string.Join(", ", columns.Select(CatalogFacts.Ident));

    private async Task AddColumnAsync(NpgsqlConnection probe, string table, ColumnModel column)
    {
        var prefix = $"{table}: column {column.Name}";
        Facts[$"{prefix} not null"] = new(column.Nullable ? "no" : "yes");
        var defaultUnknown = column.Default?.StartsWith(KnexSchemaInterpreter.UnknownDefaultPrefix, StringComparison.Ordinal) == true;
        if (column.Type == "?")
        {
            Facts[$"{prefix} type"] = new(null, "the replay does not know the column's type");
            Facts[$"{prefix} default"] = new(null, "the replay does not know the column's type");
            return;
        }

        var (type, defaultValue, refused) = await WrittenByPostgresAsync(probe, column.Type, defaultUnknown ? null : column.Default);
        if (refused is not null)
        {
            Facts[$"{prefix} type"] = new($"{column.Type} default {column.Default ?? "none"}, which PostgreSQL refuses: {refused}");
            Facts[$"{prefix} default"] = new(column.Default ?? "none");
            return;
        }

        Facts[$"{prefix} type"] = new(type);
        Facts[$"{prefix} default"] = defaultUnknown ? new(null, $"the replay does not know the default: {column.Default}") : new(defaultValue ?? "none");
    }

    /// <summary>The predicate as PostgreSQL writes it back (pg_get_expr), on a temporary copy of the table's replayed columns.</summary>
    private static async Task<string> PredicateByPostgresAsync(NpgsqlConnection probe, TableModel table, string predicate)
    {
        await using (var savepoint = new NpgsqlCommand("SAVEPOINT predicate", probe))
        {
            await savepoint.ExecuteNonQueryAsync();
        }

        try
        {
            var columns = string.Join(", ", table.Columns.Select(c => $"{MigAudit.Core.Quoting.SqlIdentifier(c.Name)} {(c.Type == "?" ? "text" : c.Type)}"));
            await using (var create = new NpgsqlCommand($"CREATE TEMP TABLE migaudit_predicate ({columns}); CREATE INDEX migaudit_predicate_index ON migaudit_predicate ((1)) WHERE {predicate}", probe))
            {
                await create.ExecuteNonQueryAsync();
            }

            await using var read = new NpgsqlCommand("SELECT pg_get_expr(indpred, indrelid) FROM pg_index WHERE indexrelid = 'pg_temp.migaudit_predicate_index'::regclass", probe);
            return (string)(await read.ExecuteScalarAsync())!;
        }
        catch (PostgresException refused)
        {
            return $"{predicate}, which PostgreSQL refuses: {refused.MessageText}";
        }
        finally
        {
            await using var back = new NpgsqlCommand("ROLLBACK TO SAVEPOINT predicate", probe);
            await back.ExecuteNonQueryAsync();
        }
    }

    private static async Task<(string? Type, string? Default, string? Refused)> WrittenByPostgresAsync(NpgsqlConnection probe, string type, string? defaultValue)
    {
        await using (var savepoint = new NpgsqlCommand("SAVEPOINT probe", probe))
        {
            await savepoint.ExecuteNonQueryAsync();
        }

        try
        {
            var create = $"CREATE TEMP TABLE migaudit_probe (c {type}{(defaultValue is null ? string.Empty : " DEFAULT " + defaultValue)})";
            await using (var command = new NpgsqlCommand(create, probe))
            {
                await command.ExecuteNonQueryAsync();
            }

            await using var read = new NpgsqlCommand(
                "SELECT format_type(a.atttypid, a.atttypmod), pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attrelid = 'pg_temp.migaudit_probe'::regclass AND a.attname = 'c'",
                probe);
            await using var reader = await read.ExecuteReaderAsync();
            await reader.ReadAsync();
            var result = (reader.GetString(0), reader.IsDBNull(1) ? null : CatalogFacts.Sequences(reader.GetString(1)), (string?)null);
            await reader.CloseAsync();
            return result;
        }
        catch (PostgresException refused)
        {
            return (null, null, refused.MessageText);
        }
        finally
        {
            await using var back = new NpgsqlCommand("ROLLBACK TO SAVEPOINT probe", probe);
            await back.ExecuteNonQueryAsync();
        }
    }
}
