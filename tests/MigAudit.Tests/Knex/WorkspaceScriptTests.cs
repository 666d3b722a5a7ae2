using MigAudit.Core;
using MigAudit.Knex.Discovery;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Knex;

/// <summary>
/// Workspaces whose root package.json runs no knex command: the knexfile a package's own script names (npm runs a
/// package's scripts in its folder, where knex resolves --knexfile) is the one audited, even one not named knexfile.*.
/// </summary>
public sealed class WorkspaceScriptTests
{
    private const string Migration = "exports.up = (knex) => knex.schema.createTable('users', (t) => { t.increments('id'); });\nexports.down = (knex) => knex.schema.dropTable('users');\n";

    [Fact]
    public void A_packages_migrate_latest_script_names_the_knexfile_over_another_packages_knexfile()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("package.json", "{ \"private\": true, \"workspaces\": [\"packages/*\"], \"scripts\": { \"build\": \"tsc -b\" } }\n");
        // The API's runtime configuration: a knexfile by name, but not what migrates the database.
        repo.Write("packages/api/package.json", "{ \"name\": \"api\", \"scripts\": { \"start\": \"node server.js\" } }\n");
        repo.Write("packages/api/knexfile.js", "module.exports = { production: { client: 'pg', connection: process.env.DATABASE_URL } };\n");
        repo.Write("packages/db/package.json", "{ \"name\": \"db\", \"scripts\": { \"migration:run\": \"knex migrate:latest --knexfile db.knexfile.js --env production\" } }\n");
        repo.Write("packages/db/db.knexfile.js", "module.exports = { production: { client: 'pg', connection: process.env.DATABASE_URL, migrations: { directory: './schema' } } };\n");
        repo.Write("packages/db/schema/20240101120000_create_users.js", Migration);

        var project = ProjectDiscovery.Discover(repo.Root, new DiscoveryOptions());
        Assert.Equal("packages/db/db.knexfile.js", project.Knexfile!.Path);
        Assert.Equal(["packages/db/schema"], project.Settings.Directories);
        Assert.Contains("knexfile packages/db/db.knexfile.js is the one the 'migration:run' script in packages/db/package.json passes to knex (--knexfile)", project.Notes);
    }

    [Fact]
    public void A_scaffolding_scripts_knexfile_is_the_projects_but_its_other_flags_and_test_scripts_are_not_read()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("package.json", "{ \"private\": true }\n");
        repo.Write("packages/server/package.json", """
            { "name": "server", "scripts": {
                "test:migrate": "knex --knexfile ./test/knexfile.js migrate:latest",
                "db:migrate:create": "knex --knexfile ./src/database/config.js migrate:make --env development --migrations-directory ./old"
            } }
            """);
        repo.Write("packages/server/test/knexfile.js", "module.exports = { client: 'pg', migrations: { directory: './fixtures' } };\n");
        repo.Write("packages/server/src/database/config.js", "module.exports = { client: 'pg', connection: process.env.DATABASE_URL, migrations: { directory: './migrations' } };\n");
        repo.Write("packages/server/src/database/migrations/20240101120000_create_users.js", Migration);

        var project = ProjectDiscovery.Discover(repo.Root, new DiscoveryOptions());
        Assert.Equal("packages/server/src/database/config.js", project.Knexfile!.Path);
        Assert.Equal(["packages/server/src/database/migrations"], project.Settings.Directories);
        Assert.Null(project.Environment);
        Assert.Contains("knexfile packages/server/src/database/config.js is the one the 'db:migrate:create' script in packages/server/package.json passes to knex (--knexfile)", project.Notes);
    }
}
