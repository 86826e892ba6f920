using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.Destination;
using FivetranSdk.V2;

namespace ConnectorHost.Tools.Tests.Sync;

/// <summary>A destination that fails its Nth WriteBatch (1-based) and passes every other call to the real one.</summary>
public sealed class FailingDestination(IDestinationConnector inner, int failingWriteBatch) : IDestinationConnector
{
    private int _writeBatches;

    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken) => inner.ConfigurationFormAsync(cancellationToken);

    public Task<CapabilitiesResponse> CapabilitiesAsync(CapabilitiesRequest request, CancellationToken cancellationToken) => inner.CapabilitiesAsync(request, cancellationToken);

    public Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken) => inner.TestAsync(request, cancellationToken);

    public Task<DescribeTableResponse> DescribeTableAsync(DescribeTableRequest request, CancellationToken cancellationToken) => inner.DescribeTableAsync(request, cancellationToken);

    public Task<CreateTableResponse> CreateTableAsync(CreateTableRequest request, CancellationToken cancellationToken) => inner.CreateTableAsync(request, cancellationToken);

    public Task<AlterTableResponse> AlterTableAsync(AlterTableRequest request, CancellationToken cancellationToken) => inner.AlterTableAsync(request, cancellationToken);

    public Task<TruncateResponse> TruncateAsync(TruncateRequest request, CancellationToken cancellationToken) => inner.TruncateAsync(request, cancellationToken);

    public Task<WriteBatchResponse> WriteBatchAsync(WriteBatchRequest request, CancellationToken cancellationToken) =>
        ++_writeBatches == failingWriteBatch
            ? throw new ConnectorException(ConnectorErrorKind.Unavailable, "the warehouse went away")
            : inner.WriteBatchAsync(request, cancellationToken);

    public Task<WriteBatchResponse> WriteHistoryBatchAsync(WriteHistoryBatchRequest request, CancellationToken cancellationToken) => inner.WriteHistoryBatchAsync(request, cancellationToken);

    public Task<MigrateResponse> MigrateAsync(MigrateRequest request, CancellationToken cancellationToken) => inner.MigrateAsync(request, cancellationToken);
}
