using ConnectorHost.Abstractions.Plugins;
using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Benchmarks.Destinations;
using ConnectorHost.Benchmarks.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using PostgresDestination;

namespace ConnectorHost.Benchmarks.Postgres;

/// <summary>
/// The PostgreSQL destination, in process or (--host) served by the host over gRPC, against the server tests/postgres/start.sh starts (CONNECTORHOST_TEST_PG_*
/// variables), in schemas with a fresh prefix that are dropped afterwards: the destination targets.
/// </summary>
public sealed class PostgresWriteScenario : IScenario
{
    public string Name => "postgres-write";

    public string Description => "PostgreSQL destination (server from tests/postgres/start.sh): 1M replace, 100k update, 100k delete, 1M history replace; --host through the host over gRPC, --rows N, --warm to measure after a first replace into another table";

    public async Task<int> RunAsync(string[] args)
    {
        var tableRows = ScenarioArguments.Option(args, "--rows", DestinationWriteBenchmark.DefaultTableRows);
        string Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v
            : throw new InvalidOperationException($"{name} is not set: run `eval \"$(tests/postgres/start.sh)\"` first.");
        var prefix = "bench" + Environment.ProcessId + "_";
        var configuration = new Dictionary<string, string>
        {
            ["host"] = Env("CONNECTORHOST_TEST_PG_HOST"), ["port"] = Env("CONNECTORHOST_TEST_PG_PORT"), ["database"] = Env("CONNECTORHOST_TEST_PG_DATABASE"),
            ["user"] = Env("CONNECTORHOST_TEST_PG_USER"), ["password"] = Environment.GetEnvironmentVariable("CONNECTORHOST_TEST_PG_PASSWORD") ?? "",
            ["schema_prefix"] = prefix, ["ssl_mode"] = "disable",
        };
        var folder = Path.Combine(Path.GetTempPath(), "connectorhost-bench", "postgres-" + Environment.ProcessId);
        Directory.CreateDirectory(folder);
        try
        {
            await using var host = ScenarioArguments.Flag(args, "--host") ? await HostTarget.StartAsync("PostgresDestination") : null;
            using var inProcess = host is null ? new PostgresDestinationConnector(new PluginContext("PostgresDestination", folder, folder, NullLoggerFactory.Instance)) : null;
            IDestinationConnector destination = host?.Connector ?? inProcess!;
            Console.WriteLine(host is null ? "In-process plugin" : $"Through the host (pid {host.ProcessId}) over gRPC");
            await DestinationWriteBenchmark.RunAsync(destination, configuration, tableRows, 250_000, folder, host?.ProcessId ?? Environment.ProcessId, ScenarioArguments.Flag(args, "--warm"));
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
            await using var connection = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder
            {
                Host = configuration["host"], Port = int.Parse(configuration["port"], System.Globalization.CultureInfo.InvariantCulture), Database = configuration["database"],
                Username = configuration["user"], Password = configuration["password"], SslMode = Npgsql.SslMode.Disable,
            }.ConnectionString);
            await connection.OpenAsync();
            await using var drop = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{prefix}bench\" CASCADE; DROP SCHEMA IF EXISTS \"{prefix}_connectorhost\" CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
