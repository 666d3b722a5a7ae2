using MigAudit.Knex.Discovery;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Knex;

/// <summary>
/// The migrations production runs when its knex command is not a plain package.json script: a knexfile named through
/// npm's package.json "config" (mojaloop's als-consent-oracle), a compiled knexfile whose __dirname is the build folder,
/// and a shell script a docker-compose file starts (logchimp). Each checked with real tsc, npm, sh and knex 3.1.0.
/// </summary>
public sealed class ProductionCommandTests
{
    private const string Migration = """
        import { Knex } from 'knex'

        export async function up (knex: Knex): Promise<void> {
          await knex.schema.createTable('consent', (table) => { table.string('id').primary() })
        }

        export async function down (knex: Knex): Promise<void> {
          await knex.schema.dropTableIfExists('consent')
        }
        """;

    /// <summary>als-consent-oracle's shape: "config": { "knex": "--knexfile ./dist/config/knexfile.ts" }, a file tsc never writes.</summary>
    private static TempRepo CompiledKnexfileProject()
    {
        var repo = new TempRepo(init: false);
        repo.Write("package.json", """
            {
              "name": "@acme/consent-oracle",
              "main": "dist/index.js",
              "config": { "knex": "--knexfile ./dist/config/knexfile.ts" },
              "scripts": {
                "build": "tsc -p ./tsconfig.json",
                "start": "node ./dist/src/cli.js",
                "migrate": "run-s migrate:latest seed:run",
                "migrate:latest": "knex $npm_package_config_knex migrate:latest",
                "migrate:rollback": "knex $npm_package_config_knex migrate:rollback",
                "probe:make": "knex $npm_package_config_knex migrate:make probe"
              }
            }
            """);
        repo.Write("tsconfig.json", """
            {
              "include": ["src", "config", "migrations"],
              "compilerOptions": { "target": "es2018", "module": "commonjs", "rootDir": "./", "outDir": "dist", "esModuleInterop": true, "skipLibCheck": true }
            }
            """);
        repo.Write("config/knexfile.ts", """
            import path from 'path'
            const migrationsDirectory = path.join(__dirname, '../migrations')

            const KnexDatabaseConfig = {
              client: 'pg',
              connection: 'postgres://localhost/consent',
              migrations: {
                directory: migrationsDirectory,
                tableName: 'consent-oracle',
                loadExtensions: ['.js']
              }
            }

            export default KnexDatabaseConfig
            module.exports = KnexDatabaseConfig
            """);
        repo.Write("migrations/20200624121732_consent.ts", Migration);
        repo.Write("migrations/migration.template", "exports.up = async (knex) => {}\nexports.down = async (knex) => {}\n");
        repo.Write("src/cli.ts", "console.log('server')\n");
        return repo;
    }

    [Fact]
    public void A_knexfile_named_through_npm_config_and_compiled_to_dist_is_read_with_the_builds_dirname()
    {
        using var repo = CompiledKnexfileProject();
        var project = ProjectDiscovery.Discover(repo.Root, new DiscoveryOptions());
        Assert.Equal("config/knexfile.ts", project.Knexfile!.Path);
        Assert.Equal(["migrations"], project.Settings.Directories);
        Assert.Equal(("consent-oracle", ".js"), (project.Settings.TableName, project.Settings.RecordedExtension));
        Assert.Contains(project.Notes, n => n.StartsWith(
            "the 'migrate:latest' command in package.json passes --knexfile ./dist/config/knexfile.ts: ./dist/config/knexfile.ts is not a file the build writes, " +
            "so knex loads the knexfile it finds from that folder up, dist/config/knexfile.js, which tsc writes from config/knexfile.ts", StringComparison.Ordinal));
        Assert.Empty(project.Unknowns);
    }

    [Fact]
    public async Task The_compiled_knexfiles_migrations_are_audited_instead_of_no_audit()
    {
        using var repo = CompiledKnexfileProject();
        var result = await CliRunner.RunAsync("audit", repo.Root, "--format", "json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var report = System.Text.Json.JsonDocument.Parse(result.Stdout);
        var migration = Assert.Single(report.RootElement.GetProperty("migrations").EnumerateArray());
        Assert.Equal("20200624121732_consent.ts", migration.GetProperty("name").GetString());
        Assert.Equal(".js", report.RootElement.GetProperty("migrationSettings").GetProperty("recordedExtension").GetString());
    }

    /// <summary>
    /// The same knexfile with no knex command in the project: run from its source it keeps none of the .ts files, run
    /// compiled it runs them. The compiled set is audited, and which one production runs is an unknown (exit 3), never
    /// "no migrations" (exit 2).
    /// </summary>
    [Fact]
    public async Task Without_a_knex_command_the_compiled_set_is_audited_as_an_unknown()
    {
        using var repo = CompiledKnexfileProject();
        repo.Write("package.json", """{ "name": "@acme/consent-oracle", "scripts": { "build": "tsc", "start": "node ./dist/src/cli.js" } }""");
        var project = ProjectDiscovery.Discover(repo.Root, new DiscoveryOptions());
        Assert.Equal(["migrations"], project.Settings.Directories);
        Assert.Equal(".js", project.Settings.RecordedExtension);
        var unknown = Assert.Single(project.Unknowns);
        Assert.Equal(("config/knexfile.ts", 7), (unknown.File, unknown.Line));
        Assert.Equal("run from its source, config/knexfile.ts runs none of the 1 .ts files in migrations (loadExtensions .js); compiled by tsconfig.json to dist/config/knexfile.js it runs dist/migrations, " +
                     "whose sources migaudit audits; no knex command in the project says which one production runs", unknown.Reason);

        var result = await CliRunner.RunAsync("audit", repo.Root, "--format", "json");
        Assert.True(result.ExitCode == 3, result.Stderr);
    }

    /// <summary>
    /// npm gives the script $npm_package_config_knex; knex, finding no ./dist/config/knexfile.ts, loads the
    /// dist/config/knexfile.js tsc wrote, whose __dirname makes the folder dist/migrations, where only the compiled .js
    /// passes loadExtensions.
    /// </summary>
    [SkippableFact]
    public async Task Real_npm_tsc_and_knex_run_the_compiled_migrations_in_dist()
    {
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        Requires.TypeScript();
        using var repo = CompiledKnexfileProject();
        NodeKnex.LinkInto(repo);
        await ChildProcess.RunAsync("node", [Path.Combine(NodeKnex.ScriptsDirectory!, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], repo.Root);
        Assert.True(File.Exists(repo.PathOf("dist/config/knexfile.js")) && File.Exists(repo.PathOf("dist/migrations/20200624121732_consent.js")));

        var made = await ChildProcess.RunAsync("npm", ["run", "-s", "probe:make"], repo.Root);
        Assert.True(made.ExitCode == 0, made.Stderr + made.Stdout);
        var probe = Assert.Single(Directory.EnumerateFiles(repo.PathOf("dist"), "*_probe.*", SearchOption.AllDirectories));
        Assert.Equal("dist/migrations", Path.GetRelativePath(repo.Root, Path.GetDirectoryName(probe)!).Replace('\\', '/'));
        File.Delete(probe);

        var listed = NodeKnex.Run("list-migrations.js", $$"""{"directory":["{{repo.PathOf("dist/migrations")}}"],"sortDirsSeparately":false,"loadExtensions":[".js"]}""");
        Assert.True(listed.ExitCode == 0, listed.Stderr);
        Assert.Equal("20200624121732_consent.js\n", listed.Stdout);
    }

    /// <summary>logchimp's shape: migrate.sh, started by the self-hosting docker-compose file, runs the compiled knexfile unless NODE_ENV is development.</summary>
    private static TempRepo ShellScriptProject()
    {
        var repo = new TempRepo(init: false);
        repo.Write("package.json", """{ "name": "logbook", "private": true, "scripts": { "build": "pnpm -r build" } }""");
        repo.Write("docker/community/docker-compose.yml", """
            services:
              migrate:
                image: acme/logbook-api:latest
                environment:
                  - NODE_ENV=production
                command: [ "./scripts/migrate.sh" ]
            """);
        repo.Write("docker/local/docker-compose.dev.yml", """
            services:
              migrate:
                build: ../../packages/server
                command: [ "sh", "-c", "pnpm knex --knexfile ./src/database/config.ts migrate:latest" ]
            """);
        repo.Write("packages/server/package.json", """
            {
              "name": "@logbook/api",
              "scripts": {
                "start": "node index.js",
                "db:migrate:create": "knex --knexfile ./src/database/config.ts migrate:make"
              }
            }
            """);
        repo.Write("packages/server/tsconfig.json", """{ "compilerOptions": { "module": "commonjs", "outDir": "./dist", "rootDir": "./src", "esModuleInterop": true, "skipLibCheck": true }, "include": ["src/**/*.ts"] }""");
        repo.Write("packages/server/src/database/config.ts", """
            import path from "path";

            const dbConfig = {
              client: "pg",
              connection: { connectionString: process.env.DATABASE_URL },
              migrations: {
                directory: path.resolve(__dirname, "migrations"),
                tableName: "migrations",
              },
            };

            export default dbConfig;
            """);
        repo.Write("packages/server/src/database/migrations/20200906183548_initial_users_table.ts", Migration);
        repo.Write("packages/server/scripts/migrate.sh", """
            #!/bin/sh
            set -e

            # Default path set to production
            CONFIG_PATH="dist/database/config.js"

            if [ "$NODE_ENV" = "development" ]
            then
              CONFIG_PATH="src/database/config.ts"
              echo "Using development config: $CONFIG_PATH"
            else
              echo "Using production config: $CONFIG_PATH"
            fi

            echo '=> Starting: Database migration' && \
              pnpm knex --knexfile ./$CONFIG_PATH migrate:latest && \
              echo '=> Completed: Database migration'
            """);
        return repo;
    }

    [Fact]
    public void A_shell_script_a_compose_file_starts_names_the_knexfile_production_runs()
    {
        using var repo = ShellScriptProject();
        var project = ProjectDiscovery.Discover(repo.Root, new DiscoveryOptions());
        Assert.Equal("packages/server/src/database/config.ts", project.Knexfile!.Path);
        Assert.Equal(["packages/server/src/database/migrations"], project.Settings.Directories);
        Assert.Equal(("migrations", ".js"), (project.Settings.TableName, project.Settings.RecordedExtension));
        Assert.Contains(project.Notes, n => n.StartsWith(
            "the 'knex migrate:latest' command in packages/server/scripts/migrate.sh:16 passes --knexfile ./dist/database/config.js: knex loads packages/server/dist/database/config.js, " +
            "which tsc writes from packages/server/src/database/config.ts (packages/server/tsconfig.json outDir)", StringComparison.Ordinal));
    }

    /// <summary>The real sh runs the script: with NODE_ENV=production it passes the compiled knexfile, with development the source.</summary>
    [SkippableFact]
    public async Task Real_sh_passes_the_knexfile_migaudit_reads_and_real_knex_runs_its_build_folder()
    {
        // A POSIX sh and an executable bit: skipped on Windows, where no production image runs this script either.
        if (OperatingSystem.IsWindows())
        {
            Skip.If(true, "needs a POSIX sh");
            return;
        }

        using var repo = ShellScriptProject();
        var bin = repo.PathOf("fake-bin");
        repo.Write("fake-bin/pnpm", "#!/bin/sh\necho \"$@\"\n");
        File.SetUnixFileMode(Path.Combine(bin, "pnpm"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        var production = await ChildProcess.RunAsync("sh", ["scripts/migrate.sh"], repo.PathOf("packages/server"), new Dictionary<string, string?> { ["PATH"] = path, ["NODE_ENV"] = "production" });
        Assert.Contains("knex --knexfile ./dist/database/config.js migrate:latest\n", production.Stdout, StringComparison.Ordinal);
        var development = await ChildProcess.RunAsync("sh", ["scripts/migrate.sh"], repo.PathOf("packages/server"), new Dictionary<string, string?> { ["PATH"] = path, ["NODE_ENV"] = "development" });
        Assert.Contains("knex --knexfile ./src/database/config.ts migrate:latest\n", development.Stdout, StringComparison.Ordinal);

        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        Requires.TypeScript();
        NodeKnex.LinkInto(repo);
        await ChildProcess.RunAsync("node", [Path.Combine(NodeKnex.ScriptsDirectory!, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], repo.PathOf("packages/server"));
        Assert.True(File.Exists(repo.PathOf("packages/server/dist/database/config.js")));
        var made = await ChildProcess.RunAsync("node", [repo.PathOf("node_modules/knex/bin/cli.js"), "--knexfile", "./dist/database/config.js", "migrate:make", "probe"], repo.PathOf("packages/server"));
        Assert.True(made.ExitCode == 0, made.Stderr + made.Stdout);
        var probe = Assert.Single(Directory.EnumerateFiles(repo.PathOf("packages/server/dist"), "*_probe.*", SearchOption.AllDirectories));
        Assert.Equal("packages/server/dist/database/migrations", Path.GetRelativePath(repo.Root, Path.GetDirectoryName(probe)!).Replace('\\', '/'));
    }

    [Fact]
    public void The_projects_own_migrate_latest_script_wins_over_a_deploy_file_and_a_deploy_file_over_scaffolding()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("db/knexfile.js", "module.exports = { client: 'pg', migrations: { directory: './migrations' } };\n");
        repo.Write("db/migrations/20240101000000_init.js", "exports.up = () => {}; exports.down = () => {};\n");
        repo.Write("knexfile.js", "module.exports = { client: 'pg', migrations: { directory: './old/migrations' } };\n");
        repo.Write("old/migrations/20230101000000_init.js", "exports.up = () => {}; exports.down = () => {};\n");
        repo.Write("Dockerfile", """
            FROM node:22-alpine
            WORKDIR /app
            COPY . .
            RUN npm ci && \
                npm run build
            CMD ["sh", "-c", "npx knex migrate:latest --knexfile db/knexfile.js && node server.js"]
            """);
        repo.Write("package.json", """{ "scripts": { "migrate:new": "knex migrate:make --knexfile knexfile.js" } }""");
        var fromDockerfile = ProjectDiscovery.Discover(repo.Root, new DiscoveryOptions());
        Assert.Equal(("db/knexfile.js", "db/migrations"), (fromDockerfile.Knexfile!.Path, fromDockerfile.Settings.Directories[0]));
        Assert.Contains(fromDockerfile.Notes, n => n.StartsWith("knexfile db/knexfile.js is the one the 'knex migrate:latest' script in Dockerfile:6 passes to knex", StringComparison.Ordinal));

        repo.Write("package.json", """{ "scripts": { "migrate": "knex migrate:latest --knexfile knexfile.js" } }""");
        var fromPackageJson = ProjectDiscovery.Discover(repo.Root, new DiscoveryOptions());
        Assert.Equal(("knexfile.js", "old/migrations"), (fromPackageJson.Knexfile!.Path, fromPackageJson.Settings.Directories[0]));
    }
}

/// <summary>Reading a shell script's commands as production runs them.</summary>
public sealed class ShellScriptReaderTests
{
    [Fact]
    public void Development_branches_are_skipped_and_their_else_is_read()
    {
        var commands = ShellScriptReader.Read("""
            KNEXFILE=dist/knexfile.js
            if [ "$NODE_ENV" != "production" ]; then
              KNEXFILE=src/knexfile.ts
            fi
            if [ "${APP_ENV}" = "test" ]; then npx knex migrate:latest --env test; else npx knex migrate:latest --knexfile "$KNEXFILE"; fi
            """);
        var command = Assert.Single(commands, c => c.Words.Contains("knex"));
        Assert.Equal((5, "npx knex migrate:latest --knexfile dist/knexfile.js"), (command.Line, string.Join(' ', command.Words)));
    }

    [Fact]
    public void A_variable_assigned_under_an_undecided_condition_leaves_its_commands_out_and_defaults_apply_when_unassigned()
    {
        var commands = ShellScriptReader.Read("""
            DIR=db/migrations
            if [ -n "$LEGACY" ]; then
              DIR=legacy/migrations
            fi
            knex migrate:latest --migrations-directory $DIR
            knex migrate:latest --knexfile ${KNEXFILE:-config/knexfile.js} \
              --env production
            """);
        var command = Assert.Single(commands);
        Assert.Equal((6, "knex migrate:latest --knexfile config/knexfile.js --env production"), (command.Line, string.Join(' ', command.Words)));
    }
}
