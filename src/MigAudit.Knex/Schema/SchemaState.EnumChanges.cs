using MigAudit.Core;

namespace MigAudit.Knex.Schema;

/// <summary>Changes to native enum types for the enum rules, and the Knex enum alters PostgreSQL refuses.</summary>
public sealed partial class SchemaState
{
    public List<EnumChange> EnumChanges { get; } = [];

    public void NoteEnumChange(EnumChange change) => EnumChanges.Add(change with { Helper = Site });

    /// <summary>A statement PostgreSQL refuses on every database; the message says where and why.</summary>
    public void PostgresRefuses(int line, string message) => Problem(line, message, saysWhereItFails: true);
}
