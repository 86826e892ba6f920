using ConnectorHost.Abstractions.Plugins;
using FivetranSdk.V2;

namespace ConnectorHost.Abstractions.Destination;

/// <summary>
/// The operator setting <c>batchFileFormat</c> (plugins.json <c>destination.settings</c>): which batch-file format a
/// destination asks for in <c>Capabilities</c>, <c>CSV</c> (the default) or <c>PARQUET</c>.
/// <para>
/// It is an operator setting because <c>CapabilitiesRequest</c> carries no configuration: the customer's form values
/// never reach <c>Capabilities</c>, so the only thing a plugin knows when it answers is its own settings.
/// </para>
/// Asking for one format does not stop a destination from reading the other: <see cref="BatchFiles.BatchFileReader"/>
/// tells the formats apart by the file's content.
/// </summary>
public static class BatchFileFormatSetting
{
    public const string Key = "batchFileFormat";

    /// <summary>
    /// The format the operator chose, CSV when the setting is absent or blank. Any other value than CSV or PARQUET
    /// (case-insensitive) throws <see cref="ArgumentException"/> naming the plugin, the setting and the allowed values:
    /// thrown from the plugin's constructor, it stops the host from loading the plugin with that message.
    /// </summary>
    public static BatchFileFormat Read(PluginContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.OperatorSettings.TryGetValue(Key, out var text) || string.IsNullOrWhiteSpace(text))
        {
            return BatchFileFormat.Csv;
        }

        return text.Trim().ToUpperInvariant() switch
        {
            "CSV" => BatchFileFormat.Csv,
            "PARQUET" => BatchFileFormat.Parquet,
            _ => throw new ArgumentException(
                $"{context.PluginName} setting '{Key}' must be CSV or PARQUET (the batch-file format the destination asks for in Capabilities), not '{text}'."),
        };
    }
}
