namespace ConnectorHost.Plugins;

/// <summary>A plugin could not be loaded; the message names the plugin, the path, what was wrong and how to fix it.</summary>
public sealed class PluginLoadException(string pluginName, ConnectorSide side, PluginLoadDiagnosis diagnosis)
    : Exception($"Cannot load {side.ConfigKey()} plugin '{pluginName}': {diagnosis.Describe()}")
{
    public string PluginName { get; } = pluginName;

    public ConnectorSide Side { get; } = side;

    /// <summary>Which failure it was, with its particulars.</summary>
    public PluginLoadDiagnosis Diagnosis { get; } = diagnosis;
}
