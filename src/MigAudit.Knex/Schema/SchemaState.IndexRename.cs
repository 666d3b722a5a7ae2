using MigAudit.Core;

namespace MigAudit.Knex.Schema;

public sealed partial class SchemaState
{
    /// <summary>
    /// ALTER INDEX [IF EXISTS] from RENAME TO to. PostgreSQL renames the index where it stands; the index of a unique or
    /// primary key constraint renames the constraint with it (checked on PostgreSQL 15). Only index facts change: the
    /// table's columns stay known, which a raw ALTER INDEX left unknown before.
    /// </summary>
    public void RenameIndex(string from, string to, bool ifExists, int line)
    {
        var oldName = Identifier(from)!;
        var newName = Identifier(to)!;
        var owner = Current.IndexOwners.TryGetValue(oldName, out var ownerName) ? Current.Table(ownerName) : null;
        if (owner is null)
        {
            // A primary key's index is named <table>_pkey when the key is made, and keeps that name when the table is
            // renamed: the model does not hold primary key names, so it cannot say such an index is missing.
            if (ifExists || oldName.EndsWith("_pkey", StringComparison.Ordinal))
            {
                return;
            }

            if (CouldHaveMade(null) is { } why)
            {
                Unknown(line, $"alter index \"{oldName}\" rename: fails unless {why.Describe()} made it", why);
                return;
            }

            Problem(line, $"alter index \"{oldName}\" rename to \"{newName}\": no such index at this point (PostgreSQL: relation \"{oldName}\" does not exist)");
            return;
        }

        if (Current.IndexOwners.ContainsKey(newName) || Current.Table(newName) is not null)
        {
            Problem(line, $"alter index \"{oldName}\" rename to \"{newName}\": PostgreSQL refuses it (relation \"{newName}\" already exists)");
            return;
        }

        Update(owner with { Indexes = owner.Indexes.Select(i => i.Name == oldName ? i with { Name = newName, ExplicitName = true } : i).ToList() });
    }

    /// <summary>
    /// ALTER TABLE t RENAME CONSTRAINT from TO to: a unique or primary key constraint's index takes the new name with it;
    /// a foreign key or check is renamed. A name the table does not hold fails (PostgreSQL: constraint "from" for table
    /// "t" does not exist), unless something unknown could have made it.
    /// </summary>
    public void RenameConstraint(string table, string from, string to, int line)
    {
        if (Require(table, line, $"rename constraint {from} on {table}") is not { } model)
        {
            return;
        }

        var oldName = Identifier(from)!;
        var newName = Identifier(to)!;
        if (model.Indexes.Any(i => i.Name == oldName && i.Constraint))
        {
            RenameIndex(oldName, newName, ifExists: false, line);
            return;
        }

        if (model.ForeignKeys.Any(f => f.Name == oldName))
        {
            Update(model with { ForeignKeys = model.ForeignKeys.Select(f => f.Name == oldName ? f with { Name = newName } : f).ToList() });
            return;
        }

        if (model.Checks.Contains(oldName))
        {
            Update(model with { Checks = model.Checks.Select(c => c == oldName ? newName : c).ToList() });
            return;
        }

        if (oldName.EndsWith("_pkey", StringComparison.Ordinal) && model.PrimaryKey.Count > 0)
        {
            // The primary key's constraint: its name is not modelled (see RenameIndex).
            return;
        }

        if ((Current.UncertaintyOf(model) ?? CouldHaveMade(model)) is { } why)
        {
            Unknown(line, $"rename constraint \"{oldName}\" on {table}: fails unless {why.Describe()} made it", why);
            return;
        }

        Problem(line, $"rename constraint \"{oldName}\" on {table}: PostgreSQL refuses it (constraint \"{oldName}\" for table \"{table}\" does not exist)");
    }
}
