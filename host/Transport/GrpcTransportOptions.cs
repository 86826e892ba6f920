namespace ConnectorHost.Transport;

/// <summary>Limits and policies of the gRPC transport.</summary>
public sealed class GrpcTransportOptions
{
    /// <summary>Largest request message accepted (Fivetran's limit is 128 MiB); checked from the frame header before buffering.</summary>
    public int MaxReceiveMessageSize { get; set; } = 128 * 1024 * 1024;

    /// <summary>Largest response message sent; a bigger one ends the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxSendMessageSize { get; set; } = 128 * 1024 * 1024;

    /// <summary>When responses are gzip-compressed (only ever if the client accepts gzip).</summary>
    public ResponseCompression ResponseCompression { get; set; } = ResponseCompression.WhenRequestCompressed;

    /// <summary>
    /// A streaming response is flushed to the network once this many bytes are buffered; smaller amounts are
    /// flushed as soon as the handler pauses, so messages are never held back.
    /// </summary>
    public int StreamingFlushThreshold { get; set; } = 64 * 1024;
}

public enum ResponseCompression
{
    /// <summary>Never compress responses.</summary>
    Never,

    /// <summary>Compress with gzip when the request used gzip and the client accepts it.</summary>
    WhenRequestCompressed,

    /// <summary>Compress with gzip whenever the client accepts it.</summary>
    WhenClientAccepts,
}
