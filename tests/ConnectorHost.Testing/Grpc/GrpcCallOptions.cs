namespace ConnectorHost.Testing.Grpc;

public sealed class GrpcCallOptions
{
    /// <summary>Sent as grpc-timeout (in milliseconds).</summary>
    public TimeSpan? Timeout { get; init; }

    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    public bool CompressRequestWithGzip { get; init; }

    /// <summary>Sends grpc-accept-encoding: identity,gzip (otherwise identity only).</summary>
    public bool AcceptGzip { get; init; }

    public CancellationToken CancellationToken { get; init; }
}
