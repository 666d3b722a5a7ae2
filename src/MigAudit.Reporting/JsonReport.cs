using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using MigAudit.Core;

namespace MigAudit.Reporting;

/// <summary>
/// The machine-readable report. Field names are a public contract: add fields, never rename or remove them
/// without raising <see cref="SchemaVersion"/>. Paths are relative to the audited root, with '/' separators.
/// </summary>
public static class JsonReport
{
    public const int SchemaVersion = 1;

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The replayed schema, also the body of 'migaudit schema --format json'.</summary>
    public static object SchemaJson(SchemaReplay replay) => new
    {
        tables = replay.Schema.Tables.Values.OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => new
        {
            name = t.Name,
            createdBy = t.Origin.Migration,

            // Null when everything listed (and not listed) is known; else the statement after which it is not.
            unknownSince = UncertaintyJson(replay.Schema.UncertaintyOf(t)),
            indexesUnknownSince = UncertaintyJson(replay.Schema.IndexUncertaintyOf(t)),
            primaryKey = t.PrimaryKey,
            columns = t.Columns.Select(c => new { name = c.Name, type = c.Type, nullable = c.Nullable, @default = c.Default, createdBy = c.Origin.Migration }),
            indexes = t.Indexes.Select(i => new
            {
                name = i.Name,
                columns = i.Columns,
                unique = i.Unique,
                explicitName = i.ExplicitName,
                createdBy = i.Origin.Migration,
                method = i.Method,
                predicate = i.Predicate,
                include = i.Include,
            }),
            foreignKeys = t.ForeignKeys.Select(f => new
            {
                name = f.Name,
                column = string.Join(",", f.Columns),
                columns = f.Columns,
                references = $"{f.ReferencesTable}.{string.Join(",", f.ReferencesColumns)}",
                onDelete = f.OnDelete,
                onUpdate = f.OnUpdate,
                createdBy = f.Origin.Migration,
            }),
        }),

        // Migrations not replayed at all (unreadable or unparseable): without them the schema above is incomplete.
        skipped = replay.Migrations.Where(m => m.Skipped is not null).Select(m => new { migration = m.Migration, reason = m.Skipped }),

        // Tables that may or may not exist, and the statement that made them so.
        unknownTables = replay.Schema.UnknownTables.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new { name = t.Key, because = UncertaintyJson(t.Value) }),

        // A statement that could have touched any table: everything made before it is unknown.
        unknownSince = UncertaintyJson(replay.Schema.Unknown),
    };

    private static object? UncertaintyJson(Uncertainty? uncertainty) => uncertainty is null
        ? null
        : new { migration = uncertainty.Migration, line = uncertainty.Line, reason = uncertainty.Reason };

    public static string RenderSchema(SchemaReplay replay, DialectInfo dialect) =>
        JsonSerializer.Serialize(new { schemaVersion = SchemaVersion, dialect = DialectJson(dialect), schema = SchemaJson(replay) }, Options);

    /// <summary>Where Knex's list of migrations comes from: its own folder listing, or a custom migrationSource as followed.</summary>
    private static object MigrationSourceJson(MigrationSettings settings) => settings.CustomSource is { } custom
        ? new
        {
            kind = "custom-" + custom.Kind,
            expression = (string?)custom.Expression,
            file = custom.File,
            line = custom.Line,
            folders = custom.Folders,
            filter = custom.FilterText,
            sort = OrderId(custom.Order),
            sortSource = custom.OrderText,
            recordedName = custom.NameForm switch
            {
                RecordedNameForm.FileName => "file-name",
                RecordedNameForm.WithoutExtension => "without-extension",
                _ => "unknown",
            },
            recordedExtension = settings.RecordedExtension,
            known = custom.Known,
            unknowns = custom.Unknowns,
        }
        : new
        {
            kind = "knex-fs",
            expression = (string?)null,
            file = settings.SourceFile,
            line = settings.SourceLine,
            folders = settings.Directories,
            filter = (string?)("loadExtensions: " + string.Join(" ", settings.LoadExtensions)),
            sort = settings.SortDirsSeparately ? "knex-file-name-per-folder" : OrderId(MigrationOrder.KnexFileName),
            sortSource = "lodash sortBy on the file name (Knex's FsMigrations)",
            recordedName = "file-name",
            recordedExtension = settings.RecordedExtension,
            known = true,
            unknowns = (IReadOnlyList<string>)[],
        };

    private static string OrderId(MigrationOrder order) => order switch
    {
        MigrationOrder.KnexFileName => "knex-file-name",
        MigrationOrder.StringSort => "string",
        MigrationOrder.ReaddirOrder => "readdir",
        MigrationOrder.LocaleCompare => "locale-compare",
        MigrationOrder.NaturalLocaleCompare => "natural-locale-compare",
        MigrationOrder.Semver => "semver",
        MigrationOrder.Numeric => "numeric",
        _ => "unknown",
    };

    private static object DialectJson(DialectInfo dialect) => new
    {
        name = dialect.Dialect.ToString().ToLowerInvariant(),
        client = dialect.Client,
        source = dialect.Source,
        possible = dialect.Possible.Select(d => d.ToString().ToLowerInvariant()),
    };

    private static object Setting(SettingValue value) => new { value = value.Number, text = value.Text, isDefault = value.FromDefault, known = value.Known };

    public static string Render(AuditResult result, string toolVersion)
    {
        var input = result.Input;
        var project = input.Project;
        var (effortLow, effortHigh) = result.EffortMinutes;
        var document = new
        {
            schemaVersion = SchemaVersion,
            tool = new { name = "migaudit", version = toolVersion },
            generatedAt = result.GeneratedAt.ToString("o"),
            knexfile = project.Knexfile?.Path,
            environment = project.Environment,
            environments = project.Knexfile?.Environments ?? [],
            dialect = DialectJson(project.Dialect),
            migrationDirectories = project.Settings.Directories,
            migrationSource = MigrationSourceJson(project.Settings),
            migrationSettings = new
            {
                source = project.Settings.Source.ToString().ToLowerInvariant(),
                sourceFile = project.Settings.SourceFile,
                tableName = project.Settings.TableName,
                schemaName = project.Settings.SchemaName,
                loadExtensions = project.Settings.LoadExtensions,
                sortDirsSeparately = project.Settings.SortDirsSeparately,
                disableMigrationsListValidation = project.Settings.DisableMigrationsListValidation,
                customMigrationSource = project.Settings.CustomMigrationSource,

                // ".js" when the configured folder is build output and its .ts sources were audited: Knex records .js names.
                recordedExtension = project.Settings.RecordedExtension,
            },
            git = new
            {
                isRepository = input.Git.IsRepository,
                branch = input.Git.Branch,
                head = input.Git.Head,
                shallow = input.Git.IsShallow,
                detached = input.Git.IsDetached,
                commitsRead = input.Git.CommitsRead,
                limitations = input.Git.Limitations,
            },
            statistics = result.Statistics,
            migrations = input.Migrations.Select(m => new
            {
                name = m.Name,
                path = m.Path,
                state = m.Git.State.ToString().ToLowerInvariant(),
                order = m.Order,
                hasUp = m.Module.HasUp,
                hasDown = m.Module.HasDown,
                emptyDown = m.Module.Down is { IsFunction: true, IsEmpty: true },
                format = TextReport.FormatId(m.Module.Format),
                language = m.Module.Language,
                moduleSystem = m.Module.ModuleSystem switch
                {
                    ModuleSystem.CommonJs => "commonjs",
                    ModuleSystem.EsModule => "esm",
                    _ => "unknown",
                },
                exportsKnown = !m.Module.ExportsUnknown,
                addedIn = m.Git.Added?.Id,
                editedIn = m.Git.EditedIn.Select(c => c.Id).ToList(),
                modifiedInWorkingTree = m.Git.ModifiedInWorkingTree,
                lateAfter = m.Git.Late?.LaterMigration,

                // Release labels (null without release tags): releases that shipped an earlier version of an edited
                // migration, and releases that shipped the later migration before a late one arrived.
                earlierVersionReleases = m.Git.EarlierVersionReleases,
                lateReleases = m.Git.Late?.Releases,
            }),
            deletedMigrations = input.Deleted.Select(d => new
            {
                name = d.Name,
                path = d.Path,
                deletedIn = d.DeletedIn,
                author = d.DeletionCommit?.Author,
                date = d.DeletionCommit?.Date.ToString("o"),
                lastCommit = d.LastCommitWithFile?.Id,
                releases = d.Releases,

                // Names it had before a rename: databases that applied it then recorded those.
                formerNames = d.FormerNames,

                // Where the deleting commit moved it, outside the migration directories ("/" + path when outside the audited root).
                movedTo = d.MovedTo,
            }),
            branchOnly = input.BranchOnly.Select(path => new { name = Path.GetFileName(path), path }),

            // Deleted files that never exported up or down: Knex never applied them.
            deletedHelpers = input.DeletedHelpers.Select(path => new { name = Path.GetFileName(path), path }),
            cosmeticEdits = input.CosmeticEdits.Order(StringComparer.Ordinal),

            // Every committed edit after a first commit: cosmetic, same-schema, schema-changing or unknown, and why.
            edits = input.Edits.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new
            {
                path = e.Key,
                kind = e.Value.Kind switch
                {
                    EditKind.Cosmetic => "cosmetic",
                    EditKind.SameSchema => "same-schema",
                    EditKind.SchemaChanging => "schema-changing",
                    _ => "unknown",
                },
                detail = e.Value.Detail,
            }),
            renamedMigrations = input.Renamed.Select(r => new
            {
                from = r.OldName,
                to = r.NewName,
                fromPath = r.OldPath,
                toPath = r.NewPath,
                renamedIn = r.RenamedIn,
                author = r.Commit?.Author,
                date = r.Commit?.Date.ToString("o"),
                releases = r.Releases,
                extensionOnly = r.ExtensionOnly,
                intermediateNames = r.IntermediateNames,
            }),
            convertedExtensions = input.ConvertedExtensions,
            migrationsTableRepairs = input.Repairs.Select(r => new { file = r.File, line = r.Line, operation = r.Operation, coversEveryName = r.CoversEveryName }),
            ignoredFiles = input.IgnoredFiles.Select(i => new { name = i.Name, path = i.Path, reason = i.Reason }),
            findings = result.Findings.Select(f => new
            {
                rule = f.Rule,
                severity = f.Severity.ToId(),
                blocking = f.Blocking,
                file = f.File,
                line = f.Line,
                message = f.Message,
                related = f.Related,
                action = f.Action,
                fingerprint = f.Fingerprint(),
                fingerprintVersion = Finding.FingerprintVersion,

                // Knex itself fails here (not a risk, not an unknown): never beside a "ready" verdict.
                predictsKnexFailure = f.PredictsKnexFailure,
            }),
            rules = result.Rules.Select(r => new
            {
                id = r.Id,
                title = r.Title,
                severity = r.Severity.ToId(),
                blocking = r.Blocking,
                summary = r.Summary,
            }),
            configuration = new
            {
                scenarios = input.Configuration.Scenarios.Select(sc => new { id = sc.Id, description = sc.Description }),
                migrationClient = input.Configuration.MigrationClient?.Label,
                clients = input.Configuration.Clients.Select(c => new
                {
                    label = c.Label,

                    // What the client is for (app, other-database, test, script): only app clients are compared and summed.
                    role = c.Role switch
                    {
                        ClientRole.OtherDatabase => "other-database",
                        _ => c.Role.ToString().ToLowerInvariant(),
                    },
                    roleReason = c.RoleReason,
                    kind = c.Kind.Id(),
                    library = c.Kind.Library(),
                    file = c.File,
                    line = c.Line,
                    environment = c.Environment,
                    configFrom = c.ConfigFrom,
                    settings = c.Settings.ToDictionary(pair => pair.Key, pair => new
                    {
                        min = Setting(pair.Value.Min),
                        max = Setting(pair.Value.Max),
                        acquireTimeoutMillis = Setting(pair.Value.AcquireTimeoutMillis),
                        idleTimeoutMillis = Setting(pair.Value.IdleTimeoutMillis),
                        createTimeoutMillis = Setting(pair.Value.CreateTimeoutMillis),
                        ssl = new
                        {
                            state = pair.Value.Ssl.Id,
                            source = pair.Value.Ssl.Source,
                        },
                        connection = pair.Value.ConnectionSource,
                        dialect = pair.Value.Dialect?.ToString().ToLowerInvariant(),
                        connectionVariables = pair.Value.ConnectionVariables,
                        searchPath = pair.Value.SearchPath,
                        lockTimeout = new
                        {
                            set = pair.Value.LockTimeout.Set,
                            source = pair.Value.LockTimeout.Source,
                        },
                    }),
                    problems = c.Problems.Select(p => new { key = p.Key, line = p.Line, message = p.Message, fatal = p.Fatal }),
                }),
                notes = input.Configuration.Notes,
            },
            schema = SchemaJson(input.Schema),
            coverage = input.Schema.Migrations.Select(m => new
            {
                migration = m.Migration,
                up = new { understood = m.Up.Understood, total = m.Up.Total },
                down = new { understood = m.Down.Understood, total = m.Down.Total },
                notUnderstood = m.Up.Gaps.Concat(m.Down.Gaps).Select(g => new { line = g.Line, code = g.Code, reason = g.Reason }),

                // Statements whose success depends on something unknown, and tables used that no earlier migration creates.
                unknownOutcomes = m.Unknowns.Select(u => new { line = u.Line, message = u.Message, because = UncertaintyJson(u.Because) }),
                externalTables = m.ExternalTables.Select(e => new { table = e.Table, line = e.Line, use = e.Use }),
            }),
            suppressed = result.Suppressed,
            ignored = result.Ignored,
            baselined = result.Baselined,
            scope = result.Scope is { } scope ? new { description = scope.Description, mergeBase = scope.MergeBase, files = scope.Files, outOfScope = result.OutOfScope } : null,
            verdict = result.Verdict,
            blockingCount = result.BlockingCount,
            effortMinutes = new { low = effortLow, high = effortHigh },
            notes = project.Notes,
        };
        return JsonSerializer.Serialize(document, Options);
    }
}
