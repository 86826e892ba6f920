using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Threading.Channels;
using ConnectorHost.Transport;
using Google.Protobuf;

namespace ConnectorHost.Testing.Grpc;

/// <summary>
/// A minimal gRPC client over cleartext HTTP/2 (prior knowledge) on one connection, for tests and benchmarks.
/// Responses are parsed from the response stream through a PipeReader, without per-message copies.
/// </summary>
public sealed class GrpcTestClient : IDisposable
{
    private static readonly MediaTypeHeaderValue GrpcContentType = new("application/grpc");
    private readonly HttpClient _http;

    public GrpcTestClient(int port, string host = "127.0.0.1")
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            InitialHttp2StreamWindowSize = 16 * 1024 * 1024,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        };
        _http = new HttpClient(handler)
        {
            BaseAddress = new Uri($"http://{(host.Contains(':') ? $"[{host}]" : host)}:{port}"),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public async Task<GrpcCallResult<TResponse>> UnaryAsync<TRequest, TResponse>(
        string path, TRequest request, MessageParser<TResponse> parser, GrpcCallOptions? options = null)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        var results = await ServerStreamingAsync(path, request, parser, options);
        var responses = results.Response ?? [];
        if (results.StatusCode == StatusCode.OK && responses.Count != 1)
        {
            throw new InvalidOperationException($"A unary call answered OK with {responses.Count} messages.");
        }
        return new GrpcCallResult<TResponse>(results.HttpStatus, results.StatusCode, results.Message,
            responses.Count > 0 ? responses[0] : default, results.ResponseHeaders, results.Trailers);
    }

    public async Task<GrpcCallResult<IReadOnlyList<TResponse>>> ServerStreamingAsync<TRequest, TResponse>(
        string path, TRequest request, MessageParser<TResponse> parser, GrpcCallOptions? options = null)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        await using var call = await StartServerStreamingAsync(path, request, parser, options);
        var responses = new List<TResponse>();
        while (await call.MoveNextAsync())
        {
            responses.Add(call.Current);
        }
        return call.ToResult<IReadOnlyList<TResponse>>(responses);
    }

    /// <summary>Starts a server-streaming call; read it message by message, cancel or dispose it mid-stream.</summary>
    public Task<GrpcStreamingCall<TResponse>> StartServerStreamingAsync<TRequest, TResponse>(
        string path, TRequest request, MessageParser<TResponse> parser, GrpcCallOptions? options = null)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        var content = new ByteArrayContent(GrpcWire.Frame(request, options?.CompressRequestWithGzip == true));
        return StartAsync(path, content, parser, options);
    }

    /// <summary>Starts a bidirectional call: write requests with <see cref="GrpcDuplexCall{TRequest,TResponse}.WriteAsync"/>, then complete.</summary>
    public GrpcDuplexCall<TRequest, TResponse> StartDuplex<TRequest, TResponse>(
        string path, MessageParser<TResponse> parser, GrpcCallOptions? options = null)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        var requests = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
        var content = new StreamingRequestContent(requests.Reader);
        return new GrpcDuplexCall<TRequest, TResponse>(requests.Writer, StartAsync(path, content, parser, options),
            options?.CompressRequestWithGzip == true);
    }

    /// <summary>Sends arbitrary bytes as the request body, for malformed-frame and header tests.</summary>
    public async Task<RawGrpcResponse> SendRawAsync(
        string path, ReadOnlyMemory<byte> body, string? contentType = "application/grpc",
        IReadOnlyDictionary<string, string>? headers = null, HttpMethod? method = null, CancellationToken cancellationToken = default)
    {
        using var message = new HttpRequestMessage(method ?? HttpMethod.Post, path)
        {
            Content = new ReadOnlyMemoryContent(body),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (contentType is not null)
        {
            message.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        message.Headers.TryAddWithoutValidation("TE", "trailers");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var responseHeaders = GrpcWire.ToDictionary(response.Headers, response.Content.Headers);
        var trailers = GrpcWire.ToDictionary(response.TrailingHeaders);
        var (status, text) = GrpcWire.ReadStatus(trailers, responseHeaders);
        return new RawGrpcResponse((int)response.StatusCode, bytes, responseHeaders, trailers, status, text);
    }

    private async Task<GrpcStreamingCall<TResponse>> StartAsync<TResponse>(
        string path, HttpContent content, MessageParser<TResponse> parser, GrpcCallOptions? options)
        where TResponse : IMessage<TResponse>
    {
        // DefaultRequestVersion only applies to requests HttpClient creates itself: say HTTP/2 on every message.
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = content,
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        content.Headers.ContentType = GrpcContentType;
        var headers = request.Headers;
        headers.TryAddWithoutValidation("TE", "trailers");
        headers.TryAddWithoutValidation("grpc-accept-encoding", options?.AcceptGzip == true ? "identity,gzip" : "identity");
        if (options?.CompressRequestWithGzip == true)
        {
            headers.TryAddWithoutValidation("grpc-encoding", "gzip");
        }
        if (options?.Timeout is { } timeout)
        {
            headers.TryAddWithoutValidation("grpc-timeout", $"{Math.Max(1, (long)timeout.TotalMilliseconds)}m");
        }
        foreach (var (name, value) in options?.Metadata ?? new Dictionary<string, string>())
        {
            headers.TryAddWithoutValidation(name, value);
        }
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(options?.CancellationToken ?? default);
        try
        {
            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation.Token);
            var body = await response.Content.ReadAsStreamAsync(cancellation.Token);
            return new GrpcStreamingCall<TResponse>(request, response, body, parser, cancellation);
        }
        catch
        {
            cancellation.Dispose();
            request.Dispose();
            throw;
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Request body fed message by message from a channel; ends (END_STREAM) when the channel completes.</summary>
    private sealed class StreamingRequestContent(ChannelReader<byte[]> frames) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await foreach (var frame in frames.ReadAllAsync(cancellationToken))
            {
                await stream.WriteAsync(frame, cancellationToken);
                await stream.FlushAsync(cancellationToken);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

/// <summary>A call whose responses are read one by one. Cancel or dispose it to reset the stream mid-way.</summary>
public sealed class GrpcStreamingCall<TResponse> : IAsyncDisposable
    where TResponse : IMessage<TResponse>
{
    private readonly HttpRequestMessage _request;
    private readonly HttpResponseMessage _response;
    private readonly PipeReader _reader;
    private readonly MessageParser<TResponse> _parser;
    private readonly CancellationTokenSource _cancellation;
    private bool _ended;

    internal GrpcStreamingCall(HttpRequestMessage request, HttpResponseMessage response, Stream body,
        MessageParser<TResponse> parser, CancellationTokenSource cancellation)
    {
        _request = request;
        _response = response;
        _reader = PipeReader.Create(body, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024));
        _parser = parser;
        _cancellation = cancellation;
        ResponseHeaders = GrpcWire.ToDictionary(response.Headers, response.Content.Headers);
    }

    public int HttpStatus => (int)_response.StatusCode;

    public IReadOnlyDictionary<string, string> ResponseHeaders { get; }

    public IReadOnlyDictionary<string, string> Trailers { get; private set; } = new Dictionary<string, string>();

    /// <summary>Known once <see cref="MoveNextAsync"/> returned false.</summary>
    public StatusCode? StatusCode { get; private set; }

    public string? Message { get; private set; }

    public TResponse Current { get; private set; } = default!;

    public async ValueTask<bool> MoveNextAsync()
    {
        if (_ended)
        {
            return false;
        }
        while (true)
        {
            var result = await _reader.ReadAsync(_cancellation.Token);
            var buffer = result.Buffer;
            if (GrpcWire.TryReadMessage(ref buffer, _parser, out var message))
            {
                Current = message;
                _reader.AdvanceTo(buffer.Start);
                return true;
            }
            if (result.IsCompleted)
            {
                if (!buffer.IsEmpty)
                {
                    throw new InvalidDataException($"The response ended inside a message ({buffer.Length} bytes left over).");
                }
                _reader.AdvanceTo(buffer.End);
                End();
                return false;
            }
            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    public async IAsyncEnumerable<TResponse> ReadAllAsync()
    {
        while (await MoveNextAsync())
        {
            yield return Current;
        }
    }

    /// <summary>Cancels the call: the client resets the HTTP/2 stream (RST_STREAM CANCEL).</summary>
    public void Cancel() => _cancellation.Cancel();

    internal GrpcCallResult<T> ToResult<T>(T response) => new(HttpStatus,
        StatusCode ?? throw new InvalidOperationException("The call has not ended."), Message, response, ResponseHeaders, Trailers);

    private void End()
    {
        _ended = true;
        Trailers = GrpcWire.ToDictionary(_response.TrailingHeaders);
        var (status, message) = GrpcWire.ReadStatus(Trailers, ResponseHeaders);
        StatusCode = status ?? throw new InvalidDataException($"The response (HTTP {HttpStatus}) has no grpc-status.");
        Message = message;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_ended)
        {
            _cancellation.Cancel();
        }
        await _reader.CompleteAsync();
        _response.Dispose();
        _request.Dispose();
        _cancellation.Dispose();
    }
}

/// <summary>A bidirectional call: requests are written as they come, responses read as they arrive.</summary>
public sealed class GrpcDuplexCall<TRequest, TResponse> : IAsyncDisposable
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage<TResponse>
{
    private readonly ChannelWriter<byte[]> _requests;
    private readonly Task<GrpcStreamingCall<TResponse>> _responses;
    private readonly bool _gzip;

    internal GrpcDuplexCall(ChannelWriter<byte[]> requests, Task<GrpcStreamingCall<TResponse>> responses, bool gzip)
    {
        _requests = requests;
        _responses = responses;
        _gzip = gzip;
    }

    public ValueTask WriteAsync(TRequest message) => _requests.WriteAsync(GrpcWire.Frame(message, _gzip));

    /// <summary>Half-closes the call (END_STREAM on the request).</summary>
    public void CompleteRequests() => _requests.TryComplete();

    /// <summary>The response side, available once the server has sent its headers.</summary>
    public Task<GrpcStreamingCall<TResponse>> ResponsesAsync() => _responses;

    public async ValueTask DisposeAsync()
    {
        _requests.TryComplete();
        try
        {
            await (await _responses).DisposeAsync();
        }
        catch (Exception) when (_responses.IsFaulted || _responses.IsCanceled)
        {
        }
    }
}
