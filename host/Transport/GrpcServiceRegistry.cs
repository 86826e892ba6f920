using Google.Protobuf;

namespace ConnectorHost.Transport;

/// <summary>The methods a <see cref="GrpcRequestHandler"/> serves, keyed by path <c>/service/method</c>.</summary>
public sealed class GrpcServiceRegistry
{
    private readonly Dictionary<string, GrpcMethod> _methods = new(StringComparer.Ordinal);
    private readonly HashSet<string> _services = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> ServiceNames => _services;

    public void AddUnary<TRequest, TResponse>(string serviceFullName, string methodName, MessageParser<TRequest> parser,
        Func<TRequest, ServerCallContext, Task<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        Add(serviceFullName, methodName, async call =>
        {
            var request = await call.ReadSingleRequestAsync(parser).ConfigureAwait(false);
            var response = await handler(request, call.Context).ConfigureAwait(false);
            await call.CreateWriter<TResponse>().WriteAsync(response).ConfigureAwait(false);
        });
    }

    public void AddServerStreaming<TRequest, TResponse>(string serviceFullName, string methodName, MessageParser<TRequest> parser,
        Func<TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        Add(serviceFullName, methodName, async call =>
        {
            var request = await call.ReadSingleRequestAsync(parser).ConfigureAwait(false);
            await handler(request, call.CreateWriter<TResponse>(), call.Context).ConfigureAwait(false);
        });
    }

    public void AddDuplexStreaming<TRequest, TResponse>(string serviceFullName, string methodName, MessageParser<TRequest> parser,
        Func<IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        Add(serviceFullName, methodName,
            call => handler(call.CreateReader(parser), call.CreateWriter<TResponse>(), call.Context));
    }

    internal bool TryGetMethod(string path, out GrpcMethod method) => _methods.TryGetValue(path, out method!);

    internal bool HasService(string serviceName) => _services.Contains(serviceName);

    private void Add(string serviceFullName, string methodName, Func<GrpcCall, Task> invoke)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceFullName);
        ArgumentException.ThrowIfNullOrEmpty(methodName);
        var path = $"/{serviceFullName}/{methodName}";
        if (!_methods.TryAdd(path, new GrpcMethod(path, invoke)))
        {
            throw new InvalidOperationException($"The method {path} is registered twice.");
        }

        _services.Add(serviceFullName);
    }
}

internal sealed record GrpcMethod(string Path, Func<GrpcCall, Task> InvokeAsync);
