using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Testing.Grpc;
using ConnectorHost.Testing.Hosting;
using FivetranSdk.V2;
using Google.Protobuf;

namespace ConnectorHost.Benchmarks.Sqlite;

/// <summary>The SQLite destination served by the real host, called over gRPC with the in-repo client.</summary>
internal sealed class HostTarget : IDestinationConnector, IAsyncDisposable
{
    private const string Service = "/fivetran_sdk.v2.DestinationConnector/";
    private readonly HostProcess _host;
    private readonly GrpcTestClient _client;

    private HostTarget(HostProcess host)
    {
        _host = host;
        _client = new GrpcTestClient(host.DestinationPort);
    }

    public int ProcessId => _host.ProcessId;

    public static async Task<HostTarget> StartAsync() =>
        new(await HostProcess.StartAsync(new HostConfig { PluginsDirectory = RepoPaths.PluginsDirectory, DestinationPlugin = "SqliteDestination" }));

    private async Task<T> Call<TRequest, T>(string method, TRequest request, MessageParser<T> parser)
        where TRequest : IMessage<TRequest>
        where T : class, IMessage<T> =>
        (await _client.UnaryAsync(Service + method, request, parser)).ResponseOrThrow();

    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken) => Call("ConfigurationForm", new ConfigurationFormRequest(), ConfigurationFormResponse.Parser);

    public Task<CapabilitiesResponse> CapabilitiesAsync(CapabilitiesRequest request, CancellationToken cancellationToken) => Call("Capabilities", request, CapabilitiesResponse.Parser);

    public Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken) => Call("Test", request, TestResponse.Parser);

    public Task<DescribeTableResponse> DescribeTableAsync(DescribeTableRequest request, CancellationToken cancellationToken) => Call("DescribeTable", request, DescribeTableResponse.Parser);

    public Task<CreateTableResponse> CreateTableAsync(CreateTableRequest request, CancellationToken cancellationToken) => Call("CreateTable", request, CreateTableResponse.Parser);

    public Task<AlterTableResponse> AlterTableAsync(AlterTableRequest request, CancellationToken cancellationToken) => Call("AlterTable", request, AlterTableResponse.Parser);

    public Task<TruncateResponse> TruncateAsync(TruncateRequest request, CancellationToken cancellationToken) => Call("Truncate", request, TruncateResponse.Parser);

    public Task<WriteBatchResponse> WriteBatchAsync(WriteBatchRequest request, CancellationToken cancellationToken) => Call("WriteBatch", request, WriteBatchResponse.Parser);

    public Task<WriteBatchResponse> WriteHistoryBatchAsync(WriteHistoryBatchRequest request, CancellationToken cancellationToken) => Call("WriteHistoryBatch", request, WriteBatchResponse.Parser);

    public Task<MigrateResponse> MigrateAsync(MigrateRequest request, CancellationToken cancellationToken) => Call("Migrate", request, MigrateResponse.Parser);

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }
}
