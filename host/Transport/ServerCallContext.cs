using Microsoft.AspNetCore.Http;

namespace ConnectorHost.Transport;

/// <summary>What a handler may know about its call, without seeing HTTP.</summary>
public sealed class ServerCallContext
{
    private readonly HttpContext _httpContext;
    private Dictionary<string, string>? _requestHeaders;

    internal ServerCallContext(HttpContext httpContext, string method, DateTime? deadline, CancellationToken cancellationToken)
    {
        _httpContext = httpContext;
        Method = method;
        Deadline = deadline;
        CancellationToken = cancellationToken;
    }

    /// <summary>The request path: <c>/package.Service/Method</c>.</summary>
    public string Method { get; }

    /// <summary>Cancelled when the deadline passes, the client cancels or disconnects, or the host shuts down.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>UTC deadline from <c>grpc-timeout</c>, if the client sent one.</summary>
    public DateTime? Deadline { get; }

    /// <summary>Custom metadata: request headers other than pseudo-headers and the protocol's own.</summary>
    public IReadOnlyDictionary<string, string> RequestHeaders => _requestHeaders ??= CollectCustomMetadata(_httpContext.Request.Headers);

    internal List<KeyValuePair<string, string>>? ResponseTrailers { get; private set; }

    public void AddResponseHeader(string key, string value)
    {
        if (_httpContext.Response.HasStarted)
        {
            throw new InvalidOperationException("Response headers were already sent with the first message.");
        }

        _httpContext.Response.Headers.Append(key, value);
    }

    public void AddResponseTrailer(string key, string value) => (ResponseTrailers ??= []).Add(new(key, value));

    private static Dictionary<string, string> CollectCustomMetadata(IHeaderDictionary headers)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            if (!GrpcProtocol.IsReservedHeader(name))
            {
                metadata[name] = value.ToString();
            }
        }

        return metadata;
    }
}
