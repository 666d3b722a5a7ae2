using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// ALTER TYPE ... ADD VALUE, then the new value used in the same transaction: PostgreSQL refuses it until the adding
/// transaction commits ("unsafe use of new value", 55P04). Knex runs a migration in one transaction, and migrate:latest
/// the whole pending batch in one when no migration sets transaction: false: a later pending migration that writes the
/// value fails the deploy (checked with real knex 3.1.0 on PostgreSQL 15). Certain when the value is written into, or
/// compared with, a column the replay knows is of that enum type; possible when only the string is seen.
/// </summary>
public sealed class EnumValueUsedInSameTransactionRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "enum-value-used-in-same-transaction",
        Title: "Enum values used in the transaction that added them",
        Severity: Severity.High,
        Blocking: true,
        Summary: "A value added with ALTER TYPE ... ADD VALUE is used before the transaction that added it commits: PostgreSQL refuses it (55P04).",
        Impact: "knex migrate:latest fails with \"unsafe use of new value\" and rolls the batch back.")
    {
        Category = RuleCategory.Migrations,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 15,
    };

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        var migrations = input.Migrations.ToDictionary(m => m.Name, StringComparer.Ordinal);
        var pending = PendingBatch.Of(input);
        var batchInOneTransaction = pending.Count > 1 && PendingBatch.OneTransaction(input, pending);
        var inBatch = pending.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var added = new List<(Migration Migration, EnumValueAdded Add)>();
        foreach (var replay in input.Schema.Migrations)
        {
            if (!migrations.TryGetValue(replay.Migration, out var migration))
            {
                continue;
            }

            var reported = new HashSet<string>(StringComparer.Ordinal);
            foreach (var use in replay.EnumValueUses)
            {
                var add = added.LastOrDefault(a => a.Add.Value == use.Value && SameTransaction(a.Migration, migration));
                if (add.Migration is null)
                {
                    // In this migration: the add comes before the use.
                    var here = replay.EnumValuesAdded.LastOrDefault(a => a.Value == use.Value && (a.Line < use.Line || a.Helper != use.Helper));
                    if (here is null || !SameTransaction(migration, migration))
                    {
                        continue;
                    }

                    add = (migration, here);
                }

                if (!reported.Add(use.Value))
                {
                    continue;
                }

                yield return FindingFor(add.Migration, add.Add, migration, use, input, pending.Count);
            }

            added.AddRange(replay.EnumValuesAdded.Select(a => (migration, a)));
        }

        bool SameTransaction(Migration adding, Migration usingMigration) => adding.Name == usingMigration.Name
            ? !adding.Module.DisablesTransaction && !input.Project.Settings.DisableTransactions
            : batchInOneTransaction && inBatch.Contains(adding.Name) && inBatch.Contains(usingMigration.Name);
    }

    private Finding FindingFor(Migration adding, EnumValueAdded add, Migration migration, EnumValueUse use, AuditInput input, int pendingCount)
    {
        var typed = use.ColumnType is { } type && Bare(type) == Bare(add.Type);
        var certain = typed && !use.Conditional && !add.Conditional;
        var where = adding.Name == migration.Name
            ? $"earlier in the same migration ({HelperSite.Describe(add.Line, add.Helper)}): Knex runs a migration in one transaction"
            : $"by {adding.Name} ({HelperSite.Describe(add.Line, add.Helper)}), and both are pending migrations {PendingBatch.Since(input)}: none of the {pendingCount} sets transaction: false, so knex migrate:latest runs them in one transaction";
        var how = typed
            ? $"uses '{use.Value}' as a value of {use.Table}.{use.Column}, a {add.Type} column ({HelperSite.Describe(use.Line, use.Helper)})"
            : $"uses the string '{use.Value}' ({HelperSite.Describe(use.Line, use.Helper)})";
        var consequence = typed
            ? $"PostgreSQL refuses a new enum value until the transaction that added it commits: the statement fails with \"unsafe use of new value \\\"{use.Value}\\\" of enum type {add.Type}\" (55P04), and migrate:latest stops and rolls back."
            : $"if PostgreSQL reads it as a {add.Type} value there, it refuses it until the transaction that added it commits (\"unsafe use of new value\", 55P04), and migrate:latest stops and rolls back; as text elsewhere it is harmless.";
        return Found(
            $"{migration.Name} {how}, and '{use.Value}' was added to {add.Type} with ALTER TYPE ... ADD VALUE {where}. {consequence}{(use.Conditional || add.Conditional ? " One of the statements is inside a condition migaudit cannot decide." : string.Empty)}",
            file: migration.Path,
            line: use.Line,
            helper: use.Helper,
            severity: certain ? Severity.High : Severity.Medium,
            blocking: certain,
            predictsKnexFailure: certain,
            key: $"{add.Type}/{use.Value}",
            related: adding.Name == migration.Name ? null : [adding.Path],
            action: $"Add the value in a migration of its own with exports.config = {{ transaction: false }} (ALTER TYPE ... ADD VALUE then commits at once, and Knex gives every other migration of the batch a transaction of its own), and use it in a later migration");
    }

    /// <summary>A type name as the model and a column compare it: unquoted, without its schema, lower case.</summary>
    private static string Bare(string type)
    {
        var name = type.Trim().Trim('"');
        var dot = name.LastIndexOf('.');
        return (dot >= 0 ? name[(dot + 1)..] : name).Trim('"').ToLowerInvariant();
    }
}
