using Google.Protobuf;

namespace ConnectorHost.Transport;

/// <summary>One registered method: reads its request(s) from the call, runs the handler, writes its response(s).</summary>
internal abstract class ServerMethod
{
    public abstract Task InvokeAsync(GrpcCall call);
}

internal sealed class UnaryMethod<TRequest, TResponse>(
    MessageParser<TRequest> parser,
    Func<TRequest, ServerCallContext, Task<TResponse>> handler) : ServerMethod
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage<TResponse>
{
    public override async Task InvokeAsync(GrpcCall call)
    {
        var request = await call.ReadSingleRequestAsync(parser);
        var response = await handler(request, call.Context);
        await call.WriteResponseAsync(response, flush: false);
    }
}

internal sealed class ServerStreamingMethod<TRequest, TResponse>(
    MessageParser<TRequest> parser,
    Func<TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler) : ServerMethod
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage<TResponse>
{
    public override async Task InvokeAsync(GrpcCall call)
    {
        var request = await call.ReadSingleRequestAsync(parser);
        await handler(request, new ResponseStreamWriter<TResponse>(call), call.Context);
    }
}

internal sealed class DuplexStreamingMethod<TRequest, TResponse>(
    MessageParser<TRequest> parser,
    Func<IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler) : ServerMethod
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage<TResponse>
{
    public override Task InvokeAsync(GrpcCall call) =>
        handler(new RequestStreamReader<TRequest>(call, parser), new ResponseStreamWriter<TResponse>(call), call.Context);
}

internal sealed class ResponseStreamWriter<T>(GrpcCall call) : IServerStreamWriter<T>
    where T : IMessage<T>
{
    public ValueTask WriteAsync(T message) => call.WriteStreamedResponseAsync(message);
}

internal sealed class RequestStreamReader<T>(GrpcCall call, MessageParser<T> parser) : IAsyncStreamReader<T>
    where T : IMessage<T>
{
    private T? _current;

    public T Current => _current ?? throw new InvalidOperationException("MoveNextAsync has not returned true.");

    public async ValueTask<bool> MoveNextAsync()
    {
        _current = await call.ReadNextRequestAsync(parser);
        return _current is not null;
    }
}
