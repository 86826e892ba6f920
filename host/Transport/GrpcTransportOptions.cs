namespace ConnectorHost.Transport;

public sealed class GrpcTransportOptions
{
    /// <summary>Fivetran's limit; a larger request message is refused from its frame header with RESOURCE_EXHAUSTED.</summary>
    public const int FivetranMaxMessageSize = 128 * 1024 * 1024;

    public int MaxReceiveMessageSize { get; set; } = FivetranMaxMessageSize;

    public int MaxSendMessageSize { get; set; } = FivetranMaxMessageSize;

    /// <summary>
    /// Compress responses with gzip when the request itself was gzip-compressed and the client accepts gzip.
    /// Off means responses are never compressed.
    /// </summary>
    public bool CompressResponsesLikeRequests { get; set; } = true;
}
