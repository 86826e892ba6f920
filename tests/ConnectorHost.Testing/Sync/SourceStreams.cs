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
/// Turns a producer that writes UpdateResponses into a sink (a plugin's Update behind the host's batching) into the
/// stream a sync reads, through a bounded channel: a fast source waits for the sync instead of filling memory.
/// </summary>
public static class UpdateChannel
{
    private const int ResponsesInFlight = 64;

    public static async IAsyncEnumerable<UpdateResponse> ReadAsync(
        Func<IUpdateResponseSink, CancellationToken, Task> produce, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<UpdateResponse>(new BoundedChannelOptions(ResponsesInFlight) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(async () =>
        {
            try
            {
                await produce(new ChannelSink(channel.Writer), stop.Token).ConfigureAwait(false);
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
            // The reader stopped early (destination failure, cancellation): stop the producer and wait for it.
            await stop.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(false);
        }
    }

    private sealed class ChannelSink(ChannelWriter<UpdateResponse> writer) : IUpdateResponseSink
    {
        public ValueTask WriteAsync(UpdateResponse response, CancellationToken cancellationToken) => writer.WriteAsync(response, cancellationToken);
    }
}

/// <summary>A source plugin called directly in process, with the same batching output the host gives it.</summary>
public sealed class InProcessSyncSource(ISourceConnector connector, RecordBatchOptions? batching = null) : ISyncSource
{
    public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken) =>
        connector.ConfigurationFormAsync(cancellationToken);

    public Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken) =>
        connector.TestAsync(request, cancellationToken);

    public Task<SchemaResponse> SchemaAsync(SchemaRequest request, CancellationToken cancellationToken) =>
        connector.SchemaAsync(request, cancellationToken);

    public IAsyncEnumerable<UpdateResponse> UpdateAsync(UpdateRequest request, CancellationToken cancellationToken) =>
        UpdateChannel.ReadAsync(async (sink, token) =>
        {
            var output = new RecordBatcher(sink, batching);
            await connector.UpdateAsync(request, output, token).ConfigureAwait(false);
            await output.FlushAsync(token).ConfigureAwait(false);
        }, cancellationToken);
}
