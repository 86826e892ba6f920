using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.Destination;
using Grpc.Core;
using FivetranSdk.V2;
using Google.Protobuf;

namespace ConnectorHost.Testing.Grpc;

/// <summary>
/// A destination reached over gRPC: each call goes to a running host, and a failed status comes back as the
/// <see cref="ConnectorException"/> the plugin would have thrown in-process. Lets one test suite run a plugin both
/// in-process and end to end through the host.
/// </summary>
public sealed class GrpcDestinationConnector(GrpcTestClient client) : IDestinationConnector
{
    private const string Service = "/fivetran_sdk.v2.DestinationConnector/";

    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken) =>
        CallAsync("ConfigurationForm", new ConfigurationFormRequest(), ConfigurationFormResponse.Parser, cancellationToken);

    public Task<CapabilitiesResponse> CapabilitiesAsync(CapabilitiesRequest request, CancellationToken cancellationToken) =>
        CallAsync("Capabilities", request, CapabilitiesResponse.Parser, cancellationToken);

    public Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken) =>
        CallAsync("Test", request, TestResponse.Parser, cancellationToken);

    public Task<DescribeTableResponse> DescribeTableAsync(DescribeTableRequest request, CancellationToken cancellationToken) =>
        CallAsync("DescribeTable", request, DescribeTableResponse.Parser, cancellationToken);

    public Task<CreateTableResponse> CreateTableAsync(CreateTableRequest request, CancellationToken cancellationToken) =>
        CallAsync("CreateTable", request, CreateTableResponse.Parser, cancellationToken);

    public Task<AlterTableResponse> AlterTableAsync(AlterTableRequest request, CancellationToken cancellationToken) =>
        CallAsync("AlterTable", request, AlterTableResponse.Parser, cancellationToken);

    public Task<TruncateResponse> TruncateAsync(TruncateRequest request, CancellationToken cancellationToken) =>
        CallAsync("Truncate", request, TruncateResponse.Parser, cancellationToken);

    public Task<WriteBatchResponse> WriteBatchAsync(WriteBatchRequest request, CancellationToken cancellationToken) =>
        CallAsync("WriteBatch", request, WriteBatchResponse.Parser, cancellationToken);

    public Task<WriteBatchResponse> WriteHistoryBatchAsync(WriteHistoryBatchRequest request, CancellationToken cancellationToken) =>
        CallAsync("WriteHistoryBatch", request, WriteBatchResponse.Parser, cancellationToken);

    public Task<MigrateResponse> MigrateAsync(MigrateRequest request, CancellationToken cancellationToken) =>
        CallAsync("Migrate", request, MigrateResponse.Parser, cancellationToken);

    private async Task<TResponse> CallAsync<TRequest, TResponse>(string method, TRequest request, MessageParser<TResponse> parser,
        CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var result = await client.UnaryAsync(Service + method, request, parser, new GrpcCallOptions { CancellationToken = cancellationToken })
            .ConfigureAwait(false);
        return result.Status == StatusCode.OK && result.Response is not null
            ? result.Response
            : throw new ConnectorException(KindOf(result.Status), result.Message ?? $"{method} failed with {result.Status}");
    }

    private static ConnectorErrorKind KindOf(StatusCode status) => status switch
    {
        StatusCode.InvalidArgument => ConnectorErrorKind.InvalidArgument,
        StatusCode.NotFound => ConnectorErrorKind.NotFound,
        StatusCode.AlreadyExists => ConnectorErrorKind.AlreadyExists,
        StatusCode.FailedPrecondition => ConnectorErrorKind.FailedPrecondition,
        StatusCode.Unimplemented => ConnectorErrorKind.Unimplemented,
        StatusCode.Unavailable => ConnectorErrorKind.Unavailable,
        _ => ConnectorErrorKind.Internal,
    };
}
