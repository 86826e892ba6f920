using Microsoft.Extensions.Logging;

namespace ConnectorHost.Abstractions.Plugins;

/// <summary>
/// What the host hands a plugin's constructor. A plugin type has either a public parameterless constructor or
/// one that takes a <see cref="PluginContext"/>.
/// </summary>
public sealed class PluginContext
{
    public PluginContext(string pluginName, string pluginDirectory, string dataDirectory, ILoggerFactory loggerFactory)
    {
        PluginName = pluginName;
        PluginDirectory = pluginDirectory;
        DataDirectory = dataDirectory;
        LoggerFactory = loggerFactory;
    }

    /// <summary>The name the plugin is known by in plugins.json (its folder name).</summary>
    public string PluginName { get; }

    /// <summary>The plugin's own folder (its assembly and dependencies).</summary>
    public string PluginDirectory { get; }

    /// <summary>A writable folder for the plugin's default data (e.g. a database file), next to the host.</summary>
    public string DataDirectory { get; }

    /// <summary>Loggers whose lines come out in Fivetran's JSON format with this side's message-origin.</summary>
    public ILoggerFactory LoggerFactory { get; }
}
