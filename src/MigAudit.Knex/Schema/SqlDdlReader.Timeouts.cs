namespace MigAudit.Knex.Schema;

public static partial class SqlDdlReader
{
    private sealed partial class Reader
    {
        /// <summary>
        /// SET [LOCAL | SESSION] lock_timeout / statement_timeout {= | TO} value, or SELECT set_config('...', 'value', ...):
        /// the lock rules read them; the schema does not change. A value of 0 turns the timeout off (PostgreSQL's
        /// default), so it is noted as such, not as set; DEFAULT and values the reader cannot see are neither.
        /// </summary>
        private void SessionTimeouts()
        {
            if (Is("SET"))
            {
                var name = Is("LOCAL", 1) || Is("SESSION", 1) ? 2 : 1;
                var value = name + 1 < tokens.Count && (Is("=", name + 1) || Is("TO", name + 1)) ? name + 2 : -1;
                if (name < tokens.Count)
                {
                    Note(tokens[name].Name, value >= 0 && value < tokens.Count ? tokens[value] : null);
                }
            }
            else if (Is("SELECT") && Is("set_config", 1) && Is("(", 2) && tokens.Count > 5 && tokens[3].Kind == SqlTokenKind.String && Is(",", 4))
            {
                Note(StringContent(tokens[3])?.ToLowerInvariant(), tokens[5]);
            }
        }

        private void Note(string? setting, SqlToken? value)
        {
            var off = value is { } token && IsZero(token);
            switch (setting)
            {
                case "lock_timeout" when !off:
                    state.LockTimeoutLine ??= line;
                    break;
                case "statement_timeout" when off:
                    state.StatementTimeoutOffLine ??= line;
                    break;
                case "statement_timeout" when value is { Kind: SqlTokenKind.Number or SqlTokenKind.String }:
                    state.StatementTimeoutLine ??= line;
                    break;
            }
        }

        /// <summary>0, '0', '0ms', '0s', '0min': PostgreSQL reads each as "no timeout".</summary>
        private static bool IsZero(SqlToken token)
        {
            var text = token.Kind switch
            {
                SqlTokenKind.Number => token.Text,
                SqlTokenKind.String => StringContent(token)?.Trim(),
                _ => null,
            };
            if (string.IsNullOrEmpty(text))
            {
                return false;
            }

            var digits = text.TakeWhile(c => char.IsAsciiDigit(c) || c == '.').ToArray();
            return digits.Length > 0 && digits.Any(char.IsAsciiDigit) && digits.Where(char.IsAsciiDigit).All(c => c == '0') &&
                text[digits.Length..].Trim() is "" or "ms" or "s" or "min" or "h" or "d" or "us";
        }
    }
}
