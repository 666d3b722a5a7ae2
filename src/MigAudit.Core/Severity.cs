namespace MigAudit.Core;

public enum Severity
{
    Low = 1,
    Medium = 2,
    High = 3,
}

public static class SeverityNames
{
    public static string ToId(this Severity severity) => severity switch
    {
        Severity.High => "high",
        Severity.Medium => "medium",
        _ => "low",
    };
}
