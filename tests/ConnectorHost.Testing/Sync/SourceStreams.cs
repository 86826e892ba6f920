using System.Runtime.CompilerServices;
using System.Threading.Channels;
using ConnectorHost.Abstractions.Source;
using FivetranSdk.V2;

namespace ConnectorHost.Testing.Sync;

/// <summary>What a sync needs from a source: the four calls, with Update as the stream of responses the platform reads.</summary>
public interface ISyncSource
{
    Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken);

    Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken);

    Task<SchemaResponse> SchemaAsync(SchemaRequest request, CancellationToken cancellationToken);

    IAsyncEnumerable<UpdateResponse> UpdateAsync(UpdateRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// A source plugin called in process: Update runs the plugin with the same batching output the host uses, and its
/// responses are read through a bounded channel, so a fast source waits for the sync instead of filling memory.
/// </summary>
public sealed class InProcessSyncSource(ISourceConnector connector, RecordBatchOptions? batching = null) : ISyncSource
{
    private const int ResponsesInFlight = 64;

    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken) =>
        connector.ConfigurationFormAsync(cancellationToken);

    public Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken) =>
        connector.TestAsync(request, cancellationToken);

    public Task<SchemaResponse> SchemaAsync(SchemaRequest request, CancellationToken cancellationToken) =>
        connector.SchemaAsync(request, cancellationToken);

    public async IAsyncEnumerable<UpdateResponse> UpdateAsync(UpdateRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<UpdateResponse>(new BoundedChannelOptions(ResponsesInFlight) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(async () =>
        {
            try
            {
                var output = new RecordBatcher(new ChannelSink(channel.Writer), batching);
                await connector.UpdateAsync(request, output, stop.Token).ConfigureAwait(false);
                await output.FlushAsync(stop.Token).ConfigureAwait(false);
                channel.Writer.TryComplete();
            }
            catch (Exception e)
            {
                channel.Writer.TryComplete(e);
            }
        }, CancellationToken.None);

        try
        {
            await foreach (var response in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return response;
            }
        }
        finally
        {
            // The consumer stopped early (destination failure, cancellation): stop the plugin and wait for it.
            await stop.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(false);
        }
    }

    private sealed class ChannelSink(ChannelWriter<UpdateResponse> writer) : IUpdateResponseSink
    {
        public ValueTask WriteAsync(UpdateResponse response, CancellationToken cancellationToken) => writer.WriteAsync(response, cancellationToken);
    }
}
