using ConnectorHost.Testing.Grpc;
using ConnectorHost.Testing.Hosting;
using Xunit;

namespace ConnectorHost.Conformance.Tests.Support;

/// <summary>One real host serving a destination plugin from artifacts/plugins, shared by a test class.</summary>
public abstract class HostFixture(string plugin) : IAsyncLifetime
{
    private HostProcess? _host;
    private GrpcTestClient? _client;

    public GrpcDestinationConnector Connector { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _host = await HostProcess.StartAsync(new HostConfig { PluginsDirectory = RepoPaths.PluginsDirectory, DestinationPlugin = plugin });
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

public sealed class PostgresHostFixture() : HostFixture("PostgresDestination");
