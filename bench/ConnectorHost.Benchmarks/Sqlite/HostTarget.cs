using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Testing.Grpc;
using ConnectorHost.Testing.Hosting;

namespace ConnectorHost.Benchmarks.Sqlite;

/// <summary>A destination plugin served by the real host (built into artifacts/plugins), called over gRPC with Grpc.Net.Client.</summary>
internal sealed class HostTarget : IAsyncDisposable
{
    private readonly HostProcess _host;
    private readonly HostClient _client;

    private HostTarget(HostProcess host)
    {
        _host = host;
        _client = new HostClient(host.DestinationPort);
        Connector = new GrpcDestinationConnector(_client.Destination);
    }

    public IDestinationConnector Connector { get; }

    public int ProcessId => _host.ProcessId;

    public static Task<HostTarget> StartAsync() =>
        StartAsync("SqliteDestination", new Dictionary<string, string> { ["allowedDatabaseRoots"] = Path.GetTempPath() });

    public static async Task<HostTarget> StartAsync(string destinationPlugin, Dictionary<string, string>? settings = null) =>
        new(await HostProcess.StartAsync(new HostConfig
        {
            PluginsDirectory = RepoPaths.PluginsDirectory,
            DestinationPlugin = destinationPlugin,
            DestinationSettings = settings,
        }));

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }
}
