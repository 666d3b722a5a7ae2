using MigAudit.Core;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Knex.Schema;

/// <summary>
/// CHECK constraints Knex writes: the column modifiers checkPositive ... checkRegex and table.check(), and the table
/// methods knex throws on for a dialect (engine, charset, collate, inherits). Each fact here was checked with real
/// knex 3.1.0 on PostgreSQL 15 (tests/MigAudit.Tests/Conformance).
/// </summary>
public sealed partial class KnexSchemaInterpreter
{
    /// <summary>knex's column check modifiers, in the order its column compiler writes them, with where each takes its constraint name.</summary>
    private static readonly (string Method, int NameArgument)[] CheckModifiers =
        [("checkPositive", 0), ("checkNegative", 0), ("checkIn", 1), ("checkNotIn", 1), ("checkBetween", 1), ("checkLength", 2), ("checkRegex", 1)];

    private static readonly HashSet<string> ComparisonOperators = ["=", "<", ">", "<=", ">=", "<>", "!="];

    /// <summary>
    /// column.check(): ColumnBuilder lists it, but no column compiler defines it, so compiling the column calls
    /// undefined.apply (knex 3.1.0 columncompiler getModifiers, every built-in dialect): a TypeError, and the migration fails.
    /// </summary>
    private void ColumnCheckThrows(Link check)
    {
        if (state.Dialect == SqlDialect.Unknown)
        {
            return;
        }

        state.KnexThrows(check.Node.Location.Start.Line,
            "column.check(): knex 3.1.0 has no column check() to compile: building the table throws \"TypeError: Cannot read properties of undefined (reading 'apply')\" and the migration fails; use table.check('<sql>', [], '<name>') or a modifier such as checkPositive()/checkIn()");
    }

    /// <summary>
    /// The column's check modifiers. knex keeps the last call of each and writes them in its own order (check,
    /// checkPositive, checkNegative, checkIn, checkNotIn, checkBetween, checkLength, checkRegex), and ignores them on
    /// increments columns. A new column gets inline "check (...)" (or "constraint name check (...)"), which PostgreSQL
    /// names &lt;table&gt;_&lt;column&gt;_check, _check1...; an altered one gets "alter table add constraint
    /// &lt;table&gt;_&lt;column&gt;_&lt;n&gt; check(...)", n counting the unnamed ones. Names are written unquoted.
    /// </summary>
    private void ColumnChecks(string table, string column, string sqlType, bool alter, IReadOnlyList<Link> modifiers, Link type, Frame frame)
    {
        var last = new Dictionary<string, Link>(StringComparer.Ordinal);
        foreach (var modifier in modifiers.Where(m => CheckModifiers.Any(c => c.Method == m.Name)))
        {
            last[modifier.Name] = modifier;
        }

        var line = type.Node.Location.Start.Line;
        var unnamed = 0;
        foreach (var (method, nameArgument) in CheckModifiers)
        {
            if (!last.TryGetValue(method, out var modifier))
            {
                continue;
            }

            var args = modifier.Arguments ?? [];
            if (state.Dialect != SqlDialect.PostgreSQL)
            {
                // Other databases name (or ignore) checks their own way: the table has a check the replay does not name.
                state.AddCheck(table, null, line);
                continue;
            }

            if (CheckRefused(method, args, sqlType, frame) is { } why)
            {
                Gap(modifier.Node, frame, $"{method}() on column {column}: {why}", table);
                continue;
            }

            var given = nameArgument < args.Count ? Value(args[nameArgument], frame) : null;
            string? name;
            if (given is null or JsUndefined or JsNull or JsString { Value: "" } or JsBoolean { Value: false })
            {
                var knexTable = state.Naming is { } naming && naming.Table == table ? naming.Naming : table;
                name = !alter ? state.ColumnCheckName(table, column)
                    : knexTable.Contains('.', StringComparison.Ordinal) ? null : SchemaState.UnquotedName($"{knexTable}_{column}_{++unnamed}");
            }
            else
            {
                name = given is JsString written ? SchemaState.UnquotedName(written.Value) : null;
            }

            if (name is null)
            {
                Gap(modifier.Node, frame, $"{method}() on column {column}: knex writes the constraint name unquoted, and this one is not a plain identifier PostgreSQL reads as a name (or it is not statically known)", table);
                continue;
            }

            state.AddCheck(table, name, line);
        }
    }

    /// <summary>Why PostgreSQL may refuse the check knex writes, or null when it accepts it (the expression fits the column's type).</summary>
    private string? CheckRefused(string method, IReadOnlyList<Acornima.Ast.Node> args, string sqlType, Frame frame)
    {
        var type = sqlType.ToLowerInvariant();
        var numeric = type.StartsWith("integer", StringComparison.Ordinal) || type.StartsWith("bigint", StringComparison.Ordinal) ||
                      type.StartsWith("smallint", StringComparison.Ordinal) || type.StartsWith("real", StringComparison.Ordinal) ||
                      type.StartsWith("double precision", StringComparison.Ordinal) || type.StartsWith("decimal", StringComparison.Ordinal) ||
                      type.StartsWith("numeric", StringComparison.Ordinal);
        var text = type.StartsWith("varchar", StringComparison.Ordinal) || type.StartsWith("character varying", StringComparison.Ordinal) ||
                   type == "text";
        var values = args.Select(a => Value(a, frame)).ToList();
        StaticValue? Arg(int i) => i < values.Count ? values[i] : null;
        bool Numbers(StaticValue? value, int count) => value is JsArray { Items: var items } && items.Count == count && items.All(i => i is JsNumber);
        var fits = method switch
        {
            "checkPositive" or "checkNegative" => numeric,
            "checkIn" or "checkNotIn" => Arg(0) is JsArray { Items: { Count: > 0 } items } &&
                                         (text && items.All(i => i is JsString) || numeric && items.All(i => i is JsNumber)),
            "checkBetween" => numeric && (Numbers(Arg(0), 2) || Arg(0) is JsArray { Items: { Count: > 0 } intervals } && intervals.All(i => Numbers(i, 2))),
            "checkLength" => text && Arg(0) is JsString { Value: var op } && ComparisonOperators.Contains(op) && Arg(1) is JsNumber,
            "checkRegex" => text && Arg(0) is JsString,
            _ => false,
        };
        return fits ? null : $"the check's expression on a {sqlType} column with these arguments is not modeled (PostgreSQL may refuse it, as it refuses checkPositive() on a varchar)";
    }

    /// <summary>
    /// table.check(sql, bindings, name). In createTable knex writes "[constraint name] check (sql with bindings)"
    /// inside the table; in alterTable "alter table add constraint &lt;name&gt; check(sql)" without the bindings, and
    /// without a name it writes "&lt;quoted table&gt;_1", which PostgreSQL refuses (syntax error at or near "_1").
    /// </summary>
    private void TableCheck(string table, bool creating, Link check, Frame frame)
    {
        var args = check.Arguments!;
        var line = check.Node.Location.Start.Line;
        if (state.Dialect != SqlDialect.PostgreSQL)
        {
            state.AddCheck(table, null, line);
            Understood();
            return;
        }

        var sql = Text(args, 0, frame);
        var given = args.Count > 2 ? Value(args[2], frame) : null;
        var unnamed = given is null or JsUndefined or JsNull or JsString { Value: "" } or JsBoolean { Value: false };
        if (sql is null || !creating && sql.Contains('?', StringComparison.Ordinal))
        {
            Gap(check.Node, frame, "table.check() with an expression not statically known, or with bindings in alterTable (knex does not bind them there)", table);
            return;
        }

        if (unnamed && !creating)
        {
            var quoted = Quoting.SqlIdentifier(state.Naming is { } naming && naming.Table == table ? naming.Naming : table);
            state.KnexThrows(line, $"table.check() without a constraint name in alterTable: knex 3.1.0 writes add constraint {quoted}_1, which PostgreSQL refuses (syntax error at or near \"_1\"); give the check a name");
            Understood();
            return;
        }

        if (unnamed)
        {
            // PostgreSQL names it after the one column the expression uses, else <table>_check: the replay does not parse the SQL.
            state.AddCheck(table, null, line);
            Understood();
            return;
        }

        if ((given as JsString) is not { } written || SchemaState.UnquotedName(written.Value) is not { } name)
        {
            Gap(check.Node, frame, "table.check(): knex writes the constraint name unquoted, and this one is not a plain identifier PostgreSQL reads as a name (or it is not statically known)", table);
            return;
        }

        state.AddCheck(table, name, line);
        Understood();
    }

    private void DropChecks(string table, Link drop, Frame frame)
    {
        var args = drop.Arguments!;
        var names = args.Count == 0 ? new JsArray([]) : Value(args[0], frame);
        var written = names switch
        {
            JsUndefined => [],
            JsString one => [one],
            JsArray { Items: var items } when items.All(i => i is JsString) => items.Cast<JsString>().ToList(),
            _ => null,
        };
        var folded = written?.Select(w => SchemaState.UnquotedName(w.Value)).ToList();
        if (folded is null || folded.Any(n => n is null) || state.Dialect != SqlDialect.PostgreSQL)
        {
            Gap(drop.Node, frame, "table.dropChecks() with names not statically known or not plain identifiers", table);
            return;
        }

        foreach (var name in folded)
        {
            state.DropConstraint(table, name!, ifExists: false, drop.Node.Location.Start.Line);
        }

        Understood();
    }

    /// <summary>
    /// engine, charset and collate are MySQL's, inherits PostgreSQL's: on another client knex throws "Knex only supports
    /// &lt;method&gt; statement with &lt;dialect&gt;.", and in alterTable "Knex does not support altering the &lt;method&gt; outside of
    /// create table, please use knex.raw statement." (knex 3.1.0 tablebuilder.js, checked with real knex).
    /// </summary>
    private void DialectTableMethod(string table, bool creating, Link call, Frame frame)
    {
        var home = call.Name == "inherits" ? SqlDialect.PostgreSQL : SqlDialect.MySQL;
        var line = call.Node.Location.Start.Line;
        if (state.Dialect == SqlDialect.Unknown)
        {
            // Which client runs decides whether knex throws: the replay does not claim either.
            Understood();
            return;
        }

        if (state.Dialect != home)
        {
            state.KnexThrows(line, $"table.{call.Name}(): Knex only supports {call.Name} statement with {(home == SqlDialect.PostgreSQL ? "postgresql" : "mysql")}. (knex throws while building the table, so the migration fails)");
            Understood();
            return;
        }

        if (!creating)
        {
            state.KnexThrows(line, $"table.{call.Name}(): Knex does not support altering the {call.Name} outside of create table, please use knex.raw statement. (knex throws while building the table, so the migration fails)");
            Understood();
            return;
        }

        if (call.Name == "inherits")
        {
            // PostgreSQL merges the parent's columns (with their NOT NULL, defaults and CHECKs) into the new table.
            Gap(call.Node, frame, "table.inherits(): PostgreSQL merges the parent table's columns into this one; the replay does not model inheritance", table);
            return;
        }

        Understood();
    }
}
