using MigAudit.Core;
using MigAudit.Knex.Discovery;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Knex;

/// <summary>
/// Knexfile options read the same whatever the spelling of their keys: JavaScript makes one property of
/// <c>tableName</c>, <c>"tableName"</c>, <c>['tableName']</c> and <c>[KEY]</c> with <c>const KEY = 'tableName'</c>.
/// </summary>
public sealed class MigrationModuleKeySpellingTests
{
    [Theory]
    [InlineData("tableName: 'history', schemaName: 'app', directory: './db', disableTransactions: true, loadExtensions: ['.js']")]
    [InlineData("'tableName': 'history', \"schemaName\": 'app', 'directory': './db', \"disableTransactions\": true, 'loadExtensions': ['.js']")]
    [InlineData("['tableName']: 'history', [`schemaName`]: 'app', ['directory']: './db', ['disableTransactions']: true, ['loadExtensions']: ['.js']")]
    [InlineData("[TABLE]: 'history', [SCHEMA]: 'app', [DIR]: './db', [OFF]: true, [EXT]: ['.js']")]
    [InlineData("tableName, schemaName, directory, disableTransactions, loadExtensions")]
    public void Knexfile_migration_options_are_read_whatever_the_key_spelling(string options)
    {
        using var repo = new TempRepo(init: false);
        repo.Write("db/20250101000000_a.js", Audit.CreateTable("a"));
        repo.Write("knexfile.js", $$"""
            const TABLE = 'tableName', SCHEMA = 'schemaName', DIR = 'directory', OFF = 'disableTransactions', EXT = 'loadExtensions';
            const tableName = 'history', schemaName = 'app', directory = './db', disableTransactions = true, loadExtensions = ['.js'];
            module.exports = { 'production': { "client": 'pg', ['migrations']: { {{options}} } } };
            """);
        var settings = ProjectDiscovery.Discover(repo.Root, new DiscoveryOptions()).Settings;
        Assert.Equal(("history", "app", true), (settings.TableName, settings.SchemaName, settings.DisableTransactions));
        Assert.Equal(["db"], settings.Directories);
        Assert.Equal([".js"], settings.LoadExtensions);
    }

    [Fact]
    public void A_numeric_key_is_the_environment_name_javascript_prints()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("db/20250101000000_a.js", Audit.CreateTable("a"));
        repo.Write("knexfile.js", "module.exports = { 1: { client: 'pg', migrations: { directory: './db' } }, [2.5]: { client: 'pg' } };\n");
        var project = ProjectDiscovery.Discover(repo.Root, new DiscoveryOptions { Environment = "1" });
        Assert.Equal(["1", "2.5"], project.Knexfile!.Environments);
        Assert.Equal(["db"], project.Settings.Directories);
    }
}
