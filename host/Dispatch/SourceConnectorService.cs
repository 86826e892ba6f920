using ConnectorHost.Abstractions.Source;
using FivetranSdk.V2;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace ConnectorHost.Dispatch;

/// <summary>fivetran_sdk.v2.SourceConnector (generated base): every RPC handed to the source plugin through dispatch.</summary>
public sealed class SourceConnectorService(PluginDispatcher<ISourceConnector> dispatcher, ILoggerFactory pluginLoggerFactory)
    : SourceConnector.SourceConnectorBase
{
    private readonly DispatchedSource _updates = new(dispatcher, pluginLoggerFactory);

    public override Task<ConfigurationFormResponse> ConfigurationForm(ConfigurationFormRequest request, ServerCallContext context) =>
        dispatcher.CallAsync("ConfigurationForm", null, context.ToPluginCall(), (plugin, token) => plugin.ConfigurationFormAsync(token));

    public override Task<TestResponse> Test(TestRequest request, ServerCallContext context) =>
        dispatcher.CallAsync("Test", request.Configuration, context.ToPluginCall(), (plugin, token) => plugin.TestAsync(request, token));

    public override Task<SchemaResponse> Schema(SchemaRequest request, ServerCallContext context) =>
        dispatcher.CallAsync("Schema", request.Configuration, context.ToPluginCall(), (plugin, token) => plugin.SchemaAsync(request, token));

    public override Task Update(UpdateRequest request, IServerStreamWriter<UpdateResponse> responseStream, ServerCallContext context) =>
        _updates.UpdateAsync(request, new StreamSink(responseStream), context.ToPluginCall());

    /// <summary>Hands each batched UpdateResponse straight to the response stream.</summary>
    private sealed class StreamSink(IServerStreamWriter<UpdateResponse> stream) : IUpdateResponseSink
    {
        public ValueTask WriteAsync(UpdateResponse response, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return new ValueTask(stream.WriteAsync(response));
        }
    }
}
