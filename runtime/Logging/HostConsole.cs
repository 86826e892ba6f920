using System.Text;

namespace ConnectorHost.Logging;

/// <summary>
/// The process's real stderr, taken before Console.Error is replaced by <see cref="PluginConsoleCapture"/>: start-up
/// errors repeated for humans and debug lines go here, never into the plugin capture.
/// </summary>
public static class HostConsole
{
    public static TextWriter StandardError { get; } = new StreamWriter(Console.OpenStandardError(), new UTF8Encoding(false)) { AutoFlush = true };
}
