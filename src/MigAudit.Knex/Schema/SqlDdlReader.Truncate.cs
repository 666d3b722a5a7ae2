namespace MigAudit.Knex.Schema;

public static partial class SqlDdlReader
{
    private sealed partial class Reader
    {
        /// <summary>TRUNCATE [TABLE] [ONLY] name [*] [, ...] [RESTART IDENTITY | CONTINUE IDENTITY] [CASCADE | RESTRICT].</summary>
        private string? Truncate()
        {
            Expect("TRUNCATE");
            Accept("TABLE");
            var tables = new List<string>();
            do
            {
                Accept("ONLY");
                tables.Add(TableName());
                Accept("*");
            }
            while (Accept(","));

            if (!Accept("RESTART", "IDENTITY"))
            {
                Accept("CONTINUE", "IDENTITY");
            }

            var cascade = Accept("CASCADE");
            if (!cascade)
            {
                Accept("RESTRICT");
            }

            if (!AtEnd)
            {
                return $"TRUNCATE ... '{Peek()}' is not read by migaudit";
            }

            state.Truncate(tables, cascade, line);
            return null;
        }
    }
}
