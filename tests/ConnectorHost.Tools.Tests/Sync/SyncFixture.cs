using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Abstractions.Plugins;
using ConnectorHost.Testing.Sync;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace ConnectorHost.Tools.Tests.Sync;

/// <summary>A temp folder with a SQLite destination in it, a state file and the rows that landed.</summary>
public sealed class SyncFixture : IDisposable
{
    public SyncFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "connectorhost-sync-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Destination = new SqliteDestination.SqliteDestinationConnector(
            new PluginContext("SqliteDestination", Directory, Path.Combine(Directory, "data"), NullLoggerFactory.Instance));
    }

    public string Directory { get; }

    public IDestinationConnector Destination { get; }

    public string DatabasePath => Path.Combine(Directory, "data", "destination.db");

    public string StateFile => Path.Combine(Directory, "state.json");

    public SyncOptions Options(Dictionary<string, string>? source = null, long maxRowsPerBatch = 1_000_000) => new()
    {
        SourceConfiguration = source ?? new Dictionary<string, string> { ["apiBaseURL"] = "https://example.com" },
        DestinationConfiguration = new Dictionary<string, string>(),
        StateFile = StateFile,
        WorkDirectory = Path.Combine(Directory, "work"),
        SyncStart = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero),
        MaxRowsPerBatch = maxRowsPerBatch,
    };

    /// <summary>Rows of a landed table, each as text cells in the order of <paramref name="columns"/>, sorted.</summary>
    public List<string> Rows(string schemaAndTable, params string[] columns)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", columns.Select(c => $"\"{c}\""))} FROM \"{schemaAndTable}\"";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, columns.Length).Select(i => reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
