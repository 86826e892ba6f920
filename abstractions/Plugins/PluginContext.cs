using Microsoft.Extensions.Logging;

namespace ConnectorHost.Abstractions.Plugins;

/// <summary>
/// What the host hands a plugin's constructor. A plugin type has either a public parameterless constructor or
/// one that takes a <see cref="PluginContext"/>.
/// </summary>
public sealed class PluginContext
{
    private static readonly IReadOnlyDictionary<string, string> NoSettings = new Dictionary<string, string>();

    public PluginContext(string pluginName, string pluginDirectory, string dataDirectory, ILoggerFactory loggerFactory)
        : this(pluginName, pluginDirectory, dataDirectory, loggerFactory, operatorSettings: null)
    {
    }

    /// <param name="operatorSettings">The plugin's <c>settings</c> object from plugins.json (see <see cref="OperatorSettings"/>).</param>
    public PluginContext(
        string pluginName,
        string pluginDirectory,
        string dataDirectory,
        ILoggerFactory loggerFactory,
        IReadOnlyDictionary<string, string>? operatorSettings)
    {
        PluginName = pluginName;
        PluginDirectory = pluginDirectory;
        DataDirectory = dataDirectory;
        LoggerFactory = loggerFactory;
        OperatorSettings = operatorSettings is null
            ? NoSettings
            : new Dictionary<string, string>(operatorSettings, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The name the plugin is known by in plugins.json (its folder name).</summary>
    public string PluginName { get; }

    /// <summary>The plugin's own folder (its assembly and dependencies).</summary>
    public string PluginDirectory { get; }

    /// <summary>A writable folder for the plugin's default data (e.g. a database file), next to the host.</summary>
    public string DataDirectory { get; }

    /// <summary>Loggers whose lines come out in Fivetran's JSON format with this side's message-origin.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>
    /// Settings the operator gave this plugin in plugins.json (the <c>settings</c> object next to the plugin's name,
    /// string values; keys compared case-insensitively). Unlike a request's configuration, which comes from the
    /// client, these are the operator's: use them for limits and permissions a client must not be able to change
    /// (e.g. which folders a database may live in). Empty when plugins.json gives none. A plugin should refuse a
    /// value it cannot use by throwing from its constructor, with a message naming the setting.
    /// </summary>
    public IReadOnlyDictionary<string, string> OperatorSettings { get; }
}
