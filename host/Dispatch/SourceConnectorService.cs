using ConnectorHost.Abstractions.Source;
using FivetranSdk.V2;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace ConnectorHost.Dispatch;

/// <summary>fivetran_sdk.v2.SourceConnector (generated base): every RPC handed to the source plugin through dispatch.</summary>
public sealed class SourceConnectorService(PluginDispatcher<ISourceConnector> dispatcher, ILoggerFactory pluginLoggerFactory)
    : SourceConnector.SourceConnectorBase
{
    public override Task<ConfigurationFormResponse> ConfigurationForm(ConfigurationFormRequest request, ServerCallContext context) =>
        dispatcher.CallAsync("ConfigurationForm", null, context.ToPluginCall(), (plugin, token) => plugin.ConfigurationFormAsync(token));

    public override Task<TestResponse> Test(TestRequest request, ServerCallContext context) =>
        dispatcher.CallAsync("Test", request.Configuration, context.ToPluginCall(), (plugin, token) => plugin.TestAsync(request, token));

    public override Task<SchemaResponse> Schema(SchemaRequest request, ServerCallContext context) =>
        dispatcher.CallAsync("Schema", request.Configuration, context.ToPluginCall(), (plugin, token) => plugin.SchemaAsync(request, token));

    public override Task Update(UpdateRequest request, IServerStreamWriter<UpdateResponse> responseStream, ServerCallContext context) =>
        UpdateAsync(request, new StreamSink(responseStream), context.ToPluginCall());

    /// <summary>Update into any sink (the gRPC response stream, or a tool's in-memory one).</summary>
    public Task UpdateAsync(UpdateRequest request, IUpdateResponseSink sink, PluginCall call)
    {
        var output = new RecordBatcher(sink, logger: pluginLoggerFactory.CreateLogger("ConnectorHost.Update"));
        return dispatcher.StreamAsync("Update", request.Configuration, call,
            async (plugin, token) =>
            {
                await plugin.UpdateAsync(request, output, token).ConfigureAwait(false);
                await output.FlushAsync(token).ConfigureAwait(false);
            },
            async (alert, message, token) =>
            {
                // What the plugin wrote before the alert reaches the client first.
                await output.FlushAsync(token).ConfigureAwait(false);
                await sink.WriteAsync(ConnectorAlerts.UpdateResponse(alert, message), token).ConfigureAwait(false);
            });
    }

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
