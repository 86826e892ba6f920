using ConnectorHost.Abstractions.Plugins;
using ConnectorHost.Benchmarks.Destinations;
using DuckDbDestination;
using Microsoft.Extensions.Logging.Abstractions;

namespace ConnectorHost.Benchmarks.DuckDb;

/// <summary>The DuckDB destination in process on a fresh database file: the destination targets (see DestinationWriteBenchmark).</summary>
public sealed class DuckDbWriteScenario : IScenario
{
    public string Name => "duckdb-write";

    public string Description => "DuckDB destination in process: 1M replace, 100k update, 100k delete, 1M history replace (rows/s, peak RSS); --rows N for another table size, --memory-limit-mb N";

    public async Task<int> RunAsync(string[] args)
    {
        var tableRows = ScenarioArguments.Option(args, "--rows", DestinationWriteBenchmark.DefaultTableRows);
        var folder = Path.Combine(Path.GetTempPath(), "connectorhost-bench", "duckdb-" + Environment.ProcessId);
        Directory.CreateDirectory(folder);
        try
        {
            using var destination = new DuckDbDestinationConnector(new PluginContext("DuckDbDestination", folder, folder, NullLoggerFactory.Instance));
            var configuration = new Dictionary<string, string> { ["database_path"] = "bench.duckdb" };
            if (ScenarioArguments.Option(args, "--memory-limit-mb", 0) is > 0 and var limit)
            {
                configuration["memory_limit_mb"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            await DestinationWriteBenchmark.RunAsync(destination, configuration, tableRows, 500_000, folder);
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
