using System.Text.Json.Nodes;
using MigAudit.Core;
using static MigAudit.Reporting.JsonNodes;

namespace MigAudit.Reporting;

/// <summary>How Knex finds, orders and records the migrations.</summary>
public static partial class JsonReport
{
    /// <summary>Where Knex's list of migrations comes from: its own folder listing, or a custom migrationSource as followed.</summary>
    private static JsonObject MigrationSourceJson(MigrationSettings settings) => settings.CustomSource is { } custom
        ? new JsonObject
        {
            ["kind"] = "custom-" + custom.Kind,
            ["expression"] = custom.Expression,
            ["file"] = custom.File,
            ["line"] = custom.Line,
            ["folders"] = Strings(custom.Folders),
            ["filter"] = custom.FilterText,
            ["sort"] = OrderId(custom.Order),
            ["sortSource"] = custom.OrderText,
            ["recordedName"] = custom.NameForm switch
            {
                RecordedNameForm.FileName => "file-name",
                RecordedNameForm.WithoutExtension => "without-extension",
                _ => "unknown",
            },
            ["recordedExtension"] = settings.RecordedExtension,
            ["known"] = custom.Known,
            ["unknowns"] = Strings(custom.Unknowns),
        }
        : new JsonObject
        {
            ["kind"] = "knex-fs",
            ["expression"] = null,
            ["file"] = settings.SourceFile,
            ["line"] = settings.SourceLine,
            ["folders"] = Strings(settings.Directories),
            ["filter"] = "loadExtensions: " + string.Join(" ", settings.LoadExtensions),
            ["sort"] = settings.SortDirsSeparately ? "knex-file-name-per-folder" : OrderId(MigrationOrder.KnexFileName),
            ["sortSource"] = "lodash sortBy on the file name (Knex's FsMigrations)",
            ["recordedName"] = "file-name",
            ["recordedExtension"] = settings.RecordedExtension,
            ["known"] = true,
            ["unknowns"] = new JsonArray(),
        };

    private static JsonObject MigrationSettingsJson(MigrationSettings settings) => new()
    {
        ["source"] = settings.Source.ToString().ToLowerInvariant(),
        ["sourceFile"] = settings.SourceFile,
        ["tableName"] = settings.TableName,
        ["schemaName"] = settings.SchemaName,
        ["loadExtensions"] = Strings(settings.LoadExtensions),
        ["sortDirsSeparately"] = settings.SortDirsSeparately,
        ["disableMigrationsListValidation"] = settings.DisableMigrationsListValidation,
        ["customMigrationSource"] = settings.CustomMigrationSource,

        // ".js" when the configured folder is build output and its .ts sources were audited: Knex records .js names.
        ["recordedExtension"] = settings.RecordedExtension,
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
}
