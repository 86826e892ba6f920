using FivetranSdk.V2;

namespace ConnectorHost.Abstractions.Destination;

/// <summary>
/// A Fivetran destination connector (the DestinationConnector service). The host calls these for every RPC;
/// the plugin never sees HTTP or gRPC. Throw <see cref="ConnectorException"/> to answer a specific status.
/// </summary>
public interface IDestinationConnector
{
    Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken);

    Task<CapabilitiesResponse> CapabilitiesAsync(CapabilitiesRequest request, CancellationToken cancellationToken);

    Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken);

    Task<DescribeTableResponse> DescribeTableAsync(DescribeTableRequest request, CancellationToken cancellationToken);

    Task<CreateTableResponse> CreateTableAsync(CreateTableRequest request, CancellationToken cancellationToken);

    Task<AlterTableResponse> AlterTableAsync(AlterTableRequest request, CancellationToken cancellationToken);

    Task<TruncateResponse> TruncateAsync(TruncateRequest request, CancellationToken cancellationToken);

    Task<WriteBatchResponse> WriteBatchAsync(WriteBatchRequest request, CancellationToken cancellationToken);

    Task<WriteBatchResponse> WriteHistoryBatchAsync(WriteHistoryBatchRequest request, CancellationToken cancellationToken);

    Task<MigrateResponse> MigrateAsync(MigrateRequest request, CancellationToken cancellationToken);
}
