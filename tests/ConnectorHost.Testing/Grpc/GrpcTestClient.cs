using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Grpc.Core;
using Google.Protobuf;

namespace ConnectorHost.Testing.Grpc;

/// <summary>
/// A small gRPC client over cleartext HTTP/2 (HttpClient + SocketsHttpHandler, prior knowledge), for tests and
/// benchmarks. All calls share one connection.
/// </summary>
public sealed class GrpcTestClient : IDisposable
{
    private readonly HttpClient _http;

    public GrpcTestClient(int port, string host = "127.0.0.1")
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = false,
            InitialHttp2StreamWindowSize = 8 * 1024 * 1024,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
        };
        var authority = host.Contains(':') ? $"[{host}]" : host;
        _http = new HttpClient(handler)
        {
            BaseAddress = new Uri($"http://{authority}:{port}"),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public async Task<GrpcCallResult<TResponse>> UnaryAsync<TRequest, TResponse>(string path, TRequest request,
        MessageParser<TResponse> parser, GrpcCallOptions? options = null)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var result = await ServerStreamingAsync(path, request, parser, options).ConfigureAwait(false);
        if (result.Status == StatusCode.OK && result.Response!.Count != 1)
        {
            throw new InvalidOperationException($"A unary call returned {result.Response.Count} messages.");
        }

        return new GrpcCallResult<TResponse>
        {
            HttpStatus = result.HttpStatus,
            Status = result.Status,
            Message = result.Message,
            Response = result.Response is [var single] ? single : null,
            TrailersOnly = result.TrailersOnly,
            Headers = result.Headers,
            Trailers = result.Trailers,
        };
    }

    /// <summary>
    /// A unary call for load generation: the same request on the wire, the response buffered whole, the status read
    /// from the trailers (or the headers of a trailers-only answer), the single frame checked and parsed; none of the
    /// header/trailer dictionaries <see cref="UnaryAsync{TRequest, TResponse}"/> keeps. A non-OK status or a
    /// malformed answer throws <see cref="GrpcCallException"/>.
    /// </summary>
    public async Task<TResponse> UnaryResponseAsync<TRequest, TResponse>(string path, TRequest request,
        MessageParser<TResponse> parser, CancellationToken cancellationToken = default)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var body = new byte[request.CalculateSize() + 5];
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1), (uint)(body.Length - 5));
        request.WriteTo(body.AsSpan(5));
        using var message = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = GrpcContent(body),
        };
        message.Headers.TryAddWithoutValidation("te", "trailers");
        using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var status = Single(response.TrailingHeaders, "grpc-status") ?? Single(response.Headers, "grpc-status");
        if (response.StatusCode != HttpStatusCode.OK || status != "0")
        {
            var detail = Single(response.TrailingHeaders, "grpc-message") ?? Single(response.Headers, "grpc-message");
            throw new GrpcCallException($"{path} failed: HTTP {(int)response.StatusCode}, grpc-status {status ?? "(none)"}, grpc-message {detail ?? "(none)"}");
        }

        return ParseSingleMessage(path, bytes, parser);
    }

    /// <summary>The one uncompressed length-prefixed message a successful unary body must be, parsed.</summary>
    internal static TResponse ParseSingleMessage<TResponse>(string path, ReadOnlySpan<byte> body, MessageParser<TResponse> parser)
        where TResponse : class, IMessage<TResponse> =>
        body.Length >= 5 && body[0] == 0 && BinaryPrimitives.ReadUInt32BigEndian(body[1..]) == body.Length - 5
            ? parser.ParseFrom(body[5..])
            : throw new GrpcCallException($"{path} answered OK but its body is not exactly one uncompressed message ({body.Length} bytes).");

    private static string? Single(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    public async Task<GrpcCallResult<IReadOnlyList<TResponse>>> ServerStreamingAsync<TRequest, TResponse>(string path,
        TRequest request, MessageParser<TResponse> parser, GrpcCallOptions? options = null)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        await using var call = await StartAsync(path, request.ToByteArray(), options).ConfigureAwait(false);
        var messages = new List<TResponse>();
        await foreach (var message in call.ReadAllAsync(parser).ConfigureAwait(false))
        {
            messages.Add(message);
        }

        return call.Complete<IReadOnlyList<TResponse>>(messages);
    }

    /// <summary>Starts a call with an already serialized request message; read the responses as they arrive.</summary>
    public async Task<GrpcStreamingCall> StartAsync(string path, ReadOnlyMemory<byte> requestMessage, GrpcCallOptions? options = null)
    {
        options ??= new GrpcCallOptions();
        var body = options.CompressRequest ? Frame(Gzip(requestMessage.Span), compressed: true) : Frame(requestMessage.Span, compressed: false);
        var request = CreateRequest(path, body, options);
        if (options.CompressRequest)
        {
            request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");
        }

        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, options.CancellationToken)
            .ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(options.CancellationToken).ConfigureAwait(false);
        return new GrpcStreamingCall(response, stream, options.CancellationToken);
    }

    /// <summary>Sends an arbitrary body (e.g. a malformed frame) and returns what came back, unparsed.</summary>
    public async Task<RawGrpcResponse> SendRawAsync(string path, HttpContent content, GrpcCallOptions? options = null,
        string method = "POST")
    {
        options ??= new GrpcCallOptions();
        var request = CreateRequest(path, content, options);
        request.Method = new HttpMethod(method);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, options.CancellationToken)
            .ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(options.CancellationToken).ConfigureAwait(false);
        return new RawGrpcResponse((int)response.StatusCode, bytes, ToDictionary(response.Headers, response.Content.Headers),
            ToDictionary(response.TrailingHeaders, null));
    }

    public static ByteArrayContent GrpcContent(byte[] body, string contentType = "application/grpc")
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    /// <summary>A message in gRPC's length-prefixed framing.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> message, bool compressed)
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

    public void Dispose() => _http.Dispose();

    private static HttpRequestMessage CreateRequest(string path, byte[] body, GrpcCallOptions options) =>
        CreateRequest(path, GrpcContent(body), options);

    private static HttpRequestMessage CreateRequest(string path, HttpContent content, GrpcCallOptions options)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (options.AcceptGzip)
        {
            request.Headers.TryAddWithoutValidation("grpc-accept-encoding", "identity,gzip");
        }

        if (options.Timeout is { } timeout)
        {
            request.Headers.TryAddWithoutValidation("grpc-timeout", $"{Math.Max(1, (long)timeout.TotalMilliseconds)}m");
        }

        foreach (var (key, value) in options.Metadata ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(key, value);
        }

        return request;
    }

    internal static Dictionary<string, string> ToDictionary(HttpHeaders headers, HttpHeaders? more)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in more is null ? headers : headers.Concat(more))
        {
            result[header.Key] = string.Join(",", header.Value);
        }

        return result;
    }
}

/// <summary>A call whose response messages are read as they arrive; the status is known once they are all read.</summary>
public sealed class GrpcStreamingCall : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly PipeReader _reader;
    private readonly CancellationToken _cancellationToken;

    internal GrpcStreamingCall(HttpResponseMessage response, Stream body, CancellationToken cancellationToken)
    {
        _response = response;
        _reader = PipeReader.Create(body, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024));
        _cancellationToken = cancellationToken;
        Headers = GrpcTestClient.ToDictionary(response.Headers, response.Content.Headers);
    }

    public IReadOnlyDictionary<string, string> Headers { get; }

    public bool Compressed => Headers.TryGetValue("grpc-encoding", out var e) && e == "gzip";

    /// <summary>Parses each message straight from the response pipe.</summary>
    public async IAsyncEnumerable<T> ReadAllAsync<T>(MessageParser<T> parser, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where T : IMessage<T>
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_cancellationToken, cancellationToken);
        var token = linked.Token;
        while (true)
        {
            var result = await _reader.ReadAsync(token).ConfigureAwait(false);
            var buffer = result.Buffer;
            var consumed = buffer.Start;
            var parsed = new List<T>();
            while (TryReadFrame(ref buffer, out var payload, out var compressed))
            {
                parsed.Add(compressed ? parser.ParseFrom(Gunzip(payload)) : parser.ParseFrom(payload));
                consumed = buffer.Start;
            }

            _reader.AdvanceTo(consumed, buffer.End);
            foreach (var message in parsed)
            {
                yield return message;
            }

            if (result.IsCompleted)
            {
                if (!buffer.IsEmpty)
                {
                    throw new InvalidDataException($"The response ended inside a message ({buffer.Length} bytes left).");
                }

                yield break;
            }
        }
    }

    /// <summary>The call's outcome; call after the responses were read to the end.</summary>
    public GrpcCallResult<T> Complete<T>(T? response)
    {
        var trailers = GrpcTestClient.ToDictionary(_response.TrailingHeaders, null);
        var trailersOnly = Headers.ContainsKey("grpc-status");
        var source = trailersOnly ? Headers : trailers;
        var status = source.TryGetValue("grpc-status", out var code) ? (StatusCode)int.Parse(code) : StatusCode.Unknown;
        source.TryGetValue("grpc-message", out var message);
        return new GrpcCallResult<T>
        {
            HttpStatus = (int)_response.StatusCode,
            Status = status,
            Message = message is null ? null : Uri.UnescapeDataString(message),
            Response = status == StatusCode.OK ? response : default,
            TrailersOnly = trailersOnly,
            Headers = Headers,
            Trailers = trailers,
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.CompleteAsync().ConfigureAwait(false);
        _response.Dispose();
    }

    private static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> payload, out bool compressed)
    {
        payload = default;
        compressed = false;
        if (buffer.Length < 5)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[5];
        buffer.Slice(0, 5).CopyTo(header);
        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (buffer.Length - 5 < length)
        {
            return false;
        }

        compressed = header[0] == 1;
        payload = buffer.Slice(5, length);
        buffer = buffer.Slice(payload.End);
        return true;
    }

    private static byte[] Gunzip(ReadOnlySequence<byte> payload)
    {
        using var input = new GZipStream(new MemoryStream(payload.ToArray()), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}

public sealed record RawGrpcResponse(int HttpStatus, byte[] Body, IReadOnlyDictionary<string, string> Headers,
    IReadOnlyDictionary<string, string> Trailers)
{
    public string? GrpcStatus => Trailers.GetValueOrDefault("grpc-status") ?? Headers.GetValueOrDefault("grpc-status");

    public string? GrpcMessage => (Trailers.GetValueOrDefault("grpc-message") ?? Headers.GetValueOrDefault("grpc-message")) is { } m
        ? Uri.UnescapeDataString(m)
        : null;
}

/// <summary>A call that did not end with status OK and exactly one well-formed response.</summary>
public sealed class GrpcCallException(string message) : Exception(message);
