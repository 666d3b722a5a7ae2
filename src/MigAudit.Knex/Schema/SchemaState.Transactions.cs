using MigAudit.Core;

namespace MigAudit.Knex.Schema;

public sealed partial class SchemaState
{
    /// <summary>The up's raw BEGIN / COMMIT / ROLLBACK statements since the last <see cref="ResetTouched"/>.</summary>
    public List<TransactionStatement> TransactionControl { get; } = [];

    /// <summary>A raw statement that begins, commits or rolls back the transaction: the schema does not change, the rules read it.</summary>
    public void NoteTransactionControl(string statement, int line) =>
        TransactionControl.Add(new TransactionStatement(statement, line) { Helper = Site, Conditional = conditions.Count > 0 });
}
