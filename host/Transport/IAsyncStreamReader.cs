namespace ConnectorHost.Transport;

/// <summary>Reads request messages of a client- or bidirectional-streaming call, one at a time.</summary>
public interface IAsyncStreamReader<out T>
{
    T Current { get; }

    ValueTask<bool> MoveNextAsync();
}
