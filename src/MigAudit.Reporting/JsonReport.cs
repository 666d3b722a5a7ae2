using System.Text.Json;
using System.Text.Json.Nodes;
using MigAudit.Core;
using static MigAudit.Reporting.JsonNodes;

namespace MigAudit.Reporting;

/// <summary>
/// The machine-readable report. Field names are a public contract: add fields, never rename or remove them
/// without raising <see cref="SchemaVersion"/>. Paths are relative to the audited root, with '/' separators.
/// </summary>
public static partial class JsonReport
{
    public const int SchemaVersion = 1;

    public static string Render(AuditResult result, string toolVersion)
    {
        using var buffer = new MemoryStream();
        Write(result, toolVersion, buffer);
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>
    /// Writes the report to <paramref name="output"/> as it is built. The lists that grow with the project (migrations,
    /// findings, coverage...) are written item by item, each built and dropped, so memory stays bounded by the rest of
    /// the document plus one item (100,000 migrations once took 3.5 GB as one tree). The bytes are those of the whole
    /// tree written at once.
    /// </summary>
    public static void Write(AuditResult result, string toolVersion, Stream output) =>
        Write(new RepositoryAudit { Sets = [result] }, toolVersion, output);

    /// <summary>
    /// The report of a repository: with several migration sets, the top level is the repository's (the worst verdict,
    /// every set's findings and unknowns, each finding naming its set) over the first set's inventory, and
    /// <c>migrationSets</c> holds each set's complete report. With one set, the top level is its report.
    /// </summary>
    public static void Write(RepositoryAudit audit, string toolVersion, Stream output)
    {
        var streamed = new Dictionary<JsonNode, IEnumerable<JsonNode?>>(ReferenceEqualityComparer.Instance);
        JsonNode Later(IEnumerable<JsonNode?> items)
        {
            // A stand-in node of its own, found again by identity when the writer reaches it.
            var standIn = JsonValue.Create(0);
            streamed[standIn] = items;
            return standIn;
        }

        var document = Document(audit.Combined, toolVersion, Later);
        var several = audit.Sets.Count > 1;
        document["migrationSets"] = Later(audit.Sets.Select(set => (JsonNode?)new JsonObject
        {
            ["name"] = set.Set?.Name ?? string.Join(", ", set.Input.Project.Settings.Directories),
            ["reason"] = set.Set?.Reason,
            ["knexfile"] = set.Input.Project.Knexfile?.Path,
            ["environment"] = set.Input.Project.Environment,
            ["migrationDirectories"] = Strings(set.Input.Project.Settings.Directories),
            ["migrationCount"] = set.Statistics.Active,
            ["verdict"] = set.Verdict,
            ["ready"] = set.Ready,
            ["blockingCount"] = set.BlockingCount,

            // The set's own complete report; null with one set, whose report is the document itself.
            ["report"] = several ? Document(set, toolVersion, Later) : null,
        }));
        document["notAudited"] = Strings(audit.NotAudited);
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = Indented.Encoder });
        WriteNode(writer, document, streamed);
    }

    /// <summary>Writes a node; the objects on the way to a stand-in are walked, the rest written whole.</summary>
    private static void WriteNode(Utf8JsonWriter writer, JsonNode? node, Dictionary<JsonNode, IEnumerable<JsonNode?>> streamed)
    {
        if (node is null)
        {
            writer.WriteNullValue();
        }
        else if (streamed.TryGetValue(node, out var items))
        {
            writer.WriteStartArray();
            foreach (var item in items)
            {
                WriteNode(writer, item, streamed);
                if (writer.BytesPending > 1 << 16)
                {
                    writer.Flush();
                }
            }

            writer.WriteEndArray();
            writer.Flush();
        }
        else if (node is JsonObject fields && fields.Any(f => f.Value is not null && (streamed.ContainsKey(f.Value) || f.Value is JsonObject)))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in fields)
            {
                writer.WritePropertyName(name);
                WriteNode(writer, value, streamed);
            }

            writer.WriteEndObject();
        }
        else
        {
            node.WriteTo(writer);
        }
    }

    /// <param name="later">Makes a list that grows with the project: written item by item, its items built only then.</param>
    private static JsonObject Document(AuditResult result, string toolVersion, Func<IEnumerable<JsonNode?>, JsonNode> later)
    {
        var input = result.Input;
        var project = input.Project;
        var (effortLow, effortHigh) = result.EffortMinutes;
        var document = new JsonObject
        {
            ["schemaVersion"] = SchemaVersion,
            ["tool"] = new JsonObject { ["name"] = "migaudit", ["version"] = toolVersion },
            ["generatedAt"] = result.GeneratedAt.ToString("o"),
            ["knexfile"] = project.Knexfile?.Path,
            ["environment"] = project.Environment,
            ["environments"] = Strings(project.Knexfile?.Environments ?? []),
            ["environmentVariable"] = project.Knexfile?.EnvironmentVariable,
            ["exampleKnexfile"] = project.Knexfile?.Example ?? false,
            ["dialect"] = DialectJson(project.Dialect),
            ["migrationDirectories"] = Strings(project.Settings.Directories),

            // Where the folder and the environment came from: the knexfile, migaudit's option, a package.json script,
            // a migrate call, or an assumption (knex-default, migration-shaped, convention), and why.
            ["migrationsFolderSource"] = project.FolderChoice.Source.ToId(),
            ["migrationsFolderReason"] = project.FolderChoice.Reason,
            ["environmentSource"] = project.EnvironmentChoice?.Source.ToId(),
            ["environmentReason"] = project.EnvironmentChoice?.Reason,
            ["migrationSource"] = MigrationSourceJson(project.Settings),
            ["migrationSettings"] = MigrationSettingsJson(project.Settings),
            ["git"] = new JsonObject
            {
                ["isRepository"] = input.Git.IsRepository,
                ["branch"] = input.Git.Branch,
                ["head"] = input.Git.Head,
                ["shallow"] = input.Git.IsShallow,
                ["detached"] = input.Git.IsDetached,
                ["commitsRead"] = input.Git.CommitsRead,
                ["formerDirectories"] = Strings(input.Git.FormerDirectories),
                ["limitations"] = Strings(input.Git.Limitations),
            },
            ["statistics"] = StatisticsJson(result.Statistics),
            ["migrations"] = later(input.Migrations.Select(m => (JsonNode?)MigrationJson(m))),
            ["deletedMigrations"] = Array(input.Deleted, d => new JsonObject
            {
                ["name"] = d.Name,
                ["path"] = d.Path,
                ["deletedIn"] = d.DeletedIn,
                ["author"] = d.DeletionCommit?.Author,
                ["date"] = d.DeletionCommit?.Date.ToString("o"),
                ["lastCommit"] = d.LastCommitWithFile?.Id,
                ["releases"] = StringsOrNull(d.Releases),

                // Names it had before a rename: databases that applied it then recorded those.
                ["formerNames"] = Strings(d.FormerNames),

                // Where the deleting commit moved it, outside the migration directories ("/" + path when outside the audited root).
                ["movedTo"] = d.MovedTo,
            }),
            ["branchOnly"] = Array(input.BranchOnly, path => new JsonObject { ["name"] = Path.GetFileName(path), ["path"] = path }),

            // Deleted files that never exported up or down: Knex never applied them.
            ["deletedHelpers"] = Array(input.DeletedHelpers, path => new JsonObject { ["name"] = Path.GetFileName(path), ["path"] = path }),
            ["cosmeticEdits"] = Strings(input.CosmeticEdits.Order(StringComparer.Ordinal)),

            // Every committed edit after a first commit: cosmetic, same-schema, schema-changing or unknown, and why.
            ["edits"] = Array(input.Edits.OrderBy(e => e.Key, StringComparer.Ordinal), e => new JsonObject
            {
                ["path"] = e.Key,
                ["kind"] = e.Value.Kind switch
                {
                    EditKind.Cosmetic => "cosmetic",
                    EditKind.SameSchema => "same-schema",
                    EditKind.SchemaChanging => "schema-changing",
                    _ => "unknown",
                },
                ["detail"] = e.Value.Detail,

                // The edit only adds guards (an early return, a hasTable/hasColumn check, IF NOT EXISTS): a fix to keep.
                ["guardsOnly"] = e.Value.GuardsOnly,
            }),
            ["renamedMigrations"] = Array(input.Renamed, r => new JsonObject
            {
                ["from"] = r.OldName,
                ["to"] = r.NewName,
                ["fromPath"] = r.OldPath,
                ["toPath"] = r.NewPath,
                ["renamedIn"] = r.RenamedIn,
                ["author"] = r.Commit?.Author,
                ["date"] = r.Commit?.Date.ToString("o"),
                ["releases"] = StringsOrNull(r.Releases),
                ["extensionOnly"] = r.ExtensionOnly,
                ["intermediateNames"] = Strings(r.IntermediateNames),

                // The names each kind of database recorded, as the knexfile of recordedAt loaded the files (null: not read).
                ["recordedAt"] = r.RecordedAt,
                ["recordedBy"] = r.RecordedBy is { } kinds
                    ? Array(kinds, k => new JsonObject
                    {
                        ["condition"] = k.Condition,
                        ["where"] = k.Where,
                        ["loadExtensions"] = Strings(k.LoadExtensions),
                        ["names"] = Strings([.. k.Names]),
                        ["outDir"] = k.OutDir,
                    })
                    : null,
            }),
            ["convertedExtensions"] = Strings(input.ConvertedExtensions),
            // The names production's migrations table holds, when the user gave them (--applied): history findings are
            // then certain, or gone.
            ["applied"] = input.Applied is { } applied ? new JsonObject { ["source"] = applied.Source, ["names"] = applied.Names.Count } : null,
            ["migrationsTableRepairs"] = Array(input.Repairs, r => new JsonObject { ["file"] = r.File, ["line"] = r.Line, ["operation"] = r.Operation, ["coversEveryName"] = r.CoversEveryName }),
            ["ignoredFiles"] = Array(input.IgnoredFiles, i => new JsonObject { ["name"] = i.Name, ["path"] = i.Path, ["reason"] = i.Reason }),
            ["findings"] = later(result.Findings.Select(FindingJson)),
            ["rules"] = Array(result.Rules, r => new JsonObject
            {
                ["id"] = r.Id,
                ["title"] = r.Title,
                ["severity"] = r.Severity.ToId(),
                ["blocking"] = r.Blocking,
                ["summary"] = r.Summary,
            }),
            ["configuration"] = ConfigurationJson(input.Configuration),
            ["schema"] = SchemaJson(input.Schema, later),
            ["coverage"] = later(input.Schema.Migrations.Select(CoverageJson)),

            // Which live tables the pending migrations lock, and for how long as migrate:latest runs them (PostgreSQL only).
            ["batchLocks"] = BatchLocksJson(input),
            ["suppressed"] = result.Suppressed,
            ["ignored"] = result.Ignored,
            ["baselined"] = result.Baselined,
            ["quieted"] = result.Quieted,
            ["scope"] = result.Scope is { } scope
                ? new JsonObject { ["description"] = scope.Description, ["mergeBase"] = scope.MergeBase, ["files"] = Strings(scope.Files), ["outOfScope"] = result.OutOfScope }
                : null,
            ["verdict"] = result.Verdict,
            ["ready"] = result.Ready,

            // What migaudit could not read that decides readiness: with none blocking, the verdict is "unknown".
            ["unknowns"] = Array(result.Unknowns, u => new JsonObject { ["reason"] = u.Reason, ["file"] = u.File, ["line"] = u.Line, ["names"] = Strings(u.Names) }),
            ["blockingCount"] = result.BlockingCount,
            ["effortMinutes"] = new JsonObject { ["low"] = effortLow, ["high"] = effortHigh },
            ["notes"] = Strings(project.Notes),
        };
        return document;
    }

    private static JsonNode? FindingJson(Finding f) => new JsonObject
    {
        ["rule"] = f.Rule,
        ["severity"] = f.Severity.ToId(),
        ["blocking"] = f.Blocking,
        ["file"] = f.File,
        ["line"] = f.Line,
        ["message"] = f.Message,
        ["related"] = Strings(f.Related),
        ["action"] = f.Action,
        ["fingerprint"] = f.Fingerprint(),
        ["fingerprintVersion"] = Finding.FingerprintVersion,

        // Knex itself fails here (not a risk, not an unknown): never beside a "ready" verdict.
        ["predictsKnexFailure"] = f.PredictsKnexFailure,

        // The migration set the finding is about, when the repository has several (null: one set, or every set alike).
        ["migrationSet"] = f.MigrationSet,

        // How sure the claim is, and where its migration (or the change to it) stands with production: the next
        // deploy's business ("pending"), or history ("shipped", "long-shipped" naming the releases run since).
        ["evidence"] = f.Evidence.ToId(),
        ["scope"] = f.Scope?.ToId(),
        ["scopeReleases"] = Strings(f.ScopeReleases),

        // Names production's migrations table may hold that would make this finding block (answered by --applied).
        ["decidingNames"] = Strings(f.DecidingNames),

        // "path:line" of the migration or configuration line that requires or calls the module "file" names, when the
        // statement or setting is written there (file and line are always the module's); null otherwise.
        ["calledFrom"] = f.CalledFrom,
    };

    private static JsonNode? CoverageJson(MigrationReplay m) => new JsonObject
    {
        ["migration"] = m.Migration,
        ["up"] = new JsonObject { ["understood"] = m.Up.Understood, ["total"] = m.Up.Total },
        ["down"] = new JsonObject { ["understood"] = m.Down.Understood, ["total"] = m.Down.Total },
        ["notUnderstood"] = Array(m.Up.Gaps.Concat(m.Down.Gaps), g => new JsonObject { ["line"] = g.Line, ["code"] = g.Code, ["reason"] = g.Reason }),

        // Statements whose success depends on something unknown, and tables used that no earlier migration creates.
        ["unknownOutcomes"] = Array(m.Unknowns, u => new JsonObject { ["line"] = u.Line, ["message"] = u.Message, ["because"] = UncertaintyJson(u.Because) }),
        ["externalTables"] = Array(m.ExternalTables, e => new JsonObject { ["table"] = e.Table, ["line"] = e.Line, ["use"] = e.Use }),
    };

    private static JsonObject MigrationJson(Migration m) => new()
    {
        ["name"] = m.Name,
        ["path"] = m.Path,
        ["state"] = m.Git.State.ToString().ToLowerInvariant(),
        ["order"] = m.Order,
        ["hasUp"] = m.Module.HasUp,
        ["hasDown"] = m.Module.HasDown,
        ["emptyDown"] = m.Module.Down is { IsFunction: true, IsEmpty: true },
        ["format"] = TextReport.FormatId(m.Module.Format),
        ["language"] = m.Module.Language,
        ["moduleSystem"] = m.Module.ModuleSystem switch
        {
            ModuleSystem.CommonJs => "commonjs",
            ModuleSystem.EsModule => "esm",
            _ => "unknown",
        },
        ["exportsKnown"] = !m.Module.ExportsUnknown,
        ["addedIn"] = m.Git.Added?.Id,
        ["editedIn"] = Strings(m.Git.EditedIn.Select(c => c.Id)),
        ["modifiedInWorkingTree"] = m.Git.ModifiedInWorkingTree,
        ["lateAfter"] = m.Git.Late?.LaterMigration,
        ["movedFrom"] = m.Git.MovedFrom,
        ["firstPath"] = m.Git.FirstPath,

        // Release labels (null without release tags): releases that shipped an earlier version of an edited
        // migration, and releases that shipped the later migration before a late one arrived.
        ["earlierVersionReleases"] = StringsOrNull(m.Git.EarlierVersionReleases),
        ["lateReleases"] = StringsOrNull(m.Git.Late?.Releases),
    };

    private static JsonObject StatisticsJson(Statistics s) => new()
    {
        ["active"] = s.Active,
        ["committed"] = s.Committed,
        ["untracked"] = s.Untracked,
        ["deleted"] = s.Deleted,
        ["renamed"] = s.Renamed,
        ["withDown"] = s.WithDown,
        ["withoutDown"] = s.WithoutDown,
        ["unparseable"] = s.Unparseable,
        ["indexes"] = s.Indexes,
        ["foreignKeys"] = s.ForeignKeys,
        ["averageIndexesPerMigration"] = s.AverageIndexesPerMigration,
        ["tables"] = s.Tables,
        ["cosmeticEdits"] = s.CosmeticEdits,
    };
}
