using ConnectorHost.Testing.Grpc;
using ConnectorHost.Testing.Hosting;
using Xunit;

namespace SqliteDestination.Tests.Support;

/// <summary>One real host serving SqliteDestination from artifacts/plugins, shared by a test class.</summary>
public sealed class SqliteHostFixture : HostFixture, IAsyncLifetime
{
    // The harness points every request at its own database file in the temp folder: the operator allows that root.
    protected override HostConfig Config => new()
    {
        PluginsDirectory = RepoPaths.PluginsDirectory,
        DestinationPlugin = "SqliteDestination",
        DestinationSettings = new Dictionary<string, string> { ["allowedDatabaseRoots"] = Path.GetTempPath() },
    };

    /// <summary>The plugin behind the host, as an <see cref="ConnectorHost.Abstractions.Destination.IDestinationConnector"/> over gRPC.</summary>
    public GrpcDestinationConnector Connector => new(Host.DestinationClient);
}
