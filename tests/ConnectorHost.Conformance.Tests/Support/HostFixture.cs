using ConnectorHost.Testing.Grpc;
using ConnectorHost.Testing.Hosting;
using Xunit;

namespace ConnectorHost.Conformance.Tests.Support;

/// <summary>One real host serving a destination plugin from artifacts/plugins, shared by a test class, reached over gRPC.</summary>
public abstract class DestinationHostFixture(string plugin) : HostFixture, IAsyncLifetime
{
    public GrpcDestinationConnector Connector => new(Host.DestinationClient);

    protected override HostConfig Config => new() { PluginsDirectory = RepoPaths.PluginsDirectory, DestinationPlugin = plugin };
}

public sealed class PostgresHostFixture() : DestinationHostFixture("PostgresDestination");
