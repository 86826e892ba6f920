using ConnectorHost.Testing.Grpc;
using ConnectorHost.Testing.Hosting;
using Xunit;

namespace SqliteDestination.Tests.Support;

/// <summary>One real host serving SqliteDestination from artifacts/plugins, shared by a test class.</summary>
public sealed class SqliteHostFixture : IAsyncLifetime
{
    private HostProcess? _host;
    private GrpcTestClient? _client;

    public GrpcDestinationConnector Connector { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _host = await HostProcess.StartAsync(new HostConfig { PluginsDirectory = RepoPaths.PluginsDirectory, DestinationPlugin = "SqliteDestination" });
        _client = new GrpcTestClient(_host.DestinationPort);
        Connector = new GrpcDestinationConnector(_client);
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
