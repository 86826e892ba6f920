using ConnectorHost.Abstractions.Destination;
using FivetranSdk.V2;
using Grpc.Core;

namespace ConnectorHost.Dispatch;

/// <summary>fivetran_sdk.v2.DestinationConnector (generated base): every RPC handed to the destination plugin through dispatch.</summary>
public sealed class DestinationConnectorService(PluginDispatcher<IDestinationConnector> dispatcher)
    : DestinationConnector.DestinationConnectorBase
{
    public override Task<ConfigurationFormResponse> ConfigurationForm(ConfigurationFormRequest request, ServerCallContext context) =>
        dispatcher.CallAsync("ConfigurationForm", null, context.ToPluginCall(), (plugin, token) => plugin.ConfigurationFormAsync(token));

    public override Task<CapabilitiesResponse> Capabilities(CapabilitiesRequest request, ServerCallContext context) =>
        dispatcher.CallAsync("Capabilities", null, context.ToPluginCall(), (plugin, token) => plugin.CapabilitiesAsync(request, token));

    public override Task<TestResponse> Test(TestRequest request, ServerCallContext context) =>
        dispatcher.CallAsync("Test", request.Configuration, context.ToPluginCall(), (plugin, token) => plugin.TestAsync(request, token));

    public override Task<DescribeTableResponse> DescribeTable(DescribeTableRequest request, ServerCallContext context) =>
        dispatcher.CallAsync("DescribeTable", request.Configuration, context.ToPluginCall(), (plugin, token) => plugin.DescribeTableAsync(request, token));

    public override Task<CreateTableResponse> CreateTable(CreateTableRequest request, ServerCallContext context) =>
        dispatcher.CallAsync("CreateTable", request.Configuration, context.ToPluginCall(), (plugin, token) => plugin.CreateTableAsync(request, token));

    public override Task<AlterTableResponse> AlterTable(AlterTableRequest request, ServerCallContext context) =>
        dispatcher.CallAsync("AlterTable", request.Configuration, context.ToPluginCall(), (plugin, token) => plugin.AlterTableAsync(request, token));

    public override Task<TruncateResponse> Truncate(TruncateRequest request, ServerCallContext context) =>
        dispatcher.CallAsync("Truncate", request.Configuration, context.ToPluginCall(), (plugin, token) => plugin.TruncateAsync(request, token));

    public override Task<WriteBatchResponse> WriteBatch(WriteBatchRequest request, ServerCallContext context) =>
        dispatcher.CallAsync("WriteBatch", request.Configuration, context.ToPluginCall(), (plugin, token) => plugin.WriteBatchAsync(request, token));

    public override Task<WriteBatchResponse> WriteHistoryBatch(WriteHistoryBatchRequest request, ServerCallContext context) =>
        dispatcher.CallAsync("WriteHistoryBatch", request.Configuration, context.ToPluginCall(), (plugin, token) => plugin.WriteHistoryBatchAsync(request, token));

    public override Task<MigrateResponse> Migrate(MigrateRequest request, ServerCallContext context) =>
        dispatcher.CallAsync("Migrate", request.Configuration, context.ToPluginCall(), (plugin, token) => plugin.MigrateAsync(request, token));
}
