using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Transport;
using FivetranSdk.V2;

namespace ConnectorHost.Dispatch;

/// <summary>fivetran_sdk.v2.DestinationConnector: every RPC delegated to the destination plugin.</summary>
public sealed class DestinationConnectorService(IDestinationConnector plugin, PluginCallRunner runner)
{
    public const string ServiceName = "fivetran_sdk.v2.DestinationConnector";

    public void Register(GrpcServiceRegistry registry)
    {
        registry.AddUnary<ConfigurationFormRequest, ConfigurationFormResponse>(ServiceName, "ConfigurationForm", ConfigurationFormRequest.Parser,
            (_, context) => runner.RunAsync("ConfigurationForm", null, context.CancellationToken, context.Deadline, plugin.ConfigurationFormAsync));
        registry.AddUnary<CapabilitiesRequest, CapabilitiesResponse>(ServiceName, "Capabilities", CapabilitiesRequest.Parser,
            (request, context) => runner.RunAsync("Capabilities", null, context.CancellationToken, context.Deadline, token => plugin.CapabilitiesAsync(request, token)));
        registry.AddUnary<TestRequest, TestResponse>(ServiceName, "Test", TestRequest.Parser,
            (request, context) => runner.RunAsync("Test", request.Configuration, context.CancellationToken, context.Deadline, token => plugin.TestAsync(request, token)));
        registry.AddUnary<DescribeTableRequest, DescribeTableResponse>(ServiceName, "DescribeTable", DescribeTableRequest.Parser,
            (request, context) => runner.RunAsync("DescribeTable", request.Configuration, context.CancellationToken, context.Deadline, token => plugin.DescribeTableAsync(request, token)));
        registry.AddUnary<CreateTableRequest, CreateTableResponse>(ServiceName, "CreateTable", CreateTableRequest.Parser,
            (request, context) => runner.RunAsync("CreateTable", request.Configuration, context.CancellationToken, context.Deadline, token => plugin.CreateTableAsync(request, token)));
        registry.AddUnary<AlterTableRequest, AlterTableResponse>(ServiceName, "AlterTable", AlterTableRequest.Parser,
            (request, context) => runner.RunAsync("AlterTable", request.Configuration, context.CancellationToken, context.Deadline, token => plugin.AlterTableAsync(request, token)));
        registry.AddUnary<TruncateRequest, TruncateResponse>(ServiceName, "Truncate", TruncateRequest.Parser,
            (request, context) => runner.RunAsync("Truncate", request.Configuration, context.CancellationToken, context.Deadline, token => plugin.TruncateAsync(request, token)));
        registry.AddUnary<WriteBatchRequest, WriteBatchResponse>(ServiceName, "WriteBatch", WriteBatchRequest.Parser,
            (request, context) => runner.RunAsync("WriteBatch", request.Configuration, context.CancellationToken, context.Deadline, token => plugin.WriteBatchAsync(request, token)));
        registry.AddUnary<WriteHistoryBatchRequest, WriteBatchResponse>(ServiceName, "WriteHistoryBatch", WriteHistoryBatchRequest.Parser,
            (request, context) => runner.RunAsync("WriteHistoryBatch", request.Configuration, context.CancellationToken, context.Deadline, token => plugin.WriteHistoryBatchAsync(request, token)));
        registry.AddUnary<MigrateRequest, MigrateResponse>(ServiceName, "Migrate", MigrateRequest.Parser,
            (request, context) => runner.RunAsync("Migrate", request.Configuration, context.CancellationToken, context.Deadline, token => plugin.MigrateAsync(request, token)));
    }
}
