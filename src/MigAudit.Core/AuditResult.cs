namespace MigAudit.Core;

public sealed record Statistics
{
    public int Active { get; init; }
    public int Committed { get; init; }
    public int Untracked { get; init; }
    public int Deleted { get; init; }
    public int Renamed { get; init; }
    public int WithDown { get; init; }
    public int WithoutDown { get; init; }
    public int Unparseable { get; init; }

    /// <summary>Explicit index and unique declarations (builder calls and CREATE INDEX; primary keys and FK constraints not counted).</summary>
    public int Indexes { get; init; }
    public int ForeignKeys { get; init; }
    public double AverageIndexesPerMigration { get; init; }
    public int Tables { get; init; }

    /// <summary>Edits after a migration's first commit that change nothing Knex builds (reformatting, the same replayed schema).</summary>
    public int CosmeticEdits { get; init; }
}

public enum EditKind
{
    /// <summary>
    /// The same statements: the same tokens once formatting is set aside (comments, whitespace, quotes, semicolons,
    /// trailing commas, arrow parentheses, function expression names, SQL whitespace and comments, require paths to the same
    /// module content), or the same statements once both versions are replayed.
    /// </summary>
    Cosmetic,

    /// <summary>Other code, the same schema once replayed (after the up, and after the up then the down).</summary>
    SameSchema,

    /// <summary>The replayed schema differs: <see cref="EditClass.Detail"/> says how.</summary>
    SchemaChanging,

    /// <summary>One of the two versions could not be replayed in full: <see cref="EditClass.Detail"/> says where.</summary>
    Unknown,
}

/// <summary>What an edit after a migration's first commit did, comparing the first committed version with the current one.</summary>
public sealed record EditClass(EditKind Kind, string Detail)
{
    /// <summary>Schema-changing in the down only: the up builds the same schema, a rollback does something else.</summary>
    public bool OnlyDown { get; init; }

    /// <summary>
    /// The edit only adds guards (an early return, a hasTable/hasColumn check, IF NOT EXISTS): a fix that keeps the
    /// migration from failing where the first version did, not something to revert.
    /// </summary>
    public bool GuardsOnly { get; init; }

    public bool ChangesNothing => Kind is EditKind.Cosmetic or EditKind.SameSchema;
}

/// <summary>The inputs every rule sees: the discovered project, its migrations in Knex order, and its history.</summary>
public sealed record AuditInput
{
    public required KnexProject Project { get; init; }
    public required IReadOnlyList<Migration> Migrations { get; init; }
    public IReadOnlyList<IgnoredFile> IgnoredFiles { get; init; } = [];
    public IReadOnlyList<DeletedMigration> Deleted { get; init; } = [];

    /// <summary>
    /// Deleted files of the migration folder that never exported up or down (helpers): Knex refuses to run such a file
    /// ("must have both an up and down function"), so no database recorded it and its deletion is harmless.
    /// </summary>
    public IReadOnlyList<string> DeletedHelpers { get; init; } = [];

    /// <summary>The inline suppression comments of the migrations and the knexfile.</summary>
    public IReadOnlyList<SuppressionDirective> Suppressions { get; init; } = [];
    public IReadOnlyList<RenamedMigration> Renamed { get; init; } = [];

    /// <summary>Extensions no longer loaded that history converted into loaded ones (".ts" for a .ts -> .js conversion).</summary>
    public IReadOnlyList<string> ConvertedExtensions { get; init; } = [];

    /// <summary>The project's own code that writes to its migrations table (read when history has deletions or renames).</summary>
    public IReadOnlyList<TableRepair> Repairs { get; init; } = [];

    /// <summary>
    /// How the project's own code may repair the rows of these names: "" when nothing writes to the migrations
    /// table; otherwise a sentence naming the code, and whether it names (or empties) the rows.
    /// </summary>
    public (string Text, bool Covered) RepairOf(IReadOnlyList<string> names, bool forRename = false)
    {
        if (Repairs.Count == 0)
        {
            return (string.Empty, false);
        }

        var table = Project.Settings.TableName;
        var covering = Repairs.FirstOrDefault(r => r.CoversEveryName || names.Any(name => r.Mentions(name, forRename)));
        var how = covering is null ? string.Empty
            : covering.CoversEveryName ? "empties or replaces the whole table"
            : names.Any(covering.Names) ? "names this migration"
            : $"matches this migration's name with the pattern {Quoting.SqlLiteral(names.Select(name => covering.PatternFor(name, forRename)).First(pattern => pattern is not null)!)}";
        return covering is not null
            ? ($" The project's own code repairs these rows: {covering.Describe(table)} {how}; check that it runs before 'knex migrate:latest' on every database that applied it.", true)
            : ($" The project's own code writes to {table} ({string.Join(", ", Repairs.Take(3).Select(r => $"{r.File}:{r.Line} {r.Operation}"))}), but does not name this migration.", false);
    }

    /// <summary>
    /// With disableMigrationsListValidation, a renamed migration runs again under its new name on databases that ran the
    /// old one: its up replayed once more against the schema the chain leaves, by new file name.
    /// </summary>
    public IReadOnlyDictionary<string, RerunReplay> Reruns { get; init; } = new Dictionary<string, RerunReplay>();

    /// <summary>Edited migrations (root-relative paths) whose current text is the same code as the version first committed: formatting only.</summary>
    public IReadOnlySet<string> CosmeticEdits { get; init; } = new HashSet<string>();

    /// <summary>Every committed migration edited after its first commit (by path), with what the edit did.</summary>
    public IReadOnlyDictionary<string, EditClass> Edits { get; init; } = new Dictionary<string, EditClass>();

    /// <summary>Migration files (root-relative) that only ever lived on branches merged later: no finding, listed for the record.</summary>
    public IReadOnlyList<string> BranchOnly { get; init; } = [];
    public required GitFacts Git { get; init; }
    public ConfigurationModel Configuration { get; init; } = ConfigurationModel.Empty;
    public SchemaReplay Schema { get; init; } = SchemaReplay.Empty;

    /// <summary>
    /// The names production's migrations table holds, as the user gave them (audit --applied, or drift's live read);
    /// null when nobody did. With it, a history finding is certain or gone.
    /// </summary>
    public AppliedNames? Applied { get; init; }

    /// <summary>audit --staged: the index is about to be committed, so a migration it adds is not left out of git.</summary>
    public bool StagedCommitted { get; init; }

    /// <summary>Deleted or renamed migration names listed in docs/deleted-migrations.md (written by 'migaudit fix').</summary>
    public IReadOnlySet<string> Documented { get; init; } = new HashSet<string>();

    /// <summary>Whether docs/deleted-migrations.md names this file (names are written there as <see cref="Quoting.Printable"/> shows them).</summary>
    public bool IsDocumented(string name) => Documented.Contains(Quoting.Printable(name));

    /// <summary>The column naming tenants (e.g. workspace_id), for tenant-aware index rules.</summary>
    public string TenantColumn { get; init; } = "workspace_id";
}

/// <summary>A rule's metadata as the report needs it. Effort is a fixed part per rule plus a part per finding.</summary>
public sealed record RuleSummary(string Id, string Title, Severity Severity, bool Blocking, string Summary, string Impact, int EffortBaseMinutes, int EffortPerFindingMinutes)
{
    public RuleCategory Category { get; init; } = RuleCategory.Migrations;

    /// <summary>The databases the rule's claim holds for.</summary>
    public IReadOnlyList<SqlDialect> Dialects { get; init; } = [];
}

public enum RuleCategory
{
    Migrations,
    Configuration,
    ForeignKeys,
    Indexes,

    /// <summary>What a migration does to a live table: the locks it takes, the rewrites and scans it makes.</summary>
    Locks,
}

public sealed record AuditResult
{
    public required AuditInput Input { get; init; }
    public required IReadOnlyList<Finding> Findings { get; init; }
    public required IReadOnlyList<RuleSummary> Rules { get; init; }
    public required Statistics Statistics { get; init; }
    public DateTimeOffset GeneratedAt { get; init; } = DateTimeOffset.UtcNow;
    public TimeSpan Elapsed { get; init; }

    /// <summary>Findings left out by an inline migaudit-disable-next-line comment.</summary>
    public int Suppressed { get; init; }

    /// <summary>Findings left out by the configuration (rules turned off, ignored paths).</summary>
    public int Ignored { get; init; }

    /// <summary>Findings left out because the baseline records them.</summary>
    public int Baselined { get; init; }

    /// <summary>--changed-since or --staged: the files the findings are limited to; null when the whole project is reported.</summary>
    public ChangeScope? Scope { get; init; }

    /// <summary>Findings left out because they concern no file of <see cref="Scope"/>.</summary>
    public int OutOfScope { get; init; }

    /// <summary>--quiet: findings neither blocking nor high left out of the report (they still count for the exit code).</summary>
    public int Quieted { get; init; }

    /// <summary>What migaudit could not read that decides readiness, with file:line and the reason.</summary>
    public IReadOnlyList<ReadinessUnknown> Unknowns { get; init; } = [];

    /// <summary>The migration set audited, when the repository has several; null when it has one.</summary>
    public MigrationSet? Set { get; init; }

    public int BlockingCount => Findings.Count(f => f.Blocking);

    /// <summary>Nothing blocks and nothing that decides readiness was left unread.</summary>
    public bool Ready => BlockingCount == 0 && Unknowns.Count == 0;

    /// <summary>Nothing blocks, but something that decides readiness could not be read: neither ready nor not ready.</summary>
    public bool IsUnknown => BlockingCount == 0 && Unknowns.Count > 0;

    /// <summary>"ready", "not-ready" (a blocking finding) or "unknown" (nothing blocks, something unread).</summary>
    public string Verdict => BlockingCount > 0 ? "not-ready" : Unknowns.Count > 0 ? "unknown" : "ready";

    /// <summary>Low and high estimates in minutes, summed from each rule's per-finding estimate.</summary>
    public (int Low, int High) EffortMinutes
    {
        get
        {
            var total = 0;
            foreach (var group in Findings.GroupBy(f => f.Rule))
            {
                var rule = Rules.FirstOrDefault(r => r.Id == group.Key);
                total += rule is null ? 15 * group.Count() : rule.EffortBaseMinutes + (rule.EffortPerFindingMinutes * group.Count());
            }

            // Estimates are rough: report a range of -20% .. +40% around the sum.
            return ((int)Math.Round(total * 0.8), (int)Math.Round(total * 1.4));
        }
    }
}

/// <summary>A migration's up replayed a second time. <paramref name="Understood"/> is false when part of it could not be followed.</summary>
public sealed record RerunReplay(bool Understood, IReadOnlyList<ChainProblem> Problems)
{
    /// <summary>Statements of the second run whose success depends on something the replay does not know.</summary>
    public IReadOnlyList<UnknownOutcome> Unknowns { get; init; } = [];

    /// <summary>Fully followed, and fails nowhere on known facts with nothing left undecided.</summary>
    public bool Harmless => Understood && Problems.Count == 0 && Unknowns.Count == 0;
}
