using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Dispatch;
using FivetranSdk.V2;
using Grpc.Core;

namespace ConnectorHost.Dispatch;

/// <summary>
/// A destination plugin called in process through the host's own dispatch (leases, redaction, alert mapping, error
/// statuses, the status cap), so the caller sees exactly what a gRPC client would: the response, or the
/// <see cref="RpcException"/> the service would answer with, unless <paramref name="failureAs"/> turns it into another
/// exception (the tools report a <see cref="ConnectorException"/> through <see cref="StatusKinds.ToConnectorException"/>).
/// </summary>
public sealed class DispatchedDestination(PluginDispatcher<IDestinationConnector> dispatcher, Func<RpcException, Exception>? failureAs = null)
    : IDestinationConnector
{
    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken) =>
        Call("ConfigurationForm", null, cancellationToken, (plugin, token) => plugin.ConfigurationFormAsync(token));

    public Task<CapabilitiesResponse> CapabilitiesAsync(CapabilitiesRequest request, CancellationToken cancellationToken) =>
        Call("Capabilities", null, cancellationToken, (plugin, token) => plugin.CapabilitiesAsync(request, token));

    public Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken) =>
        Call("Test", request.Configuration, cancellationToken, (plugin, token) => plugin.TestAsync(request, token));

    public Task<DescribeTableResponse> DescribeTableAsync(DescribeTableRequest request, CancellationToken cancellationToken) =>
        Call("DescribeTable", request.Configuration, cancellationToken, (plugin, token) => plugin.DescribeTableAsync(request, token));

    public Task<CreateTableResponse> CreateTableAsync(CreateTableRequest request, CancellationToken cancellationToken) =>
        Call("CreateTable", request.Configuration, cancellationToken, (plugin, token) => plugin.CreateTableAsync(request, token));

    public Task<AlterTableResponse> AlterTableAsync(AlterTableRequest request, CancellationToken cancellationToken) =>
        Call("AlterTable", request.Configuration, cancellationToken, (plugin, token) => plugin.AlterTableAsync(request, token));

    public Task<TruncateResponse> TruncateAsync(TruncateRequest request, CancellationToken cancellationToken) =>
        Call("Truncate", request.Configuration, cancellationToken, (plugin, token) => plugin.TruncateAsync(request, token));

    public Task<WriteBatchResponse> WriteBatchAsync(WriteBatchRequest request, CancellationToken cancellationToken) =>
        Call("WriteBatch", request.Configuration, cancellationToken, (plugin, token) => plugin.WriteBatchAsync(request, token));

    public Task<WriteBatchResponse> WriteHistoryBatchAsync(WriteHistoryBatchRequest request, CancellationToken cancellationToken) =>
        Call("WriteHistoryBatch", request.Configuration, cancellationToken, (plugin, token) => plugin.WriteHistoryBatchAsync(request, token));

    public Task<MigrateResponse> MigrateAsync(MigrateRequest request, CancellationToken cancellationToken) =>
        Call("Migrate", request.Configuration, cancellationToken, (plugin, token) => plugin.MigrateAsync(request, token));

    private async Task<TResponse> Call<TResponse>(string method, Google.Protobuf.Collections.MapField<string, string>? configuration,
        CancellationToken cancellationToken, Func<IDestinationConnector, CancellationToken, Task<TResponse>> invoke)
        where TResponse : Google.Protobuf.IMessage<TResponse>, new()
    {
        try
        {
            return await dispatcher.CallAsync(method, configuration, PluginCall.Unbounded(cancellationToken), invoke).ConfigureAwait(false);
        }
        catch (RpcException e) when (failureAs is not null)
        {
            throw failureAs(e);
        }
    }
}

/// <summary>gRPC status → the plugin-side error kind, for tools that report a failed call the same way wherever it ran.</summary>
public static class StatusKinds
{
    public static ConnectorException ToConnectorException(RpcException e) => new(e.StatusCode switch
    {
        StatusCode.InvalidArgument => ConnectorErrorKind.InvalidArgument,
        StatusCode.NotFound => ConnectorErrorKind.NotFound,
        StatusCode.AlreadyExists => ConnectorErrorKind.AlreadyExists,
        StatusCode.FailedPrecondition => ConnectorErrorKind.FailedPrecondition,
        StatusCode.Unimplemented => ConnectorErrorKind.Unimplemented,
        StatusCode.Unavailable => ConnectorErrorKind.Unavailable,
        _ => ConnectorErrorKind.Internal,
    }, e.Status.Detail, e);
}
