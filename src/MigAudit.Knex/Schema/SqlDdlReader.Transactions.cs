namespace MigAudit.Knex.Schema;

public static partial class SqlDdlReader
{
    /// <summary>
    /// The statement's transaction-control word when it begins, commits or rolls back the transaction itself: BEGIN,
    /// START (TRANSACTION), COMMIT, END, ROLLBACK, ABORT. ROLLBACK TO [SAVEPOINT] and the PREPARED forms are not: a
    /// savepoint nests inside Knex's transaction. A DO block's BEGIN is a PL/pgSQL block, never this (DO is read apart).
    /// </summary>
    private static string? TransactionControlWord(List<SqlToken> tokens)
    {
        var first = tokens[0];
        if (first.Kind != SqlTokenKind.Word || tokens.Any(t => t.IsWord("TO") || t.IsWord("PREPARED")))
        {
            return null;
        }

        return first.Text.ToUpperInvariant() switch
        {
            "BEGIN" or "COMMIT" or "END" or "ROLLBACK" or "ABORT" => first.Text.ToUpperInvariant(),
            "START" when tokens.Count > 1 && tokens[1].IsWord("TRANSACTION") => "START TRANSACTION",
            _ => null,
        };
    }

    /// <summary>SAVEPOINT, RELEASE [SAVEPOINT] and ROLLBACK TO [SAVEPOINT]: they nest inside Knex's transaction and change no table.</summary>
    private static bool IsSavepoint(List<SqlToken> tokens) =>
        tokens[0].IsWord("SAVEPOINT") || tokens[0].IsWord("RELEASE") || tokens[0].IsWord("ROLLBACK") && tokens.Any(t => t.IsWord("TO"));
}
