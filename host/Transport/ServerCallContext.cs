using Microsoft.AspNetCore.Http;

namespace ConnectorHost.Transport;

/// <summary>What a handler knows about its call: method, deadline, cancellation and custom metadata.</summary>
public sealed class ServerCallContext
{
    private readonly IHeaderDictionary _httpRequestHeaders;
    private IReadOnlyDictionary<string, string>? _requestHeaders;
    private List<KeyValuePair<string, string>>? _responseHeaders;
    private List<KeyValuePair<string, string>>? _responseTrailers;

    internal ServerCallContext(string method, DateTime? deadline, IHeaderDictionary httpRequestHeaders, CancellationToken cancellationToken)
    {
        Method = method;
        Deadline = deadline;
        _httpRequestHeaders = httpRequestHeaders;
        CancellationToken = cancellationToken;
    }

    /// <summary>"/package.Service/Method".</summary>
    public string Method { get; }

    /// <summary>Cancelled on deadline, client cancel or disconnect, and host shutdown.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>UTC deadline from <c>grpc-timeout</c>, if the client sent one.</summary>
    public DateTime? Deadline { get; }

    /// <summary>Custom metadata of the request (protocol headers such as content-type, te and grpc-* excluded).</summary>
    public IReadOnlyDictionary<string, string> RequestHeaders => _requestHeaders ??= CustomMetadata.FromRequest(_httpRequestHeaders);

    internal bool ResponseHeadersSent { get; set; }

    internal IReadOnlyList<KeyValuePair<string, string>>? ResponseHeaders => _responseHeaders;

    internal IReadOnlyList<KeyValuePair<string, string>>? ResponseTrailers => _responseTrailers;

    /// <summary>Adds custom metadata to the response headers; only before the first response message.</summary>
    public void AddResponseHeader(string key, string value)
    {
        if (ResponseHeadersSent)
        {
            throw new InvalidOperationException("Response headers have already been sent; add headers before the first response message.");
        }
        CustomMetadata.Validate(key);
        (_responseHeaders ??= []).Add(new(key.ToLowerInvariant(), value));
    }

    /// <summary>Adds custom metadata to the response trailers.</summary>
    public void AddResponseTrailer(string key, string value)
    {
        CustomMetadata.Validate(key);
        (_responseTrailers ??= []).Add(new(key.ToLowerInvariant(), value));
    }
}
