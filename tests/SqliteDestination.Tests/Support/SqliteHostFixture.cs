using ConnectorHost.Testing.Grpc;
using ConnectorHost.Testing.Hosting;
using Xunit;

namespace SqliteDestination.Tests.Support;

/// <summary>One real host serving SqliteDestination from artifacts/plugins, shared by a test class.</summary>
public sealed class SqliteHostFixture : HostFixture, IAsyncLifetime
{
    protected override HostConfig Config => new() { PluginsDirectory = RepoPaths.PluginsDirectory, DestinationPlugin = "SqliteDestination" };

    /// <summary>The plugin behind the host, as an <see cref="ConnectorHost.Abstractions.Destination.IDestinationConnector"/> over gRPC.</summary>
    public GrpcDestinationConnector Connector => new(Host.DestinationClient);
}
