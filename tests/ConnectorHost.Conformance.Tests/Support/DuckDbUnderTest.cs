using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Abstractions.Plugins;
using DuckDB.NET.Data;
using DuckDbDestination;
using FivetranSdk.V2;
using Microsoft.Extensions.Logging.Abstractions;

namespace ConnectorHost.Conformance.Tests.Support;

/// <summary>DuckDbDestination on a fresh database file; rows read with their own DuckDB connection, columns from its catalog table.</summary>
public sealed class DuckDbUnderTest : DestinationUnderTest
{
    private readonly string _databasePath;
    private readonly DuckDbDestinationConnector _connector;

    public DuckDbUnderTest(BatchFileFormat batchFileFormat)
        : base(batchFileFormat)
    {
        var data = Path.Combine(WorkDirectory, "data");
        _connector = new DuckDbDestinationConnector(new PluginContext("DuckDbDestination", WorkDirectory, data, NullLoggerFactory.Instance, OperatorSettings));
        _databasePath = Path.Combine(data, "destination.duckdb");
        Configuration = new Dictionary<string, string>();
    }

    public override IDestinationConnector Connector => _connector;

    public override Dictionary<string, string> Configuration { get; }

    public override Task<List<Dictionary<string, object?>>> ReadRowsAsync(string schema, string table)
    {
        using var connection = new DuckDBConnection($"Data Source={_databasePath}");
        connection.Open();
        var columns = new List<(string Name, string Type)>();
        using (var find = connection.CreateCommand())
        {
            find.CommandText = "SELECT column_name, data_type FROM \"_connectorhost\".\"columns\" WHERE schema_name = $1 AND table_name = $2 ORDER BY ordinal";
            find.Parameters.Add(new DuckDBParameter(schema));
            find.Parameters.Add(new DuckDBParameter(table));
            using var reader = find.ExecuteReader();
            while (reader.Read())
            {
                columns.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        if (columns.Count == 0)
        {
            throw new InvalidOperationException($"DuckDB has no table {schema}.{table}");
        }

        using var select = connection.CreateCommand();
        // DECIMAL(38, s) can exceed .NET decimal: read it as text.
        select.CommandText = $"SELECT {string.Join(", ", columns.Select(c => c.Type == "Decimal" ? $"CAST({Quote(c.Name)} AS VARCHAR)" : Quote(c.Name)))} FROM {Quote(schema)}.{Quote(table)}";
        using var rows = select.ExecuteReader();
        var result = new List<Dictionary<string, object?>>();
        while (rows.Read())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < columns.Count; i++)
            {
                var value = rows.IsDBNull(i) ? null : rows.GetValue(i);
                if (value is Stream blob)
                {
                    using var copy = new MemoryStream();
                    blob.CopyTo(copy);
                    value = copy.ToArray();
                }

                row[columns[i].Name] = value;
            }

            result.Add(row);
        }

        return Task.FromResult(result);
    }

    public override async ValueTask DisposeAsync()
    {
        _connector.Dispose();
        await base.DisposeAsync();
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
