using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Dispatch;
using FivetranSdk.V2;
using Grpc.Core;

namespace ConnectorHost.Testing.Grpc;

/// <summary>
/// A destination reached over gRPC: each call goes to a running host, and a failed status comes back as the
/// <see cref="ConnectorException"/> the plugin would have thrown in-process. Lets one test suite run a plugin both
/// in-process and end to end through the host.
/// </summary>
public sealed class GrpcDestinationConnector(DestinationConnector.DestinationConnectorClient client) : IDestinationConnector
{
    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken) =>
        CallAsync(() => client.ConfigurationFormAsync(new ConfigurationFormRequest(), cancellationToken: cancellationToken));

    public Task<CapabilitiesResponse> CapabilitiesAsync(CapabilitiesRequest request, CancellationToken cancellationToken) =>
        CallAsync(() => client.CapabilitiesAsync(request, cancellationToken: cancellationToken));

    public Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken) =>
        CallAsync(() => client.TestAsync(request, cancellationToken: cancellationToken));

    public Task<DescribeTableResponse> DescribeTableAsync(DescribeTableRequest request, CancellationToken cancellationToken) =>
        CallAsync(() => client.DescribeTableAsync(request, cancellationToken: cancellationToken));

    public Task<CreateTableResponse> CreateTableAsync(CreateTableRequest request, CancellationToken cancellationToken) =>
        CallAsync(() => client.CreateTableAsync(request, cancellationToken: cancellationToken));

    public Task<AlterTableResponse> AlterTableAsync(AlterTableRequest request, CancellationToken cancellationToken) =>
        CallAsync(() => client.AlterTableAsync(request, cancellationToken: cancellationToken));

    public Task<TruncateResponse> TruncateAsync(TruncateRequest request, CancellationToken cancellationToken) =>
        CallAsync(() => client.TruncateAsync(request, cancellationToken: cancellationToken));

    public Task<WriteBatchResponse> WriteBatchAsync(WriteBatchRequest request, CancellationToken cancellationToken) =>
        CallAsync(() => client.WriteBatchAsync(request, cancellationToken: cancellationToken));

    public Task<WriteBatchResponse> WriteHistoryBatchAsync(WriteHistoryBatchRequest request, CancellationToken cancellationToken) =>
        CallAsync(() => client.WriteHistoryBatchAsync(request, cancellationToken: cancellationToken));

    public Task<MigrateResponse> MigrateAsync(MigrateRequest request, CancellationToken cancellationToken) =>
        CallAsync(() => client.MigrateAsync(request, cancellationToken: cancellationToken));

    private static async Task<TResponse> CallAsync<TResponse>(Func<AsyncUnaryCall<TResponse>> call)
    {
        try
        {
            using var pending = call();
            return await pending.ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            throw StatusKinds.ToConnectorException(e);
        }
    }
}
