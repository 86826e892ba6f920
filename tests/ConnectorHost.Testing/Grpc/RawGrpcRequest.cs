using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;

namespace ConnectorHost.Testing.Grpc;

/// <summary>
/// One hand-made HTTP/2 request to a host port (HttpClient, cleartext HTTP/2 with prior knowledge), for the
/// protocol-abuse tests a well-behaved gRPC client cannot make: malformed or oversized frames, wrong content type or
/// method, odd <c>grpc-timeout</c> values, compressed-flag tricks. Everything else uses <see cref="HostClient"/>.
/// </summary>
public sealed class RawGrpcRequest
{
    /// <summary>e.g. <c>/fivetran_sdk.v2.SourceConnector/ConfigurationForm</c>.</summary>
    public required string Path { get; init; }

    /// <summary>The request body as sent: usually <see cref="Frame"/> of a serialized message (or of anything else).</summary>
    public byte[] Body { get; init; } = [];

    public string Method { get; init; } = "POST";

    /// <summary>Null sends no Content-Type header.</summary>
    public string? ContentType { get; init; } = "application/grpc";

    /// <summary>Extra request headers (grpc-timeout, grpc-encoding, grpc-accept-encoding, metadata...).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public async Task<RawGrpcResponse> SendAsync(int port, string host = "127.0.0.1", CancellationToken cancellationToken = default)
    {
        var authority = host.Contains(':') ? $"[{host}]" : host;
        using var handler = new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None, UseProxy = false };
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var content = new ByteArrayContent(Body);
        if (ContentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        }

        using var request = new HttpRequestMessage(new HttpMethod(Method), $"http://{authority}:{port}{Path}")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (var (name, value) in Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return new RawGrpcResponse((int)response.StatusCode, body, ToDictionary(response.Headers, response.Content.Headers),
            ToDictionary(response.TrailingHeaders, null));
    }

    /// <summary>A message in gRPC's length-prefixed framing (flag byte, 4-byte big-endian length, message).</summary>
    public static byte[] Frame(ReadOnlySpan<byte> message, bool compressed = false)
    {
        var framed = new byte[message.Length + 5];
        framed[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)message.Length);
        message.CopyTo(framed.AsSpan(5));
        return framed;
    }

    public static byte[] Gzip(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static Dictionary<string, string> ToDictionary(HttpHeaders headers, HttpHeaders? more)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in more is null ? headers : headers.Concat(more))
        {
            result[header.Key] = string.Join(",", header.Value);
        }

        return result;
    }
}

/// <summary>What came back: HTTP status, the raw body, headers and trailers; the gRPC status from either.</summary>
public sealed record RawGrpcResponse(int HttpStatus, byte[] Body, IReadOnlyDictionary<string, string> Headers,
    IReadOnlyDictionary<string, string> Trailers)
{
    /// <summary>From the trailers, or from the headers of a trailers-only answer.</summary>
    public string? GrpcStatus => Trailers.GetValueOrDefault("grpc-status") ?? Headers.GetValueOrDefault("grpc-status");

    /// <summary>Percent-decoded.</summary>
    public string? GrpcMessage => (Trailers.GetValueOrDefault("grpc-message") ?? Headers.GetValueOrDefault("grpc-message")) is { } m
        ? Uri.UnescapeDataString(m)
        : null;

    /// <summary>The length-prefixed messages of the body, payloads as sent (a compressed one is not inflated).</summary>
    public IReadOnlyList<RawGrpcFrame> Frames()
    {
        var frames = new List<RawGrpcFrame>();
        var rest = Body.AsSpan();
        while (rest.Length > 0)
        {
            if (rest.Length < 5 || BinaryPrimitives.ReadUInt32BigEndian(rest[1..]) > rest.Length - 5)
            {
                throw new InvalidDataException($"The response body ends inside a frame ({rest.Length} bytes left).");
            }

            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(rest[1..]);
            frames.Add(new RawGrpcFrame(rest[0] == 1, rest.Slice(5, length).ToArray()));
            rest = rest[(5 + length)..];
        }

        return frames;
    }
}

/// <summary>One length-prefixed message; <see cref="Message"/> inflates a gzip-compressed payload.</summary>
public sealed record RawGrpcFrame(bool Compressed, byte[] Payload)
{
    public byte[] Message()
    {
        if (!Compressed)
        {
            return Payload;
        }

        using var gzip = new GZipStream(new MemoryStream(Payload), CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }
}
