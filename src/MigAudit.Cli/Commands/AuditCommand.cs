using System.CommandLine;
using MigAudit.Core;
using MigAudit.Engine;
using MigAudit.Git;
using MigAudit.IO;
using MigAudit.Reporting;

namespace MigAudit.Cli;

public static partial class CliApp
{
    private static Command AuditCommand(TextWriter stdout, TextWriter stderr, TextReader stdin)
    {
        var path = ProjectPathArgument();
        var format = FormatOption();
        var output = OutputOption();
        var reports = ReportOption();
        var paths = PathsOption();
        var environment = EnvironmentOption("The knexfile environment to audit (default: production, else the only one; knex itself uses NODE_ENV, else development: the audit is about production).");
        var knexfile = new Option<string?>("--knexfile") { Description = "The knexfile to read, instead of searching for one.", HelpName = "FILE" };
        var client = ClientOption();
        var migrations = new Option<string[]>("--migrations")
        {
            Description = "Migration directories, relative to PATH; overrides the knexfile. Repeat for several.",
            HelpName = "DIR",
            AllowMultipleArgumentsPerToken = true,
        };
        var failOn = new Option<string?>("--fail-on") { Description = "Exit 1 when a finding of this severity or higher remains: high, medium, low or never (default: any blocking finding); never also exits 0 when the verdict is unknown." };
        failOn.AcceptOnlyFromAmong(AuditSettings.FailOnValues);
        var baseline = new Option<string?>("--baseline") { Description = "Report only findings that are not in this baseline file.", HelpName = "FILE" };
        var writeBaseline = new Option<string?>("--write-baseline")
        {
            Description = $"Record today's findings as the baseline (default file: {Baseline.DefaultFile}, inside the project) and exit 0.",
            Arity = ArgumentArity.ZeroOrOne,
            HelpName = "FILE",
        };
        var force = new Option<bool>("--force") { Description = "With --write-baseline: overwrite the file even when it is not a migaudit baseline." };
        var changedSince = new Option<string?>("--changed-since") { Description = "Report only findings about files changed since the merge base with this git reference (commits, working tree and untracked files); everything is still read.", HelpName = "REF" };
        var staged = new Option<bool>("--staged") { Description = "Report only findings about the files staged in git's index (for a pre-commit hook); everything is still read." };
        var cwd = new Option<string?>("--cwd") { Description = "The working directory, as knex's own --cwd: the project folder when PATH is not given.", HelpName = "DIR" };
        var branch = new Option<string?>("--branch") { Description = "The mainline: history is read along this branch's first-parent line (default: HEAD; or 'mainline' in .migauditrc.json).", HelpName = "BRANCH" };
        var applied = new Option<string?>("--applied")
        {
            Description = "The names production's migrations table holds: a file with the output of SELECT name FROM knex_migrations ORDER BY id (psql, csv, JSON or plain lines) or of 'knex migrate:list', or - for stdin. A deleted or renamed migration then blocks exactly when production holds its name, and is no finding when it does not; without release tags, this answers the verdict's UNKNOWN. Or set 'applied' in .migauditrc.json to a committed file (see docs/applied.md).",
            HelpName = "FILE|-",
        };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Show only blocking and high findings, in every format (as ESLint's --quiet). The verdict and the exit code are unchanged: they are decided on every finding." };
        var maxWarnings = new Option<int?>("--max-warnings")
        {
            Description = "Exit 1 when more than N non-blocking findings remain after the baseline, suppressions and --changed-since/--staged (as ESLint's option; --quiet does not hide them from the count). Applies whatever --fail-on says, --fail-on never included, and wins over exit 3 (unknown).",
            HelpName = "N",
        };
        maxWarnings.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 0)
            {
                result.AddError("--max-warnings needs a number of 0 or more");
            }
        });
        var config = new Option<string?>("--config", "-c")
        {
            Description = $"The settings file to use, in {AuditSettings.FileName}'s form (its paths are read from its folder). Default: the nearest {AuditSettings.FileName}, or package.json with a \"migaudit\" key, in PATH or a folder above it up to the repository's top level.",
            HelpName = "FILE",
        };
        var command = new Command("audit", "Audit a Knex project statically (its code is never run). Exit codes: 0 ready, 1 not ready (a blocking finding), 2 usage error or unreadable project, 3 unknown (nothing blocks, but migaudit could not read something that decides readiness, or only production's migrations table can tell: answer with --applied).")
        {
            path, format, output, reports, paths, environment, knexfile, client, migrations, failOn, baseline, writeBaseline, force, branch, cwd, changedSince, staged, applied, quiet, maxWarnings, config,
        };
        command.SetAction(parse =>
        {
            var root = parse.GetValue(path)!;
            if (parse.GetValue(cwd) is { } workingDirectory)
            {
                root = parse.GetResult(path) is { Implicit: false } && Path.GetFullPath(root) != Path.GetFullPath(workingDirectory)
                    ? throw new ProjectException($"--cwd {workingDirectory} and PATH {root} name two different folders: give one")
                    : workingDirectory;
            }

            var (settings, options) = Configure(root, parse.GetValue(environment), parse.GetValue(knexfile), parse.GetValue(migrations), parse.GetValue(config), parse.GetValue(client));
            settings = (settings with { Mainline = parse.GetValue(branch) ?? settings.Mainline }).WithApplied(root, parse.GetValue(applied), stdin.ReadToEnd);
            BaselineSet? accepted = null;
            // --baseline, else the settings file's "baseline" (relative to the project), unless this run writes one.
            var configuredBaseline = parse.GetResult(writeBaseline) is null ? settings.Baseline : null;
            if ((parse.GetValue(baseline) ?? configuredBaseline) is { } baselineFile)
            {
                var baselinePath = parse.GetValue(baseline) is null ? Path.Combine(root, baselineFile)
                    : Path.IsPathRooted(baselineFile) || File.Exists(baselineFile) ? baselineFile : Path.Combine(root, baselineFile);
                accepted = Path.Exists(baselinePath)
                    ? Baseline.Read(baselinePath)
                    : throw new ProjectException(parse.GetValue(baseline) is null ? $"{settings.Source}: 'baseline' names {Quoting.Printable(baselineFile)}, which does not exist" : $"baseline '{baselineFile}' does not exist");
                if (accepted.Notice(baselineFile) is { } notice)
                {
                    stderr.WriteLine(Quoting.Printable("migaudit: " + notice));
                }
            }

            var since = parse.GetValue(changedSince);
            var onlyStaged = parse.GetValue(staged);
            if (since is not null && onlyStaged || (since is not null || onlyStaged) && parse.GetResult(writeBaseline) is not null)
            {
                throw new ProjectException("--changed-since, --staged and --write-baseline each choose what is reported: give one");
            }

            if (parse.GetValue(reports) is { Length: > 0 } && parse.GetResult(writeBaseline) is not null)
            {
                throw new ProjectException("--write-baseline writes no report: leave out --report");
            }

            settings = settings with { AsStaged = onlyStaged };
            RepositoryAudit audit;
            using (var progress = TerminalProgress.ForAudit(parse.GetValue(format)!, stdout, stderr))
            {
                audit = RepositoryAuditor.Run(root, options, settings, accepted is null ? null : accepted.Accepts, progress);
            }

            ChangeScope? changeScope = null;
            if (since is not null || onlyStaged)
            {
                var projectRoot = audit.Primary.Input.Project.Root;
                changeScope = since is not null ? GitChanges.Since(projectRoot, since) : GitChanges.Staged(projectRoot);
                audit = audit.Map(set => ScopeFilter.Apply(set, changeScope));
            }

            var result = audit.Combined;

            if (parse.GetResult(writeBaseline) is not null)
            {
                var projectRoot = result.Input.Project.Root;
                var target = parse.GetValue(writeBaseline) is { } named ? Path.GetFullPath(named)
                    : settings.Baseline is { } configured ? Path.GetFullPath(Path.Combine(root, configured))
                    : Path.Combine(projectRoot, Baseline.DefaultFile);
                var full = SafeWrite.Check(projectRoot, target);
                if (!parse.GetValue(force) && File.Exists(full) && !Baseline.IsBaseline(SafeRead.TextOrFail(full, "the baseline file")))
                {
                    throw new ProjectException($"{Quoting.Printable(target)} exists and is not a migaudit baseline; choose another file, or pass --force to overwrite it");
                }

                SafeWrite.Text(projectRoot, full, Baseline.Write(result.Findings, Version));
                stderr.WriteLine(Quoting.Printable($"Baseline with {result.Findings.Count} findings written to {target}; later runs with --baseline report only new ones."));
                return ExitReady;
            }

            // Decided before --quiet hides anything: quiet changes what is shown, never the outcome.
            var exitCode = ExitCode(result, parse.GetValue(failOn) ?? settings.FailOn, parse.GetValue(maxWarnings));
            var shown = parse.GetValue(quiet) ? audit.Map(QuietFilter.Apply) : audit;
            var pathBase = PathsFrom(parse.GetValue(paths)!);
            WriteReports(shown, parse.GetValue(reports) ?? [], settings.DocsUrl, pathBase, stdout, stderr);
            if (changeScope is not null && audit.Sets.All(set => set.Findings.Count == 0) && parse.GetValue(format) == "text" && parse.GetValue(output) is null)
            {
                // A hook or a CI step on a change with nothing to say says so in one line, as linters do.
                var files = changeScope.Files.Count;
                stdout.WriteLine(Quoting.Printable($"migaudit: nothing to report in the {changeScope.Description} ({files} file{(files == 1 ? string.Empty : "s")}; the whole project was read)"));
                return exitCode;
            }

            Render(shown, parse.GetValue(format)!, parse.GetValue(output), settings.DocsUrl, stdout, stderr, pathBase);
            return exitCode;
        });
        return command;
    }
}
