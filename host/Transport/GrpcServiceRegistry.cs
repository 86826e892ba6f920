using Google.Protobuf;

namespace ConnectorHost.Transport;

/// <summary>The methods one gRPC endpoint serves, keyed by their path "/package.Service/Method".</summary>
public sealed class GrpcServiceRegistry
{
    private readonly Dictionary<string, ServerMethod> _methods = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _serviceNames = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> ServiceNames => _serviceNames;

    public void AddUnary<TRequest, TResponse>(
        string serviceFullName,
        string methodName,
        MessageParser<TRequest> parser,
        Func<TRequest, ServerCallContext, Task<TResponse>> handler)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
        => Add(serviceFullName, methodName, new UnaryMethod<TRequest, TResponse>(parser, handler));

    public void AddServerStreaming<TRequest, TResponse>(
        string serviceFullName,
        string methodName,
        MessageParser<TRequest> parser,
        Func<TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
        => Add(serviceFullName, methodName, new ServerStreamingMethod<TRequest, TResponse>(parser, handler));

    public void AddDuplexStreaming<TRequest, TResponse>(
        string serviceFullName,
        string methodName,
        MessageParser<TRequest> parser,
        Func<IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
        => Add(serviceFullName, methodName, new DuplexStreamingMethod<TRequest, TResponse>(parser, handler));

    internal bool TryFind(string path, out ServerMethod method) => _methods.TryGetValue(path, out method!);

    private void Add(string serviceFullName, string methodName, ServerMethod method)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceFullName);
        ArgumentException.ThrowIfNullOrEmpty(methodName);
        var path = $"/{serviceFullName}/{methodName}";
        if (!_methods.TryAdd(path, method))
        {
            throw new InvalidOperationException($"The gRPC method {path} is registered twice.");
        }
        _serviceNames.Add(serviceFullName);
    }
}
