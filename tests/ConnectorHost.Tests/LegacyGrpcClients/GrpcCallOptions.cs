namespace ConnectorHost.Testing.Grpc;

public sealed class GrpcCallOptions
{
    /// <summary>Sent as <c>grpc-timeout</c> (in milliseconds).</summary>
    public TimeSpan? Timeout { get; init; }

    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Gzip the request message and send <c>grpc-encoding: gzip</c>.</summary>
    public bool CompressRequest { get; init; }

    /// <summary>Advertise <c>grpc-accept-encoding: identity,gzip</c>.</summary>
    public bool AcceptGzip { get; init; } = true;

    public CancellationToken CancellationToken { get; init; }
}
