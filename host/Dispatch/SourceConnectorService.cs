using ConnectorHost.Abstractions.Source;
using ConnectorHost.Transport;
using FivetranSdk.V2;
using Microsoft.Extensions.Logging;

namespace ConnectorHost.Dispatch;

/// <summary>fivetran_sdk.v2.SourceConnector: every RPC delegated to the source plugin.</summary>
public sealed class SourceConnectorService(ISourceConnector plugin, PluginCallRunner runner, ILoggerFactory pluginLoggerFactory)
{
    public const string ServiceName = "fivetran_sdk.v2.SourceConnector";

    public void Register(GrpcServiceRegistry registry)
    {
        registry.AddUnary<ConfigurationFormRequest, ConfigurationFormResponse>(ServiceName, "ConfigurationForm", ConfigurationFormRequest.Parser,
            (_, context) => runner.RunAsync("ConfigurationForm", null, context.CancellationToken, context.Deadline, plugin.ConfigurationFormAsync));
        registry.AddUnary<TestRequest, TestResponse>(ServiceName, "Test", TestRequest.Parser,
            (request, context) => runner.RunAsync("Test", request.Configuration, context.CancellationToken, context.Deadline, token => plugin.TestAsync(request, token)));
        registry.AddUnary<SchemaRequest, SchemaResponse>(ServiceName, "Schema", SchemaRequest.Parser,
            (request, context) => runner.RunAsync("Schema", request.Configuration, context.CancellationToken, context.Deadline, token => plugin.SchemaAsync(request, token)));
        registry.AddServerStreaming<UpdateRequest, UpdateResponse>(ServiceName, "Update", UpdateRequest.Parser,
            (request, stream, context) => runner.RunAsync("Update", request.Configuration, context.CancellationToken, context.Deadline, token => UpdateAsync(request, stream, token)));
    }

    private async Task UpdateAsync(UpdateRequest request, IServerStreamWriter<UpdateResponse> stream, CancellationToken token)
    {
        var output = new RecordBatcher(new StreamSink(stream), logger: pluginLoggerFactory.CreateLogger("ConnectorHost.Update"));
        await plugin.UpdateAsync(request, output, token).ConfigureAwait(false);
        await output.FlushAsync(token).ConfigureAwait(false);
    }

    /// <summary>Hands each batched UpdateResponse straight to the transport's response stream.</summary>
    private sealed class StreamSink(IServerStreamWriter<UpdateResponse> stream) : IUpdateResponseSink
    {
        public ValueTask WriteAsync(UpdateResponse response, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return stream.WriteAsync(response);
        }
    }
}
