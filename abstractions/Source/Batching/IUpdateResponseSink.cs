using FivetranSdk.V2;

namespace ConnectorHost.Abstractions.Source;

/// <summary>
/// Where <see cref="RecordBatcher"/> sends finished <see cref="UpdateResponse"/> messages (the host's response stream,
/// or a list in tests). The batcher never touches a response again once it has been written.
/// </summary>
public interface IUpdateResponseSink
{
    ValueTask WriteAsync(UpdateResponse response, CancellationToken cancellationToken);
}
