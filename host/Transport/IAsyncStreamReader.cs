namespace ConnectorHost.Transport;

/// <summary>Reads the request messages of a client- or bidirectional-streaming call, one at a time.</summary>
public interface IAsyncStreamReader<out T>
{
    T Current { get; }

    /// <summary>Advances to the next request message; false once the client has finished sending.</summary>
    ValueTask<bool> MoveNextAsync();
}
