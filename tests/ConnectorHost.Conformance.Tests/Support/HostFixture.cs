using ConnectorHost.Testing.Grpc;
using ConnectorHost.Testing.Hosting;
using FivetranSdk.V2;
using Xunit;

namespace ConnectorHost.Conformance.Tests.Support;

/// <summary>
/// One real host serving a destination plugin from artifacts/plugins, shared by a test class, reached over gRPC;
/// plugins.json gives the plugin the operator setting for <paramref name="batchFileFormat"/>.
/// </summary>
public abstract class DestinationHostFixture(string plugin, BatchFileFormat batchFileFormat) : HostFixture, IAsyncLifetime
{
    public GrpcDestinationConnector Connector => new(Host.DestinationClient);

    protected override HostConfig Config => new()
    {
        PluginsDirectory = RepoPaths.PluginsDirectory,
        DestinationPlugin = plugin,
        DestinationSettings = DestinationUnderTest.SettingsFor(batchFileFormat),
    };
}

public sealed class PostgresCsvHostFixture() : DestinationHostFixture("PostgresDestination", BatchFileFormat.Csv);

public sealed class PostgresParquetHostFixture() : DestinationHostFixture("PostgresDestination", BatchFileFormat.Parquet);
