using ConnectorHost.Dispatch;
using ConnectorHost.Testing.Sync;
using FivetranSdk.V2;
using Grpc.Core;

namespace ConnectorHost.Tools.Connectors;

/// <summary>The configured source plugin as a sync reads it: called in process through the host's own dispatch and Update batching.</summary>
internal sealed class SyncSourceOverDispatch(DispatchedSource source) : ISyncSource
{
    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken) => source.ConfigurationFormAsync(cancellationToken);

    public Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken) => source.TestAsync(request, cancellationToken);

    public Task<SchemaResponse> SchemaAsync(SchemaRequest request, CancellationToken cancellationToken) => source.SchemaAsync(request, cancellationToken);

    public IAsyncEnumerable<UpdateResponse> UpdateAsync(UpdateRequest request, CancellationToken cancellationToken) =>
        UpdateChannel.ReadAsync(async (sink, token) =>
        {
            try
            {
                await source.UpdateAsync(request, sink, PluginCall.Unbounded(token)).ConfigureAwait(false);
            }
            catch (RpcException e)
            {
                throw StatusKinds.ToConnectorException(e);
            }
        }, cancellationToken);
}
