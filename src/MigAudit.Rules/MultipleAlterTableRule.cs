using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// One pending migration passes over a table that existed before it several times where one ALTER TABLE would pass
/// once: PostgreSQL does the row work of one statement's actions together (one rewrite for several TYPE changes, the
/// NOT NULL and CHECK tests done during that rewrite or in one scan; relfilenode and pg_stat_user_tables.seq_scan on
/// PostgreSQL 15), and that of separate statements once each. Knex 3.1.0 already merges the columns one table() call
/// adds into one ALTER TABLE, but sends each .alter() column as its own statements (TYPE, then SET NOT NULL), so two
/// .alter() type changes rewrite the table twice. Under Knex's transaction the second statement's lock is already held:
/// only the repeated passes cost, so only they are reported (eugene's W12).
/// </summary>
public sealed class MultipleAlterTableRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "multiple-alter-table",
        Title: "Tables rewritten or scanned more than once by one migration",
        Severity: Severity.Low,
        Blocking: false,
        Summary: "Separate ALTER TABLE statements of one migration rewrite or scan the same existing table again where one statement would pass once.",
        Impact: "Each extra pass copies or reads the whole table again while its ACCESS EXCLUSIVE lock is held: the lock lasts that much longer.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 15,
    };

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        var pending = PendingBatch.Of(input).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var passes = LockOperations.OnExistingTables(input, IsCombinablePass)
            .Where(x => pending.Contains(x.Migration.Name) && !CreatedInBatch(input, x.Operation.Table!, pending))
            .GroupBy(x => (x.Migration.Name, x.Operation.Table));
        foreach (var group in passes)
        {
            var operations = group.Select(x => x.Operation).ToList();
            var statements = operations.Select((o, i) => (Operation: o, Key: StatementOf(o, i))).GroupBy(x => x.Key).ToList();
            if (statements.Count < 2)
            {
                continue;
            }

            var migration = group.First().Migration;
            var knex = operations.Any(o => o.Statement == 0 && o.Kind != LockOperationKind.AddColumn);
            var first = operations[0];
            var table = first.Table!;
            var rewrites = statements.Count(s => s.Any(x => LockEffects.WorkOf(x.Operation) == RowWork.Rewrite));
            var scans = statements.Count - rewrites;
            var listed = string.Join("; ", statements.Select(s =>
                $"{string.Join(", ", s.Select(x => LockEffects.Describe(x.Operation)))} ({HelperSite.Describe(s.First().Operation.Line, s.First().Operation.Helper)}, {(s.Any(x => LockEffects.WorkOf(x.Operation) == RowWork.Rewrite) ? "a rewrite" : "a scan")})"));
            yield return Found(
                $"{migration.Name} passes over {table} {statements.Count} times in separate statements ({Passes(rewrites, scans)}): {listed}. {table} existed before this migration, and PostgreSQL does each statement's row work on its own, under the ACCESS EXCLUSIVE lock; one ALTER TABLE listing all of these actions makes one pass (one rewrite, with the NOT NULL and CHECK tests done during it, or one scan for them all).{(knex ? " Knex sends each .alter() column as separate statements, so the table() builder cannot merge them." : string.Empty)}",
                file: migration.Path,
                line: first.Line,
                helper: first.Helper,
                key: table,
                action: Action(table, operations, knex));
        }
    }

    /// <summary>The actions PostgreSQL tests or rewrites in the same pass when one ALTER TABLE lists them (checked on PostgreSQL 15).</summary>
    private static bool IsCombinablePass(LockOperation operation) =>
        operation.Kind is LockOperationKind.AddColumn or LockOperationKind.AlterColumnType or LockOperationKind.SetNotNull or LockOperationKind.AddCheck &&
        LockEffects.WorkOf(operation) is RowWork.Rewrite or RowWork.Scan;

    /// <summary>
    /// Which statement sent the operation: SQL's own number; for Knex's builder, the columns one table() call adds are
    /// one ALTER TABLE (same call site), every other call its own statement (knex 3.1.0's toSQL()).
    /// </summary>
    private static (int Statement, int Line, string? Helper, int Index) StatementOf(LockOperation operation, int index) =>
        operation.Statement > 0 ? (operation.Statement, 0, null, 0)
        : operation.Kind == LockOperationKind.AddColumn ? (0, operation.Line, operation.Helper?.File, -1)
        : (0, operation.Line, operation.Helper?.File, index);

    private static string Passes(int rewrites, int scans) => string.Join(" and ", new[]
    {
        rewrites == 0 ? null : rewrites == 1 ? "1 rewrite" : $"{rewrites} rewrites",
        scans == 0 ? null : scans == 1 ? "1 scan" : $"{scans} scans",
    }.OfType<string>());

    private static string Action(string table, List<LockOperation> operations, bool knex)
    {
        // The fix is spelt out when every action can be written from what the replay holds; otherwise it is described.
        var parts = operations.Select(o => o switch
        {
            { Kind: LockOperationKind.AlterColumnType, Column: { } column, Type: { } type } when type != "?" =>
                $"ALTER COLUMN {Quoting.SqlIdentifier(column)} TYPE {SqlTypes.Normalize(type)}",
            { Kind: LockOperationKind.SetNotNull, Column: { } column } => $"ALTER COLUMN {Quoting.SqlIdentifier(column)} SET NOT NULL",
            _ => null,
        }).ToList();
        var statement = parts.All(p => p is not null)
            ? $": await knex.raw(`ALTER TABLE {string.Join('.', table.Split('.').Select(Quoting.SqlIdentifier))} {string.Join(", ", parts.Distinct(StringComparer.Ordinal))}`)"
            : " (knex.raw with the actions separated by commas)";
        return $"Send the actions as one ALTER TABLE{statement}{(knex ? ". Knex's .alter() also drops the column's default and NOT NULL unless the builder says them: list in the one statement every action the migration means" : string.Empty)}";
    }

    private static bool CreatedInBatch(AuditInput input, string table, HashSet<string> pending) =>
        input.Schema.Schema.Tables.TryGetValue(table, out var model) && pending.Contains(model.Origin.Migration);
}
