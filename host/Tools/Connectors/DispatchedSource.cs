using ConnectorHost.Abstractions.Source;
using ConnectorHost.Dispatch;
using ConnectorHost.Testing.Sync;
using FivetranSdk.V2;
using Grpc.Core;

namespace ConnectorHost.Tools.Connectors;

/// <summary>The configured source plugin called in process through the host's own dispatch and Update batching.</summary>
internal sealed class DispatchedSource(PluginDispatcher<ISourceConnector> dispatcher, SourceConnectorService service) : ISyncSource
{
    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken) =>
        Call("ConfigurationForm", null, cancellationToken, (plugin, token) => plugin.ConfigurationFormAsync(token));

    public Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken) =>
        Call("Test", request.Configuration, cancellationToken, (plugin, token) => plugin.TestAsync(request, token));

    public Task<SchemaResponse> SchemaAsync(SchemaRequest request, CancellationToken cancellationToken) =>
        Call("Schema", request.Configuration, cancellationToken, (plugin, token) => plugin.SchemaAsync(request, token));

    public IAsyncEnumerable<UpdateResponse> UpdateAsync(UpdateRequest request, CancellationToken cancellationToken) =>
        UpdateChannel.ReadAsync(async (sink, token) =>
        {
            try
            {
                await service.UpdateAsync(request, sink, PluginCall.Unbounded(token)).ConfigureAwait(false);
            }
            catch (RpcException e)
            {
                throw StatusKinds.ToConnectorException(e);
            }
        }, cancellationToken);

    private async Task<TResponse> Call<TResponse>(string method, Google.Protobuf.Collections.MapField<string, string>? configuration,
        CancellationToken cancellationToken, Func<ISourceConnector, CancellationToken, Task<TResponse>> invoke)
        where TResponse : Google.Protobuf.IMessage<TResponse>, new()
    {
        try
        {
            return await dispatcher.CallAsync(method, configuration, PluginCall.Unbounded(cancellationToken), invoke).ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            throw StatusKinds.ToConnectorException(e);
        }
    }
}
