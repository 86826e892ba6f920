using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Abstractions.Plugins;
using FivetranSdk.V2;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using SqliteDestination;

namespace ConnectorHost.Conformance.Tests.Support;

/// <summary>SqliteDestination on a fresh database file; rows read through its catalog tables.</summary>
public sealed class SqliteUnderTest : DestinationUnderTest
{
    private readonly string _databasePath;

    public SqliteUnderTest(BatchFileFormat batchFileFormat)
        : base(batchFileFormat)
    {
        var data = Path.Combine(WorkDirectory, "data");
        Connector = new SqliteDestinationConnector(new PluginContext("SqliteDestination", WorkDirectory, data, NullLoggerFactory.Instance, OperatorSettings));
        _databasePath = Path.Combine(data, "destination.db");
        Configuration = new Dictionary<string, string>();
    }

    public override IDestinationConnector Connector { get; }

    public override Dictionary<string, string> Configuration { get; }

    public override Task<List<Dictionary<string, object?>>> ReadRowsAsync(string schema, string table)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _databasePath, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        string physical;
        var columns = new List<(string Name, string Physical)>();
        using (var find = connection.CreateCommand())
        {
            find.CommandText = "SELECT id, physical_name FROM _connectorhost_tables WHERE schema_name = $s AND table_name = $t";
            find.Parameters.AddWithValue("$s", schema);
            find.Parameters.AddWithValue("$t", table);
            using var reader = find.ExecuteReader();
            if (!reader.Read())
            {
                throw new InvalidOperationException($"SQLite has no table {schema}.{table}");
            }

            var id = reader.GetInt64(0);
            physical = reader.GetString(1);
            reader.Close();
            find.CommandText = "SELECT column_name, physical_name FROM _connectorhost_columns WHERE table_id = $id ORDER BY ordinal";
            find.Parameters.AddWithValue("$id", id);
            using var columnReader = find.ExecuteReader();
            while (columnReader.Read())
            {
                columns.Add((columnReader.GetString(0), columnReader.GetString(1)));
            }
        }

        using var select = connection.CreateCommand();
        select.CommandText = $"SELECT {string.Join(", ", columns.Select(c => Quote(c.Physical)))} FROM {Quote(physical)}";
        using var rows = select.ExecuteReader();
        var result = new List<Dictionary<string, object?>>();
        while (rows.Read())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < columns.Count; i++)
            {
                row[columns[i].Name] = rows.IsDBNull(i) ? null : rows.GetValue(i);
            }

            result.Add(row);
        }

        return Task.FromResult(result);
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
