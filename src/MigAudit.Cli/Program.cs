using MigAudit.Cli;

// Reports contain "—" and "×". Windows consoles and pipes default to the OEM code page (437, 850...), which turns them
// into "?": write UTF-8, as Linux and macOS already do.
if (OperatingSystem.IsWindows())
{
    Console.OutputEncoding = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
}

return await CliApp.RunAsync(args, Console.Out, Console.Error);
