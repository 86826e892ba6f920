using ConnectorHost.Testing.Grpc;
using ConnectorHost.Testing.Hosting;
using Xunit;

namespace ConnectorHost.Tests.ExampleSource;

/// <summary>One real host serving the built ExampleSource plugin (artifacts/plugins), shared by a test class.</summary>
public sealed class ExampleSourceHostFixture : IAsyncLifetime
{
    public const string Service = "/fivetran_sdk.v2.SourceConnector/";

    private HostProcess? _host;

    public HostProcess Host => _host ?? throw new InvalidOperationException("The host is not started.");

    public GrpcTestClient NewClient() => new(Host.SourcePort);

    public async Task InitializeAsync() =>
        _host = await HostProcess.StartAsync(new HostConfig { PluginsDirectory = RepoPaths.PluginsDirectory, SourcePlugin = "ExampleSource" });

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
