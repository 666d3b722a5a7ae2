using System.Text.RegularExpressions;

namespace MigAudit.Live;

/// <summary>
/// The schema facts verify and the conformance suite compare, read from PostgreSQL's catalog through a
/// <see cref="SchemaSnapshot"/> (itself one set-based query): per column its type, nullability and default; the primary
/// key's columns; each unique constraint; each other index (unique or not, columns, method, INCLUDE, predicate); each
/// foreign key (columns, target, ON DELETE/ON UPDATE); each check constraint by name. Deferrability and the primary
/// key's name are not compared (the replay does not model them). Keys are "table: fact", values the fact's text.
/// </summary>
public static partial class CatalogFacts
{
    /// <summary>Fact key ("table: kind name") to value.</summary>
    public static SortedDictionary<string, string> Of(SchemaSnapshot snapshot)
    {
        var facts = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (table, contents) in snapshot.Tables)
        {
            foreach (var column in contents.Columns)
            {
                // "name type[ not null][ default expr]" (SchemaSnapshot.Sql); a type never contains either marker.
                var name = column[..column.IndexOf(' ', StringComparison.Ordinal)];
                var rest = column[(name.Length + 1)..];
                var at = rest.IndexOf(" default ", StringComparison.Ordinal);
                var defaultValue = at < 0 ? "none" : Sequences(rest[(at + " default ".Length)..]);
                var typed = at < 0 ? rest : rest[..at];
                var notNull = typed.EndsWith(" not null", StringComparison.Ordinal);
                AddColumn(facts, table, name, notNull ? typed[..^" not null".Length] : typed, notNull, defaultValue);
            }

            var constraintNames = new HashSet<string>(StringComparer.Ordinal);
            foreach (var constraint in contents.Constraints)
            {
                var (name, definition) = Split(constraint);
                constraintNames.Add(name);
                if (definition.StartsWith("PRIMARY KEY ", StringComparison.Ordinal))
                {
                    facts[$"{table}: primary key"] = WithoutDeferrable(definition["PRIMARY KEY ".Length..]);
                }
                else if (definition.StartsWith("UNIQUE ", StringComparison.Ordinal))
                {
                    facts[$"{table}: unique constraint {name}"] = WithoutDeferrable(definition["UNIQUE ".Length..]);
                }
                else if (ForeignKey().Match(definition) is { Success: true } fk)
                {
                    var tail = fk.Groups[4].Value;
                    facts[$"{table}: foreign key {name}"] = ForeignKeyValue(fk.Groups[1].Value, fk.Groups[2].Value, fk.Groups[3].Value, Action(tail, "DELETE"), Action(tail, "UPDATE"));
                }
                else if (definition.StartsWith("CHECK ", StringComparison.Ordinal))
                {
                    facts[$"{table}: check {name}"] = "check";
                }
                else if (!definition.StartsWith("NOT NULL ", StringComparison.Ordinal))
                {
                    facts[$"{table}: constraint {name}"] = definition;
                }
            }

            foreach (var index in contents.Indexes)
            {
                var (name, definition) = Split(index);
                if (constraintNames.Contains(name))
                {
                    continue;
                }

                // An index the pattern does not read (ON ONLY of a partitioned table) is compared as PostgreSQL writes it.
                var m = Index().Match(definition);
                facts[$"{table}: index {name}"] = m.Success ? IndexValue(m.Groups[1].Success, m.Groups[3].Value, m.Groups[2].Value, m.Groups[4].Success ? m.Groups[4].Value : null) : definition;
                facts[$"{table}: index {name} where"] = m.Success && m.Groups[5].Success ? m.Groups[5].Value : "none";
            }
        }

        return facts;
    }

    /// <summary>The WHERE of an index definition as pg_get_indexdef writes it, or null.</summary>
    public static string? PredicateOf(string definition) => Index().Match(definition) is { Success: true, Groups: var g } && g[5].Success ? g[5].Value : null;

    public static void AddColumn(IDictionary<string, string> facts, string table, string column, string type, bool notNull, string defaultValue)
    {
        facts[$"{table}: column {column} type"] = type;
        facts[$"{table}: column {column} not null"] = notNull ? "yes" : "no";
        facts[$"{table}: column {column} default"] = defaultValue;
    }

    public static string IndexValue(bool unique, string columns, string method, string? include) =>
        $"{(unique ? "unique " : string.Empty)}({columns}) using {method}{(include is null ? string.Empty : $" include ({include})")}";

    public static string ForeignKeyValue(string columns, string target, string targetColumns, string onDelete, string onUpdate) =>
        $"({columns}) references {target}({targetColumns}) on delete {onDelete} on update {onUpdate}";

    /// <summary>A serial's default names its sequence, which the replay does not model: nextval(&lt;sequence&gt;) on both sides.</summary>
    public static string Sequences(string expression) => Nextval().Replace(expression, "nextval(<sequence>)");

    /// <summary>
    /// An identifier as PostgreSQL's deparser (quote_identifier) writes it: quoted unless plain lower case and not a
    /// keyword PostgreSQL reserves in any way (<paramref name="quotedKeywords"/>: pg_get_keywords() but the unreserved).
    /// </summary>
    public static string Ident(string name, IReadOnlySet<string>? quotedKeywords = null) =>
        PlainIdentifier().IsMatch(name) && quotedKeywords?.Contains(name) != true ? name : "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A table name "schema.table" or "table" as the deparser writes it after REFERENCES.</summary>
    public static string QualifiedIdent(string name, IReadOnlySet<string>? quotedKeywords = null) =>
        name.IndexOf('.', StringComparison.Ordinal) is var at and > 0 ? $"{Ident(name[..at], quotedKeywords)}.{Ident(name[(at + 1)..], quotedKeywords)}" : Ident(name, quotedKeywords);

    private static (string Name, string Definition) Split(string text)
    {
        var at = text.IndexOf(": ", StringComparison.Ordinal);
        return (text[..at], text[(at + 2)..]);
    }

    private static string WithoutDeferrable(string definition) => Deferrable().Replace(definition, string.Empty);

    private static string Action(string tail, string on) =>
        Regex.Match(tail, $@"ON {on} (SET NULL|SET DEFAULT|NO ACTION|RESTRICT|CASCADE)") is { Success: true } m ? m.Groups[1].Value : "NO ACTION";

    [GeneratedRegex(@"^FOREIGN KEY \((.*?)\) REFERENCES (.+?)\((.*?)\)(.*)$")]
    private static partial Regex ForeignKey();

    [GeneratedRegex(@"^CREATE (UNIQUE )?INDEX \S+ ON \S+ USING (\w+) \((.*?)\)(?: INCLUDE \((.*?)\))?(?: WHERE (.*))?$")]
    private static partial Regex Index();

    [GeneratedRegex(@"nextval\('[^']*'::regclass\)")]
    private static partial Regex Nextval();

    [GeneratedRegex(@" (NOT )?DEFERRABLE( INITIALLY (DEFERRED|IMMEDIATE))?")]
    private static partial Regex Deferrable();

    [GeneratedRegex("^[a-z_][a-z0-9_$]*$")]
    private static partial Regex PlainIdentifier();
}
