namespace ConnectorHost.Transport;

/// <summary>Writes response messages of a streaming call; honours the call's cancellation.</summary>
public interface IServerStreamWriter<in T>
{
    ValueTask WriteAsync(T message);
}
