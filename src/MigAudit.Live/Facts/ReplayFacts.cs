using MigAudit.Core;
using MigAudit.Knex.Schema;
using Npgsql;

namespace MigAudit.Live;

/// <summary>
/// A fact as the replay states it: a value, or unknown (<see cref="Value"/> null) with why. <see cref="Uncertain"/> is
/// set when a statement the replay could not follow came after the fact was made: a value that then differs from the
/// database's is unknown, not wrong.
/// </summary>
public sealed record ReplayFact(string? Value, string? UnknownWhy = null)
{
    public string? Uncertain { get; init; }
}

/// <summary>
/// The replayed schema as the same facts <see cref="CatalogFacts"/> reads from the catalog. Types and defaults are
/// written by PostgreSQL itself: each distinct replayed (type, default) is created in a temporary table and read back
/// (format_type, pg_get_expr), so "varchar(255)" and "character varying(255)", or '' and ''::character varying, are
/// the same fact, and a type or default PostgreSQL would refuse is a difference. The probe is set-based: hundreds of
/// columns go into one temporary table, and only a batch PostgreSQL refuses is split to find the column it refuses.
/// </summary>
public sealed class ReplayFacts
{
    /// <summary>The replay's placeholder for an index() option's predicate built with knex, which it does not compile.</summary>
    private const string KnexPredicate = MigAudit.Knex.Schema.KnexSchemaInterpreter.UncompiledPredicate;


    public SortedDictionary<string, ReplayFact> Facts { get; } = new(StringComparer.Ordinal);

    /// <summary>Per table, why its facts are not all known (the replay's uncertainty), and why its indexes are not.</summary>
    public Dictionary<string, string> TableUnknown { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> IndexesUnknown { get; } = new(StringComparer.Ordinal);

    /// <summary>Tables with at least one fact listed.</summary>
    public HashSet<string> Listed { get; } = new(StringComparer.Ordinal);

    /// <summary>Why tables the replay does not list may exist all the same (a statement that could touch any table), or null.</summary>
    public string? AnyTableUnknown { get; private set; }

    /// <param name="probe">A connection to a database where the replay's types exist (enum types, extensions' types); the probe's temporary tables are rolled back.</param>
    /// <param name="role">A role to probe as (SET LOCAL ROLE): the replayed types and defaults are the project's text, so the probe runs with no more rights than the project's own chain.</param>
    public static async Task<ReplayFacts> OfAsync(SchemaModel model, NpgsqlConnection probe, string? role = null)
    {
        var result = new ReplayFacts { AnyTableUnknown = model.Unknown?.Describe(), keywords = await TypeProbe.QuotedKeywordsAsync(probe) };
        foreach (var (name, why) in model.UnknownTables)
        {
            result.TableUnknown[name] = why.Describe();
        }

        var columns = new List<(string Table, ColumnModel Column, string? Uncertain)>();
        foreach (var table in model.Tables.Values)
        {
            var name = table.Name;
            var tableUncertain = model.UncertaintyOf(table)?.Describe() ?? (model.UnknownTables.TryGetValue(name, out var existence) ? existence.Describe() : null);
            var indexUncertain = model.IndexUncertaintyOf(table)?.Describe() ?? tableUncertain;
            if (model.UncertaintyOf(table) is { } uncertain)
            {
                result.TableUnknown[name] = uncertain.Describe();
            }

            if (model.IndexUncertaintyOf(table) is { } indexes)
            {
                result.IndexesUnknown[name] = indexes.Describe();
            }

            // A fact made after the table's uncertainty is known despite it (the statement could not have touched it).
            string? Since(Origin origin) => model.UnknownTables.ContainsKey(name) || !model.Knows(table, origin) ? tableUncertain : null;
            string? IndexSince(Origin origin) => model.UnknownTables.ContainsKey(name) || !model.KnowsIndex(table, origin) ? indexUncertain : null;
            result.Listed.Add(name);
            columns.AddRange(table.Columns.Select(c => (name, c, Since(c.Origin))));
            if (table.PrimaryKey.Count > 0)
            {
                result.Facts[$"{name}: primary key"] = new($"({result.Columns(table.PrimaryKey)})") { Uncertain = tableUncertain };
            }

            foreach (var index in table.Indexes)
            {
                var since = IndexSince(index.Origin);
                if (index.Constraint)
                {
                    result.Facts[$"{name}: unique constraint {index.Name}"] = new($"({result.Columns(index.Columns)})") { Uncertain = since };
                    continue;
                }

                result.Facts[$"{name}: index {index.Name}"] = index.KeyDetailsUnknown
                    ? new(null, $"the replay keeps the names of the index's key elements, not their sort order, operator class or expression ({index.Origin.Migration}:{index.Origin.Line})")
                    : new(CatalogFacts.IndexValue(index.Unique, result.Columns(index.Columns), index.Method, index.Include.Count > 0 ? result.Columns(index.Include) : null)) { Uncertain = since };
                result.Facts[$"{name}: index {index.Name} where"] = index.Predicate switch
                {
                    null => new("none") { Uncertain = since },
                    // What the index() options' predicate builder compiles to is not evaluated: the replay keeps a placeholder.
                    KnexPredicate => new(null, "the replay does not compile a predicate built with knex (it keeps a placeholder)"),
                    var sql => new(sql) { Uncertain = since },
                };
            }

            foreach (var key in table.ForeignKeys)
            {
                var target = key.ReferencesTable.StartsWith("public.", StringComparison.Ordinal) ? key.ReferencesTable["public.".Length..] : key.ReferencesTable;
                result.Facts[$"{name}: foreign key {key.Name}"] = new(CatalogFacts.ForeignKeyValue(result.Columns(key.Columns), CatalogFacts.QualifiedIdent(target, result.keywords), result.Columns(key.ReferencesColumns), key.OnDelete ?? "NO ACTION", key.OnUpdate ?? "NO ACTION")) { Uncertain = Since(key.Origin) };
            }

            foreach (var check in table.Checks)
            {
                result.Facts[$"{name}: check {check}"] = new("check") { Uncertain = tableUncertain };
            }
        }

        var predicates = await TypeProbe.PredicatesAsync(probe, model.Tables.Values.SelectMany(t => t.Indexes.Where(i => !i.Constraint && i.Predicate is { } p && p != KnexPredicate).Select(i => (t.Name, i.Predicate!))), role);
        foreach (var ((table, predicate), deparsed) in predicates)
        {
            foreach (var index in model.Tables[table].Indexes.Where(i => !i.Constraint && i.Predicate == predicate))
            {
                var key = $"{table}: index {index.Name} where";
                result.Facts[key] = result.Facts[key] with { Value = deparsed };
            }
        }

        var written = await TypeProbe.WrittenByPostgresAsync(probe, columns.Where(c => UnknownType(c.Column) is null).Select(c => (c.Column.Type, DefaultOf(c.Column))), role);
        foreach (var (table, column, uncertain) in columns)
        {
            result.AddColumn(table, column, uncertain, written);
        }

        return result;
    }

    private IReadOnlySet<string> keywords = new HashSet<string>();

    private string Columns(IEnumerable<string> columns) => string.Join(", ", columns.Select(c => CatalogFacts.Ident(c, keywords)));

    /// <summary>Why the replay states no type for the column (and so no default as PostgreSQL writes it), or null.</summary>
    private static string? UnknownType(ColumnModel column) =>
        column.Type == "?" ? "the replay does not know the column's type"
        : column.Type.EndsWith(KnexColumnTypes.PerClient, StringComparison.Ordinal) ? "the replay does not know the project's client, and knex writes this column's type differently per client"
        : null;

    private static bool DefaultUnknown(ColumnModel column) => column.Default?.StartsWith(KnexSchemaInterpreter.UnknownDefaultPrefix, StringComparison.Ordinal) == true;

    private static string? DefaultOf(ColumnModel column) => DefaultUnknown(column) ? null : column.Default;

    private void AddColumn(string table, ColumnModel column, string? uncertain, IReadOnlyDictionary<(string Type, string? Default), TypeProbe.Written> written)
    {
        var prefix = $"{table}: column {column.Name}";
        Facts[$"{prefix} not null"] = new(column.Nullable ? "no" : "yes") { Uncertain = uncertain };
        if (UnknownType(column) is { } why)
        {
            Facts[$"{prefix} type"] = new(null, why);
            Facts[$"{prefix} default"] = new(null, why);
            return;
        }

        var probed = written[(column.Type, DefaultOf(column))];
        if (probed.Refused is { } refused)
        {
            Facts[$"{prefix} type"] = new($"{column.Type} default {column.Default ?? "none"}, which PostgreSQL refuses: {refused}") { Uncertain = uncertain };
            Facts[$"{prefix} default"] = new(column.Default ?? "none") { Uncertain = uncertain };
            return;
        }

        Facts[$"{prefix} type"] = new(probed.Type) { Uncertain = uncertain };
        Facts[$"{prefix} default"] = DefaultUnknown(column) ? new(null, $"the replay does not know the default: {column.Default}") : new(probed.Default ?? "none") { Uncertain = uncertain };
    }
}
