namespace MigAudit.Knex.Schema;

public static partial class SqlDdlReader
{
    private sealed partial class Reader
    {
        /// <summary>The statement has a WHERE of its own (outside parentheses: a subquery's WHERE does not narrow it).</summary>
        private bool HasTopLevelWhere()
        {
            var depth = 0;
            foreach (var token in tokens)
            {
                depth += token.IsPunctuation("(") ? 1 : token.IsPunctuation(")") ? -1 : 0;
                if (depth == 0 && token.IsWord("WHERE"))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
