using ConnectorHost.Abstractions.Plugins;
using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Benchmarks.Destinations;
using ConnectorHost.Benchmarks.Sqlite;
using DuckDbDestination;
using Microsoft.Extensions.Logging.Abstractions;

namespace ConnectorHost.Benchmarks.DuckDb;

/// <summary>
/// The DuckDB destination on a fresh database file, in process or (--host) served by the host over gRPC: the
/// destination targets (see DestinationWriteBenchmark).
/// </summary>
public sealed class DuckDbWriteScenario : IScenario
{
    public string Name => "duckdb-write";

    public string Description => "DuckDB destination: 1M replace, 100k update, 100k delete, 1M history replace (rows/s, peak RSS); --host through the host over gRPC, --rows N for another table size, --memory-limit-mb N, --warm to measure after a first replace into another table";

    public async Task<int> RunAsync(string[] args)
    {
        var tableRows = ScenarioArguments.Option(args, "--rows", DestinationWriteBenchmark.DefaultTableRows);
        var folder = Path.Combine(Path.GetTempPath(), "connectorhost-bench", "duckdb-" + Environment.ProcessId);
        Directory.CreateDirectory(folder);
        try
        {
            // Through the host the database lands in the host's data folder for the plugin (a relative path).
            await using var host = ScenarioArguments.Flag(args, "--host") ? await HostTarget.StartAsync("DuckDbDestination") : null;
            using var inProcess = host is null ? new DuckDbDestinationConnector(new PluginContext("DuckDbDestination", folder, folder, NullLoggerFactory.Instance)) : null;
            IDestinationConnector destination = host?.Connector ?? inProcess!;
            Console.WriteLine(host is null ? "In-process plugin" : $"Through the host (pid {host.ProcessId}) over gRPC");
            var configuration = new Dictionary<string, string> { ["database_path"] = "bench.duckdb" };
            if (ScenarioArguments.Option(args, "--memory-limit-mb", 0) is > 0 and var limit)
            {
                configuration["memory_limit_mb"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            await DestinationWriteBenchmark.RunAsync(destination, configuration, tableRows, 500_000, folder, host?.ProcessId ?? Environment.ProcessId, ScenarioArguments.Flag(args, "--warm"));
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
