using System.Runtime.CompilerServices;
using FivetranSdk.V2;
using Grpc.Core;

namespace ConnectorHost.Testing.Sync;

/// <summary>A source reached over gRPC (any Fivetran source connector, whatever its language).</summary>
public sealed class GrpcSyncSource(SourceConnector.SourceConnectorClient client) : ISyncSource
{
    public async Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken) =>
        await client.ConfigurationFormAsync(new ConfigurationFormRequest(), cancellationToken: cancellationToken).ConfigureAwait(false);

    public async Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken) =>
        await client.TestAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);

    public async Task<SchemaResponse> SchemaAsync(SchemaRequest request, CancellationToken cancellationToken) =>
        await client.SchemaAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);

    public async IAsyncEnumerable<UpdateResponse> UpdateAsync(UpdateRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var call = client.Update(request, cancellationToken: cancellationToken);
        while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            yield return call.ResponseStream.Current;
        }
    }
}
