namespace MigAudit.Knex.Schema;

public static partial class SqlDdlReader
{
    private sealed partial class Reader
    {
        /// <summary>
        /// CREATE DOMAIN name [AS] type [...] and ALTER DOMAIN name action. No table changes; the actions that test the
        /// domain's values against every column of it (ADD CONSTRAINT without NOT VALID, VALIDATE CONSTRAINT, SET NOT
        /// NULL) are recorded per table. The other actions (defaults, DROP NOT NULL, DROP or RENAME CONSTRAINT, OWNER,
        /// RENAME, SET SCHEMA) test nothing. DROP DOMAIN, which can drop columns with CASCADE, is not read here.
        /// </summary>
        private string? Domain()
        {
            var create = Accept("CREATE");
            if (!create)
            {
                Expect("ALTER");
            }

            Expect("DOMAIN");
            var domain = Name();
            if (create)
            {
                // A CHECK or NOT NULL at the statement's top level (a DEFAULT expression cannot hold either keyword pair).
                var constrained = tokens.Skip(position).Any(t => t.IsWord("CHECK")) ||
                    tokens.Skip(position).Zip(tokens.Skip(position + 1)).Any(p => p.First.IsWord("NOT") && p.Second.IsWord("NULL"));
                state.CreateDomain(domain, constrained, line);
                position = tokens.Count;
                return null;
            }

            string? action = null;
            if (Accept("SET", "NOT", "NULL"))
            {
                action = "SET NOT NULL";
            }
            else if (Accept("VALIDATE", "CONSTRAINT"))
            {
                action = $"VALIDATE CONSTRAINT {Name()}";
            }
            else if (Accept("ADD"))
            {
                var name = Accept("CONSTRAINT") ? Name() : null;
                var notValid = tokens.Count >= 2 && tokens[^2].IsWord("NOT") && tokens[^1].IsWord("VALID");
                if (!notValid && (Is("CHECK") || Is("NOT") && Is("NULL", 1)))
                {
                    action = name is null ? $"ADD {(Is("CHECK") ? "CHECK" : "NOT NULL")}" : $"ADD CONSTRAINT {name}";
                }
            }
            else if (!(Is("SET") || Is("DROP") || Is("RENAME") || Is("OWNER")))
            {
                return $"ALTER DOMAIN {domain} {Peek()} is not read by migaudit";
            }

            if (action is not null)
            {
                state.AlterDomain(domain, action, line);
            }

            position = tokens.Count;
            return null;
        }
    }
}
