namespace ConnectorHost.Plugins;

/// <summary>A plugin could not be loaded; the message names the plugin, the path, what was wrong and how to fix it.</summary>
public sealed class PluginLoadException(string pluginName, ConnectorSide side, string message) : Exception(message)
{
    public string PluginName { get; } = pluginName;

    public ConnectorSide Side { get; } = side;
}
