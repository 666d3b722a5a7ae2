using MigAudit.Core;
using Npgsql;

namespace MigAudit.Live;

/// <summary>
/// Asks PostgreSQL how it writes a column type and default (format_type, pg_get_expr) by creating them in a temporary
/// table inside a transaction that is rolled back. The text is the project's (a replayed specificType or raw default),
/// so each statement goes in an <see cref="NpgsqlBatch"/> of one command, which Npgsql sends as one Parse message:
/// PostgreSQL refuses a second statement hidden after a ';' instead of running it.
/// </summary>
public static class TypeProbe
{
    /// <summary>Columns per probe table: PostgreSQL allows 1600; a refused batch is halved until the refused column is alone.</summary>
    private const int Batch = 400;

    /// <summary>PostgreSQL's text for a type and default, or why it refuses them (the message for a column named c, alone).</summary>
    public sealed record Written(string? Type, string? Default, string? Refused);

    public static async Task<IReadOnlyDictionary<(string Type, string? Default), Written>> WrittenByPostgresAsync(NpgsqlConnection connection, IEnumerable<(string Type, string? Default)> columns, string? role = null)
    {
        var distinct = columns.Distinct().ToList();
        var written = new Dictionary<(string Type, string? Default), Written>();
        if (distinct.Count == 0)
        {
            return written;
        }

        await using var transaction = await connection.BeginTransactionAsync();
        if (role is not null)
        {
            await ExecuteAsync(connection, $"SET LOCAL ROLE {Quoting.SqlIdentifier(role)}");
        }

        for (var start = 0; start < distinct.Count; start += Batch)
        {
            await ProbeAsync(connection, distinct.GetRange(start, Math.Min(Batch, distinct.Count - start)), written);
        }

        await transaction.RollbackAsync();
        return written;
    }

    /// <summary>
    /// A partial index's predicate as PostgreSQL writes it ("kind <> 'noise'" → "(kind <> 'noise'::text)"), by
    /// creating it on a temporary copy of its table (LIKE); a predicate whose table is not in the database, or that
    /// PostgreSQL refuses, is left as written. Partial indexes are few: each costs a few round trips.
    /// </summary>
    public static async Task<IReadOnlyDictionary<(string Table, string Predicate), string>> PredicatesAsync(NpgsqlConnection connection, IEnumerable<(string Table, string Predicate)> predicates, string? role = null)
    {
        var written = new Dictionary<(string Table, string Predicate), string>();
        var byTable = predicates.Distinct().GroupBy(p => p.Table, StringComparer.Ordinal).ToList();
        if (byTable.Count == 0)
        {
            return written;
        }

        await using var transaction = await connection.BeginTransactionAsync();
        if (role is not null)
        {
            await ExecuteAsync(connection, $"SET LOCAL ROLE {Quoting.SqlIdentifier(role)}");
        }

        foreach (var table in byTable)
        {
            var at = table.Key.IndexOf('.', StringComparison.Ordinal);
            var qualified = at < 0 ? Quoting.SqlIdentifier(table.Key) : $"{Quoting.SqlIdentifier(table.Key[..at])}.{Quoting.SqlIdentifier(table.Key[(at + 1)..])}";
            await ExecuteAsync(connection, "SAVEPOINT copy");
            try
            {
                await ExecuteAsync(connection, $"CREATE TEMP TABLE migaudit_predicate (LIKE {qualified}, migaudit_key integer)");
            }
            catch (PostgresException)
            {
                await ExecuteAsync(connection, "ROLLBACK TO SAVEPOINT copy");
                continue;
            }

            foreach (var (_, predicate) in table)
            {
                await ExecuteAsync(connection, "SAVEPOINT predicate");
                try
                {
                    await ExecuteAsync(connection, $"CREATE INDEX migaudit_predicate_index ON migaudit_predicate (migaudit_key) WHERE {predicate}");
                    await using var batch = new NpgsqlBatch(connection) { BatchCommands = { new NpgsqlBatchCommand("SELECT pg_get_indexdef('pg_temp.migaudit_predicate_index'::regclass)") } };
                    if (CatalogFacts.PredicateOf((string)(await batch.ExecuteScalarAsync())!) is { } deparsed)
                    {
                        written[(table.Key, predicate)] = deparsed;
                    }
                }
                catch (PostgresException)
                {
                    // Refused: compared as written, so the difference shows.
                }

                await ExecuteAsync(connection, "ROLLBACK TO SAVEPOINT predicate");
            }

            await ExecuteAsync(connection, "ROLLBACK TO SAVEPOINT copy");
        }

        await transaction.RollbackAsync();
        return written;
    }

    /// <summary>The keywords quote_identifier quotes: every keyword of this server but the unreserved ones.</summary>
    public static async Task<IReadOnlySet<string>> QuotedKeywordsAsync(NpgsqlConnection connection)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { new NpgsqlBatchCommand("SELECT word FROM pg_get_keywords() WHERE catcode <> 'U'") } };
        await using var reader = await batch.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            words.Add(reader.GetString(0));
        }

        return words;
    }

    private static async Task ProbeAsync(NpgsqlConnection connection, List<(string Type, string? Default)> columns, Dictionary<(string Type, string? Default), Written> written)
    {
        // A column alone is named c, as it always was: PostgreSQL's refusal may name it.
        string Name(int i) => columns.Count == 1 ? "c" : "c" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await ExecuteAsync(connection, "SAVEPOINT probe");
        try
        {
            var definitions = columns.Select((c, i) => $"{Name(i)} {c.Type}{(c.Default is null ? string.Empty : " DEFAULT " + c.Default)}");
            await ExecuteAsync(connection, $"CREATE TEMP TABLE migaudit_probe ({string.Join(", ", definitions)})");
            await using var batch = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand("SELECT a.attname, format_type(a.atttypid, a.atttypmod), pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attrelid = 'pg_temp.migaudit_probe'::regclass AND a.attnum > 0 AND NOT a.attisdropped"),
                },
            };
            var read = new Dictionary<string, (string Type, string? Default)>(StringComparer.Ordinal);
            await using (var reader = await batch.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    read[reader.GetString(0)] = (reader.GetString(1), reader.IsDBNull(2) ? null : CatalogFacts.Sequences(reader.GetString(2)));
                }
            }

            for (var i = 0; i < columns.Count; i++)
            {
                // A column PostgreSQL did not create as asked (a type text that closes the list early) is probed alone.
                if (!read.TryGetValue(Name(i), out var found) || read.Count != columns.Count)
                {
                    await ExecuteAsync(connection, "ROLLBACK TO SAVEPOINT probe");
                    await SplitAsync(connection, columns, written);
                    return;
                }

                written[columns[i]] = new Written(found.Type, found.Default, null);
            }
        }
        catch (PostgresException refused)
        {
            await ExecuteAsync(connection, "ROLLBACK TO SAVEPOINT probe");
            if (columns.Count == 1)
            {
                written[columns[0]] = new Written(null, null, refused.MessageText);
                return;
            }

            await SplitAsync(connection, columns, written);
            return;
        }

        await ExecuteAsync(connection, "ROLLBACK TO SAVEPOINT probe");
    }

    private static async Task SplitAsync(NpgsqlConnection connection, List<(string Type, string? Default)> columns, Dictionary<(string Type, string? Default), Written> written)
    {
        if (columns.Count == 1)
        {
            written[columns[0]] = new Written(null, null, "PostgreSQL did not create the column as written");
            return;
        }

        var half = columns.Count / 2;
        await ProbeAsync(connection, columns.GetRange(0, half), written);
        await ProbeAsync(connection, columns.GetRange(half, columns.Count - half), written);
    }

    /// <summary>One statement, never split by Npgsql: a ';' inside the project's text makes PostgreSQL refuse the whole command.</summary>
    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { new NpgsqlBatchCommand(sql) } };
        await batch.ExecuteNonQueryAsync();
    }
}
