using ConnectorHost.Abstractions.Destination;
using FivetranSdk.V2;

namespace ConnectorHost.Conformance.Tests.Support;

/// <summary>
/// One destination plugin on fresh, private storage, plus the test-side knowledge of how it stores rows: a row
/// reader that queries its storage directly (never through the plugin), so the suite asserts what really landed.
/// </summary>
/// <param name="batchFileFormat">The format the plugin is told to ask for (operator setting batchFileFormat) and the suite writes.</param>
public abstract class DestinationUnderTest(BatchFileFormat batchFileFormat) : IAsyncDisposable
{
    /// <summary>The batch-file format the plugin's Capabilities ask for and the suite's batch files are written in.</summary>
    public BatchFileFormat BatchFileFormat { get; } = batchFileFormat;

    /// <summary>The operator settings the plugin is constructed with (plugins.json <c>destination.settings</c>).</summary>
    public IReadOnlyDictionary<string, string> OperatorSettings => SettingsFor(BatchFileFormat);

    public static IReadOnlyDictionary<string, string> SettingsFor(BatchFileFormat format) =>
        new Dictionary<string, string> { [BatchFileFormatSetting.Key] = format == BatchFileFormat.Parquet ? "PARQUET" : "CSV" };

    /// <summary>The plugin, constructed in process with a PluginContext.</summary>
    public abstract IDestinationConnector Connector { get; }

    /// <summary>The configuration every request carries.</summary>
    public abstract Dictionary<string, string> Configuration { get; }

    /// <summary>A scratch folder for batch files, removed on dispose.</summary>
    public string WorkDirectory { get; } = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "conformance-" + Guid.NewGuid().ToString("N"))).FullName;

    /// <summary>
    /// Every row of a Fivetran table as stored, by Fivetran column name. Values may be in the storage's own
    /// representation (0/1 for booleans, text for decimals, ...): <see cref="CanonicalValue"/> normalises them
    /// using the column's Fivetran type.
    /// </summary>
    public abstract Task<List<Dictionary<string, object?>>> ReadRowsAsync(string schema, string table);

    public virtual ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
        }

        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
