using Acornima;
using Acornima.Ast;
using MigAudit.Core;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Knex.Schema;

/// <summary>The table builder inside createTable/alterTable callbacks: columns with their modifiers, indexes, keys, drops and renames.</summary>
public sealed partial class KnexSchemaInterpreter
{
    private static readonly HashSet<string> NoEffectTableMethods = ["comment", "queryContext"];

    private static readonly HashSet<string> ReturnsTableBuilder =
        ["index", "unique", "primary", "dropColumn", "dropColumns", "renameColumn", "dropIndex", "dropUnique", "dropForeign", "dropPrimary", "dropTimestamps", "setNullable", "dropNullable"];


    private void TableCallback(Node callback, string table, bool creating, Frame frame)
    {
        var function = callback as IFunction;
        var scope = frame.Scope;
        if (function is null && callback is Identifier named && frame.Lookup(named.Name) is FunctionLocal local)
        {
            (function, scope) = (local.Function, local.Scope);
        }

        if (function is null)
        {
            Gap(callback, frame, "table callback could not be followed", table);
            return;
        }

        var inner = new Frame(scope, frame) { Depth = frame.Depth, Site = HelperSiteOf(scope, frame, callback.Location.Start.Line) };
        if (function.Params.Count > 0 && function.Params[0] is Identifier builder)
        {
            inner.Set(builder.Name, new TableAlias(table, creating));
        }

        Body(function, inner);
    }

    private void TableChain(CallChain chain, TableAlias alias, Frame frame)
    {
        var table = alias.Table;
        var links = chain.Links;
        var builder = alias.Creating ? KnexMembers.Target.CreateTable : KnexMembers.Target.AlterTable;
        if (links.Count == 0 || links[0].Arguments is null)
        {
            if (links.Count == 0 || !MissingMember(builder, links, 0, frame))
            {
                Gap(chain.RootNode, frame, "table builder use not followed", table);
            }

            return;
        }

        var first = links[0];
        var args = first.Arguments!;
        var line = first.Node.Location.Start.Line;
        var modifiers = links.Skip(1).ToList();

        if (KnexColumnTypes.IsColumnMethod(first.Name))
        {
            Column(table, alias.Creating, first, modifiers, frame);
            return;
        }

        // These return the table builder itself (knex 3.1.0 tablebuilder.js, checked with real knex): in
        // t.dropForeign('pid').foreign('pid').references(...) both calls are statements of the table.
        if (ReturnsTableBuilder.Contains(first.Name) && modifiers is [{ Arguments: not null }, ..])
        {
            TableChain(chain with { Links = [first] }, alias, frame);
            TableChain(chain with { Links = modifiers }, alias, frame);
            return;
        }

        switch (first.Name)
        {
            case "timestamps":
                // timestamps(useTimestamps, defaultToNow, useCamelCase), or the same three as one object.
                var flags = args.Select(a => Value(a, frame)).ToList();
                bool Flag(int position, string key) => (flags is [JsObject named, ..] ? named.Get(key) : position < flags.Count ? flags[position] : null) is JsBoolean { Value: true };
                var defaultToNow = Flag(1, "defaultToNow");
                var camel = Flag(2, "useCamelCase");
                var timestampType = KnexColumnTypes.TypeOf(Flag(0, "useTimestamps") ? "timestamp" : "datetime", state.Dialect, []) ?? "?";
                foreach (var column in camel ? new[] { "createdAt", "updatedAt" } : ["created_at", "updated_at"])
                {
                    state.AddColumn(table, column, timestampType, nullable: !defaultToNow, defaultToNow ? "CURRENT_TIMESTAMP" : null, line);
                }

                Understood();
                return;
            case "index" or "unique" when Columns(args, 0, frame) is { } columns:
                // unique(columns, options) takes its options second, where index(columns, name, options) has the name.
                KnexIndex(table, columns, first.Name == "unique", IndexName(args, 1, frame), args.ElementAtOrDefault(first.Name == "unique" ? 1 : 2), line, frame);
                Understood();
                return;
            case "check":
                TableCheck(table, alias.Creating, first, frame);
                return;
            case "dropChecks":
                // dropChecks(names): "alter table drop constraint <name>, ..." with the names unquoted (knex 3.1.0 tablecompiler).
                DropChecks(table, first, frame);
                return;
            case "engine" or "charset" or "collate" or "inherits":
                DialectTableMethod(table, alias.Creating, first, frame);
                return;
            case "primary" when Columns(args, 0, frame) is { } columns:
                // knex names the key itself: constraint "<table>_pkey" primary key (...).
                state.NoteIdentifier("primary key", table, IndexName(args, 1, frame) ?? $"{table[(table.LastIndexOf('.') + 1)..]}_pkey", line, generated: IndexName(args, 1, frame) is null);
                state.SetPrimaryKey(table, columns, line, IndexName(args, 1, frame));
                Understood();
                return;
            case "foreign" when Columns(args, 0, frame) is { } columns:
                ForeignKey(table, columns, IndexName(args, 1, frame), modifiers, line, frame);
                return;
            case "dropColumn" or "dropColumns":
                foreach (var argument in args)
                {
                    if (Value(argument, frame) is JsString column)
                    {
                        state.DropColumn(table, column.Value, ifExists: false, line);
                    }
                    else if (Value(argument, frame) is JsArray many)
                    {
                        foreach (var item in many.Items.OfType<JsString>())
                        {
                            state.DropColumn(table, item.Value, ifExists: false, line);
                        }
                    }
                }

                Understood();
                return;
            case "renameColumn" when Text(args, 0, frame) is { } from && Text(args, 1, frame) is { } to:
                state.RenameColumn(table, from, to, line);
                Understood();
                return;
            case "dropIndex" or "dropUnique":
                state.DropIndex(table, Columns(args, 0, frame), IndexName(args, 1, frame), first.Name == "dropUnique", ifExists: false, line);
                Understood();
                return;
            case "dropForeign":
                state.DropForeignKey(table, Columns(args, 0, frame), IndexName(args, 1, frame), line);
                Understood();
                return;
            case "dropPrimary":
                state.DropPrimaryKey(table, line);
                Understood();
                return;
            case "dropTimestamps":
                state.DropColumn(table, "created_at", ifExists: false, line);
                state.DropColumn(table, "updated_at", ifExists: false, line);
                Understood();
                return;
            case "setNullable" or "dropNullable" when Text(args, 0, frame) is { } column:
                state.AlterColumn(table, column, null, first.Name == "setNullable", null, false, line);
                Understood();
                return;
        }

        if (NoEffectTableMethods.Contains(first.Name))
        {
            Understood();
            return;
        }

        if (!MissingMember(builder, links, 0, frame))
        {
            Gap(first.Node, frame, $"table.{first.Name}() with these arguments is not followed by the replay", table);
        }
    }

    private void Column(string table, bool creating, Link type, List<Link> modifiers, Frame frame)
    {
        // references() hands back knex's foreign-key builder (with the column builder's methods mixed in): the names
        // after it are that builder's, which the member lists do not hold.
        var columnLinks = modifiers.TakeWhile(m => m.Name != "references").ToList();
        for (var at = 0; at < columnLinks.Count; at++)
        {
            if (MissingMember(creating ? KnexMembers.Target.CreateColumn : KnexMembers.Target.AlterColumn, columnLinks, at, frame))
            {
                return;
            }
        }

        var args = type.Arguments!;
        var line = type.Node.Location.Start.Line;
        var increments = KnexColumnTypes.IsIncrements(type.Name);
        var name = Text(args, 0, frame) ?? (increments && (args.Count == 0 || Value(args[0], frame) is JsUndefined or JsNull) ? "id" : null);
        if (name is null)
        {
            Gap(type.Node, frame, "column name not statically known", table);
            return;
        }

        var typeArguments = args.Skip(1).Select(a => Value(a, frame)).ToList();
        var options = typeArguments.Count > 0 ? typeArguments[0] as JsObject : null;
        var sqlType = KnexColumnTypes.TypeOf(type.Name, state.Dialect, typeArguments);
        if (sqlType is null)
        {
            if (state.Dialect == SqlDialect.Unknown)
            {
                Gap(type.Node, frame, $"the type Knex gives table.{type.Name}() depends on the database client, which is not known", table);
                return;
            }

            // Knex lists the method but the dialect's column compiler does not define it: it writes the type "undefined".
            state.Problems.Add(new ChainProblem(line, $"table.{type.Name}('{name}'): Knex 3 cannot compile this column for {state.Dialect} (it writes the type \"undefined\", which the database refuses, or throws while compiling); use table.specificType('{name}', '<type>')"));
            sqlType = "?";
        }

        var nullable = !increments;

        // .nullable() said outright: the DROP NOT NULL of an .alter() is then what the author asked for.
        var saidNullable = false;
        string? defaultValue = null;

        // increments() is the primary key unless { primaryKey: false } (SQLite's autoincrement column always is); uuid() only with { primaryKey: true }.
        var primary = increments && (state.Dialect == SqlDialect.SQLite || options?.Get("primaryKey") is not JsBoolean { Value: false }) ||
                      type.Name == "uuid" && options?.Get("primaryKey") is JsBoolean { Value: true };
        var alter = false;
        var explicitPrimary = false;
        string? primaryName = null;
        var keepNullability = false;
        var keepType = false;
        var unique = false;
        string? uniqueName = null;
        var index = false;
        string? indexName = null;
        Node? indexOptions = null;
        Link? columnCheck = null;
        foreach (var modifier in modifiers)
        {
            var margs = modifier.Arguments ?? [];
            switch (modifier.Name)
            {
                // Knex's ColumnBuilder aliases (knex 3.1.0 lib/schema/columnbuilder.js): notNull is notNullable, default
                // and defaultsTo are defaultTo; each pair compiles to the same SQL (checked with knex's toSQL()).
                case "notNullable" or "notNull":
                    nullable = false;
                    break;
                case "nullable":
                    // nullable(false) is what notNullable() calls: the column compiler writes "not null" for false.
                    nullable = margs.Count == 0 || Value(margs[0], frame) is not JsBoolean { Value: false };
                    saidNullable = nullable;
                    break;
                case "defaultTo" or "default" or "defaultsTo":
                    defaultValue = margs.Count > 0 ? DefaultText(margs[0], frame) : null;
                    break;
                case "primary":
                    primary = true;
                    explicitPrimary = true;
                    primaryName = IndexName(margs, 0, frame);
                    nullable = false;
                    break;
                case "unique":
                    unique = true;
                    uniqueName = IndexName(margs, 0, frame);
                    break;
                case "index":
                    // index(name, method | options) is the table's index(column, name, options).
                    index = true;
                    indexName = IndexName(margs, 0, frame);
                    indexOptions = margs.ElementAtOrDefault(1);
                    break;
                case "check":
                    columnCheck = modifier;
                    break;
                case "alter":
                    alter = true;

                    // alter({ alterNullable: false, alterType: false }): knex sends no SET/DROP NOT NULL, no TYPE
                    // (knex 3.1.0 columncompiler's alter options, checked with real knex).
                    var alterOptions = margs.Count > 0 ? Value(margs[0], frame) as JsObject : null;
                    keepNullability = alterOptions?.Get("alterNullable") is JsBoolean { Value: false };
                    keepType = alterOptions?.Get("alterType") is JsBoolean { Value: false };
                    break;
                case "unsigned" when state.Dialect == SqlDialect.MySQL && !sqlType.EndsWith(" unsigned", StringComparison.Ordinal):
                    // Knex writes "unsigned" only for MySQL; the other column compilers ignore it.
                    sqlType += " unsigned";
                    break;
            }
        }

        if (alter)
        {
            if (type.Name is "enu" or "enum" && state.Dialect == SqlDialect.PostgreSQL && !keepType)
            {
                EnumAlter(table, name, typeArguments, line);
            }

            state.AlterColumn(table, name, keepType ? null : sqlType, keepNullability ? null : nullable, defaultValue, defaultValue is null, line, saidNullable);
        }
        else
        {
            state.AddColumn(table, name, sqlType, nullable && !primary, defaultValue, line);
        }

        if (!alter && type.Name is "enu" or "enum" && state.Dialect is not (SqlDialect.MySQL or SqlDialect.MSSQL) &&
            !(typeArguments.Count > 1 && typeArguments[1] is JsObject enumOptions && enumOptions.Get("useNative") is JsBoolean { Value: true }))
        {
            // Knex sends "<column>" text check ("<column>" in (...)) (checked with knex's toString()); PostgreSQL
            // names that column constraint <table>_<column>_check, which later migrations drop by that name.
            state.AddCheck(table, state.Dialect == SqlDialect.PostgreSQL ? state.ColumnCheckName(table, name) : $"{table}_{name}_check", line);
        }

        // knex writes no modifier but comment() for an increments column (columncompiler getModifiers, checked with real knex).
        if (!increments)
        {
            if (columnCheck is not null)
            {
                ColumnCheckThrows(columnCheck);
            }

            var checkedType = alter && keepType ? state.Current.Table(table)?.Column(name)?.Type ?? "?" : sqlType;
            ColumnChecks(table, name, checkedType, alter, modifiers, type, frame);
        }

        // An altered column gets the key, unique constraint, index and foreign key its modifiers ask for, after the
        // ALTER COLUMN statements (checked with real knex); increments() is the key only when the column is added.
        if (alter ? explicitPrimary : primary)
        {
            if (explicitPrimary)
            {
                // .primary() names the key constraint "<table>_pkey" unless given a name; increments() leaves it to PostgreSQL,
                // which shortens the table part.
                state.NoteIdentifier("primary key", table, primaryName ?? $"{table[(table.LastIndexOf('.') + 1)..]}_pkey", line, generated: primaryName is null);
            }

            state.SetPrimaryKey(table, [name], line);
        }

        if (unique)
        {
            state.AddIndex(table, [name], unique: true, uniqueName, line, asConstraint: true);
        }

        if (index)
        {
            KnexIndex(table, [name], uniqueCall: false, indexName, indexOptions, line, frame);
        }

        var reference = ReadReference(modifiers, frame);
        if (reference.References is not null)
        {
            if (reference.Table is null)
            {
                Gap(type.Node, frame, "references() without a table", table);
                return;
            }

            state.AddForeignKey(table, [name], reference.Table, [reference.Column!], reference.OnDelete, reference.OnUpdate, reference.KeyName, line);
        }

        Understood();
    }

    private void ForeignKey(string table, IReadOnlyList<string> columns, string? name, List<Link> modifiers, int line, Frame frame)
    {
        var reference = ReadReference(modifiers, frame);
        if (reference.Table is null || reference.Columns is not { } referenced)
        {
            total++;
            gaps.Add(new NotUnderstood(line, $"foreign({string.Join(", ", columns)})", "foreign() without a statically known references()/inTable()"));
            state.MarkUnknown(state.NewUncertainty(line, "not followed by the replay: foreign() without a statically known references()/inTable()"), table);
            return;
        }

        state.AddForeignKey(table, columns, reference.Table, referenced, reference.OnDelete, reference.OnUpdate, reference.KeyName ?? name, line);
        Understood();
    }

    /// <summary>A foreign key's target and actions, as written with references('t.c') or references('c').inTable('t'), onDelete, onUpdate.</summary>
    private sealed record Reference(string? References, string? InTable, string? OnDelete, string? OnUpdate)
    {
        /// <summary>withKeyName('fk_name'): the constraint's name instead of Knex's generated one.</summary>
        public string? KeyName { get; init; }

        public string? Table => References is not null && References.Contains('.', StringComparison.Ordinal) ? References[..References.LastIndexOf('.')] : InTable;

        public string? Column => References is not null && References.Contains('.', StringComparison.Ordinal) ? References[(References.LastIndexOf('.') + 1)..] : References;

        /// <summary>references(['a', 'b']): a composite key's referenced columns (Knex columnizes the array).</summary>
        public IReadOnlyList<string>? Composite { get; init; }

        public IReadOnlyList<string>? Columns => Composite ?? (Column is { } column ? [column] : null);
    }

    private Reference ReadReference(IEnumerable<Link> modifiers, Frame frame)
    {
        var reference = new Reference(null, null, null, null);
        foreach (var modifier in modifiers)
        {
            var args = modifier.Arguments ?? [];
            reference = modifier.Name switch
            {
                "references" when Text(args, 0, frame) is { } one => reference with { References = one },
                "references" => reference with { Composite = Columns(args, 0, frame) },

                // Knex's foreign().references(c) returns on(t), with inTable(t) as its alias.
                "inTable" or "on" => reference with { InTable = Text(args, 0, frame) },
                "withKeyName" => reference with { KeyName = Text(args, 0, frame) },
                "onDelete" => reference with { OnDelete = Text(args, 0, frame)?.ToUpperInvariant() },
                "onUpdate" => reference with { OnUpdate = Text(args, 0, frame)?.ToUpperInvariant() },
                _ => reference,
            };
        }

        return reference;
    }


    /// <summary>A column default as SQL: knex.raw('sql') is the SQL, knex.fn.now() is CURRENT_TIMESTAMP, values are literals.</summary>
    /// <summary>How a default the replay cannot evaluate (read from the environment, computed) is shown: never as SQL.</summary>
    public const string UnknownDefaultPrefix = "unknown (";

    private string DefaultText(Node node, Frame frame)
    {
        if (node is CallExpression { Callee: MemberExpression { Property: Identifier { Name: "raw" } } } raw && raw.Arguments.Count > 0 && Value(raw.Arguments[0], frame) is JsString sql)
        {
            return sql.Value;
        }

        if (node is CallExpression { Callee: MemberExpression { Property: Identifier { Name: "now" } } } now)
        {
            // knex.fn.now(6) is CURRENT_TIMESTAMP(6).
            return now.Arguments.Count > 0 && Value(now.Arguments[0], frame) is JsNumber precision ? $"CURRENT_TIMESTAMP({precision})" : "CURRENT_TIMESTAMP";
        }

        // knex.fn.uuid() is (gen_random_uuid()) on PostgreSQL (checked with knex's toString()); the other dialects' forms differ.
        if (node is CallExpression { Callee: MemberExpression { Object: MemberExpression { Property: Identifier { Name: "fn" } }, Property: Identifier { Name: "uuid" } } } &&
            state.Dialect == SqlDialect.PostgreSQL)
        {
            return "(gen_random_uuid())";
        }

        return Value(node, frame) switch
        {
            JsString s => "'" + s.Value.Replace("'", "''", StringComparison.Ordinal) + "'",
            // knex writes a number as a string literal (default '0', checked with knex 3.1.0's toString() for pg,
            // mysql2 and better-sqlite3): PostgreSQL casts it to the column's type, so '0' on a boolean is false and
            // '0'::bigint is the default it stores, where a bare 0 would be an integer (refused on a boolean).
            JsNumber n => "'" + n.ToString() + "'",
            JsBoolean b => b.Value ? "true" : "false",
            JsNull => "NULL",
            _ => UnknownDefaultPrefix + frame.Scope.TextOf(node).ReplaceLineEndings(" ") + ")",
        };
    }

    private string? Text(IReadOnlyList<Node> args, int index, Frame frame) =>
        index < args.Count && Value(args[index], frame) is JsString s ? s.Value : null;

    private List<string>? Columns(IReadOnlyList<Node> args, int index, Frame frame) => index < args.Count
        ? Value(args[index], frame) switch
        {
            JsString s => [s.Value],
            JsArray a when a.Items.All(i => i is JsString) => a.Items.Cast<JsString>().Select(i => i.Value).ToList(),
            _ => null,
        }
        : null;

    /// <summary>An explicit index name: a string, or { indexName } / { constraintName } options.</summary>
    private string? IndexName(IReadOnlyList<Node> args, int index, Frame frame) => index < args.Count
        ? Value(args[index], frame) switch
        {
            JsString s => s.Value,
            JsObject o when o.Get("indexName") is JsString n => n.Value,
            JsObject o when o.Get("constraintName") is JsString n => n.Value,
            _ => null,
        }
        : null;
}
