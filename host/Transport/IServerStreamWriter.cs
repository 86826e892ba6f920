namespace ConnectorHost.Transport;

/// <summary>Writes response messages of a streaming call. Throws <see cref="OperationCanceledException"/> once the call is cancelled.</summary>
public interface IServerStreamWriter<in T>
{
    ValueTask WriteAsync(T message);
}
