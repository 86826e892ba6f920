using ConnectorHost.Transport;

namespace ConnectorHost.Testing.Grpc;

/// <summary>The outcome of a finished call: status, decoded grpc-message, response, headers and trailers.</summary>
public sealed record GrpcCallResult<TResponse>(
    int HttpStatus,
    StatusCode StatusCode,
    string? Message,
    TResponse? Response,
    IReadOnlyDictionary<string, string> ResponseHeaders,
    IReadOnlyDictionary<string, string> Trailers)
{
    /// <summary>The response, or an exception describing the failed status.</summary>
    public TResponse EnsureOk() => StatusCode == StatusCode.OK && Response is not null
        ? Response
        : throw new InvalidOperationException($"gRPC call failed: {StatusCode} '{Message}' (HTTP {HttpStatus}).");
}

/// <summary>A response as bytes on the wire, for protocol tests.</summary>
public sealed record RawGrpcResponse(
    int HttpStatus,
    byte[] Body,
    IReadOnlyDictionary<string, string> ResponseHeaders,
    IReadOnlyDictionary<string, string> Trailers,
    StatusCode? StatusCode,
    string? Message);
