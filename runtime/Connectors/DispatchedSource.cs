using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.Source;
using FivetranSdk.V2;
using Google.Protobuf.Collections;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace ConnectorHost.Dispatch;

/// <summary>
/// A source plugin called in process through the host's own dispatch: the unary calls answer as the gRPC service does
/// (a failure is the <see cref="RpcException"/> it would send, unless <paramref name="failureAs"/> turns it into another
/// exception), and <see cref="UpdateAsync(UpdateRequest, IUpdateResponseSink, PluginCall)"/> is the service's Update:
/// the plugin's output batched into UpdateResponses exactly as they go on the wire, a task or warning it raises sent last.
/// </summary>
public sealed class DispatchedSource(
    PluginDispatcher<ISourceConnector> dispatcher,
    ILoggerFactory pluginLoggerFactory,
    Func<RpcException, Exception>? failureAs = null) : ISourceConnector
{
    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken) =>
        Call("ConfigurationForm", null, cancellationToken, (plugin, token) => plugin.ConfigurationFormAsync(token));

    public Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken) =>
        Call("Test", request.Configuration, cancellationToken, (plugin, token) => plugin.TestAsync(request, token));

    public Task<SchemaResponse> SchemaAsync(SchemaRequest request, CancellationToken cancellationToken) =>
        Call("Schema", request.Configuration, cancellationToken, (plugin, token) => plugin.SchemaAsync(request, token));

    /// <summary>
    /// Update into the caller's <paramref name="output"/>: flushed when the plugin returns, and a task or warning the
    /// plugin raised written to it (after what it wrote before), as the host sends them.
    /// </summary>
    public async Task UpdateAsync(UpdateRequest request, IUpdateOutput output, CancellationToken cancellationToken)
    {
        try
        {
            await dispatcher.StreamAsync("Update", request.Configuration, PluginCall.Unbounded(cancellationToken),
                async (plugin, token) =>
                {
                    await plugin.UpdateAsync(request, output, token).ConfigureAwait(false);
                    await output.FlushAsync(token).ConfigureAwait(false);
                },
                async (alert, message, token) =>
                {
                    await output.FlushAsync(token).ConfigureAwait(false);
                    if (alert.Kind == ConnectorAlertKind.Task)
                    {
                        await output.TaskAsync(message, token).ConfigureAwait(false);
                    }
                    else
                    {
                        await output.WarningAsync(message, token).ConfigureAwait(false);
                    }
                }).ConfigureAwait(false);
        }
        catch (RpcException e) when (failureAs is not null)
        {
            throw failureAs(e);
        }
    }

    /// <summary>The gRPC service's Update into any sink (the response stream, or a tool's in-memory one); fails with <see cref="RpcException"/>.</summary>
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

    private async Task<TResponse> Call<TResponse>(string method, MapField<string, string>? configuration,
        CancellationToken cancellationToken, Func<ISourceConnector, CancellationToken, Task<TResponse>> invoke)
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
