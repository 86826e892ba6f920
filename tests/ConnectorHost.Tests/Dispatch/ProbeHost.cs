using ConnectorHost.Testing.Grpc;
using ConnectorHost.Testing.Hosting;
using Xunit;

namespace ConnectorHost.Tests.Dispatch;

/// <summary>One real host serving ProbeSource and ProbeDestination, shared by the dispatch tests (start-up once).</summary>
public sealed class ProbeHost : IAsyncLifetime
{
    public const string Source = "/fivetran_sdk.v2.SourceConnector/";
    public const string Destination = "/fivetran_sdk.v2.DestinationConnector/";

    private HostProcess? _host;

    public HostProcess Process => _host ?? throw new InvalidOperationException("Not started.");

    public GrpcTestClient SourceClient { get; private set; } = null!;

    public GrpcTestClient DestinationClient { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _host = await HostProcess.StartAsync(new HostConfig { SourcePlugin = "ProbeSource", DestinationPlugin = "ProbeDestination" });
        SourceClient = new GrpcTestClient(_host.SourcePort);
        DestinationClient = new GrpcTestClient(_host.DestinationPort);
    }

    public async Task DisposeAsync()
    {
        SourceClient.Dispose();
        DestinationClient.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    /// <summary>Waits for a log line containing <paramref name="text"/> (a marker unique to the test).</summary>
    public Task<HostLogLine> LogContainingAsync(string text) =>
        Process.WaitForLogAsync(l => l.Message?.Contains(text, StringComparison.Ordinal) == true, what: $"a log line containing '{text}'");
}

[CollectionDefinition(Name)]
public sealed class ProbeHostCollection : ICollectionFixture<ProbeHost>
{
    public const string Name = "probe host";
}
