using Spectre.Console;

namespace ConnectorHost.Tools;

/// <summary>The console tools write to: colours and live updates on a terminal, plain text in a pipe or CI.</summary>
internal static class ToolConsole
{
    public static IAnsiConsole Create(TextWriter output)
    {
        var redirected = Console.IsOutputRedirected || Environment.GetEnvironmentVariable("CI") is not null;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (redirected)
        {
            // A pipe or CI log has no width: do not wrap tables and paths at 80 columns.
            console.Profile.Width = 200;
        }

        return console;
    }

    /// <summary>A path as a user in the current folder would type it: relative when it is below that folder.</summary>
    public static string Shown(string path)
    {
        var full = Path.GetFullPath(path);
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
    }
}
