using System.CommandLine;
using ConnectorHost.Tools.Debug;
using ConnectorHost.Tools.TestDestination;

namespace ConnectorHost.Tools;

/// <summary>The command-line tools beside the serve command: they enter at dispatch, as the gRPC services do.</summary>
public static class ToolCommands
{
    public static void AddTo(RootCommand root, TextWriter stdout)
    {
        root.Subcommands.Add(DebugCommand.Create(stdout));
        root.Subcommands.Add(DebugCommand.CreateReset(stdout));
        root.Subcommands.Add(TestDestinationCommand.Create(stdout));
        root.Subcommands.Add(PluginList.PluginsCommand.Create(stdout));
    }
}
