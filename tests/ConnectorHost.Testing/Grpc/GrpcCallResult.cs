using Grpc.Core;

namespace ConnectorHost.Testing.Grpc;

/// <summary>How a call ended: its gRPC status, decoded message, what it returned and the raw headers/trailers.</summary>
public sealed class GrpcCallResult<T>
{
    public required int HttpStatus { get; init; }

    public required StatusCode Status { get; init; }

    public string? Message { get; init; }

    public T? Response { get; init; }

    /// <summary>True when the status came in the response headers (no messages, no trailers).</summary>
    public bool TrailersOnly { get; init; }

    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    public required IReadOnlyDictionary<string, string> Trailers { get; init; }

    public T ResponseOrThrow() => Status == StatusCode.OK && Response is not null
        ? Response
        : throw new InvalidOperationException($"Call failed with {Status}: {Message}");
}
