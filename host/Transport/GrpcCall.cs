using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace ConnectorHost.Transport;

/// <summary>
/// One gRPC call on one HTTP/2 stream: reads length-prefixed request messages straight from the request
/// PipeReader and writes response messages straight into the response PipeWriter.
/// </summary>
internal sealed class GrpcCall
{
    private readonly HttpContext _http;
    private readonly PipeReader _requestBody;
    private readonly PipeWriter _responseBody;
    private readonly GrpcTransportOptions _options;
    private readonly string? _requestEncoding;
    private readonly bool _compressResponses;

    // Streaming writes and the deferred flush never touch the PipeWriter at the same time.
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private bool _flushScheduled;
    private Task _scheduledFlush = Task.CompletedTask;

    public GrpcCall(HttpContext http, GrpcTransportOptions options, ServerCallContext context)
    {
        _http = http;
        _requestBody = http.Request.BodyReader;
        _responseBody = http.Response.BodyWriter;
        _options = options;
        Context = context;

        var headers = http.Request.Headers;
        _requestEncoding = headers[GrpcProtocol.EncodingHeader].ToString() is { Length: > 0 } encoding ? encoding : null;
        var clientAcceptsGzip = GrpcProtocol.AcceptsEncoding(headers[GrpcProtocol.AcceptEncodingHeader].ToString(), GrpcProtocol.Gzip);
        _compressResponses = clientAcceptsGzip && options.ResponseCompression switch
        {
            ResponseCompression.WhenClientAccepts => true,
            ResponseCompression.WhenRequestCompressed => string.Equals(_requestEncoding, GrpcProtocol.Gzip, StringComparison.OrdinalIgnoreCase),
            _ => false,
        };
    }

    public ServerCallContext Context { get; }

    /// <summary>True once the client has half-closed (sent END_STREAM) and all its data was read.</summary>
    public bool RequestCompleted { get; private set; }

    private CancellationToken CancellationToken => Context.CancellationToken;

    /// <summary>Unary and server-streaming calls take exactly one request message.</summary>
    public async Task<T> ReadSingleRequestAsync<T>(MessageParser<T> parser) where T : IMessage<T>
    {
        var request = await ReadNextRequestAsync(parser)
            ?? throw new RpcException(StatusCode.Internal, "The request ended without a message; this method takes exactly one request message.");
        if (await ReadNextRequestAsync(parser) is not null)
        {
            throw new RpcException(StatusCode.Internal, "The request has more than one message; this method takes exactly one request message.");
        }
        return request;
    }

    /// <summary>The next request message, or null once the client has finished sending.</summary>
    public async ValueTask<T?> ReadNextRequestAsync<T>(MessageParser<T> parser) where T : IMessage<T>
    {
        if (RequestCompleted)
        {
            return default;
        }
        while (true)
        {
            var result = await _requestBody.ReadAsync(CancellationToken);
            var buffer = result.Buffer;
            if (buffer.Length >= GrpcProtocol.FrameHeaderSize)
            {
                var (compressed, length) = ReadFrameHeader(buffer);
                if (buffer.Length - GrpcProtocol.FrameHeaderSize >= length)
                {
                    var frame = buffer.Slice(GrpcProtocol.FrameHeaderSize, length);
                    try
                    {
                        return Parse(parser, frame, compressed);
                    }
                    finally
                    {
                        _requestBody.AdvanceTo(frame.End);
                    }
                }
            }
            if (result.IsCompleted)
            {
                _requestBody.AdvanceTo(buffer.End);
                if (buffer.Length == 0)
                {
                    RequestCompleted = true;
                    return default;
                }
                throw new RpcException(StatusCode.Internal, buffer.Length < GrpcProtocol.FrameHeaderSize
                    ? $"The request ended inside a message header: {buffer.Length} of {GrpcProtocol.FrameHeaderSize} header bytes received."
                    : $"The request ended inside a message: {buffer.Length - GrpcProtocol.FrameHeaderSize} of {ReadFrameHeader(buffer).Length} declared bytes received.");
            }
            if (result.IsCanceled)
            {
                throw new OperationCanceledException("Reading the request was cancelled.");
            }
            _requestBody.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Validates the 5-byte header; the size limit is enforced here, before any of the body is buffered.</summary>
    private (bool Compressed, int Length) ReadFrameHeader(ReadOnlySequence<byte> buffer)
    {
        Span<byte> header = stackalloc byte[GrpcProtocol.FrameHeaderSize];
        buffer.Slice(0, GrpcProtocol.FrameHeaderSize).CopyTo(header);
        var flag = header[0];
        if (flag > 1)
        {
            throw new RpcException(StatusCode.Internal, $"Invalid message header: compressed flag is {flag}, expected 0 or 1.");
        }
        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length > _options.MaxReceiveMessageSize)
        {
            throw new RpcException(StatusCode.ResourceExhausted,
                $"Received message larger than max ({length} vs. {_options.MaxReceiveMessageSize} bytes).");
        }
        return (flag == 1, (int)length);
    }

    private T Parse<T>(MessageParser<T> parser, ReadOnlySequence<byte> frame, bool compressed) where T : IMessage<T>
    {
        try
        {
            if (!compressed)
            {
                return parser.ParseFrom(frame);
            }
            if (_requestEncoding is null || _requestEncoding.Equals(GrpcProtocol.Identity, StringComparison.OrdinalIgnoreCase))
            {
                throw new RpcException(StatusCode.Internal,
                    "The request message is flagged as compressed but the request has no grpc-encoding (or 'identity').");
            }
            if (!_requestEncoding.Equals(GrpcProtocol.Gzip, StringComparison.OrdinalIgnoreCase))
            {
                throw new RpcException(StatusCode.Unimplemented,
                    $"Unsupported grpc-encoding '{_requestEncoding}'; supported: {GrpcProtocol.SupportedEncodings}.");
            }
            using var decompressed = DecompressGzip(frame);
            return parser.ParseFrom(decompressed.WrittenSpan);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new RpcException(StatusCode.Internal, $"Failed to parse the request message as {typeof(T).Name}: {e.Message}");
        }
    }

    private PooledBuffer DecompressGzip(ReadOnlySequence<byte> frame)
    {
        try
        {
            return GzipCodec.Decompress(frame, _options.MaxReceiveMessageSize);
        }
        catch (InvalidDataException e)
        {
            throw new RpcException(StatusCode.Internal, $"Failed to decompress the gzip request message: {e.Message}");
        }
    }

    /// <summary>Writes one response message; the unary path leaves flushing to the end of the call.</summary>
    public async ValueTask WriteResponseAsync(IMessage message, bool flush)
    {
        CancellationToken.ThrowIfCancellationRequested();
        WriteMessage(message);
        if (flush)
        {
            await FlushAsync();
        }
    }

    /// <summary>
    /// Writes one message of a stream. Big backlogs are flushed at once (which also applies the client's flow
    /// control as backpressure); otherwise a flush is scheduled, which runs as soon as the handler pauses, so
    /// a fast producer shares one flush between many messages and a slow one never has messages held back.
    /// </summary>
    public async ValueTask WriteStreamedResponseAsync(IMessage message)
    {
        await _writeLock.WaitAsync(CancellationToken);
        try
        {
            CancellationToken.ThrowIfCancellationRequested();
            WriteMessage(message);
            if (_responseBody.UnflushedBytes >= _options.StreamingFlushThreshold)
            {
                await FlushAsync();
            }
            else if (!_flushScheduled)
            {
                _flushScheduled = true;
                _scheduledFlush = Task.Run(FlushScheduledAsync);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task FlushScheduledAsync()
    {
        await _writeLock.WaitAsync();
        try
        {
            _flushScheduled = false;
            if (_responseBody.UnflushedBytes > 0 && !CancellationToken.IsCancellationRequested)
            {
                await _responseBody.FlushAsync(CancellationToken);
            }
        }
        catch (Exception) when (CancellationToken.IsCancellationRequested)
        {
            // The call is over (deadline, client gone); the handler learns it from its token.
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async ValueTask FlushAsync()
    {
        var result = await _responseBody.FlushAsync(CancellationToken);
        if (result.IsCanceled || result.IsCompleted)
        {
            CancellationToken.ThrowIfCancellationRequested();
            throw new OperationCanceledException("The response stream was closed.");
        }
    }

    private void WriteMessage(IMessage message)
    {
        var size = message.CalculateSize();
        if (size > _options.MaxSendMessageSize)
        {
            throw new RpcException(StatusCode.ResourceExhausted,
                $"Sending message larger than max ({size} vs. {_options.MaxSendMessageSize} bytes).");
        }
        StartResponse();
        if (_compressResponses)
        {
            WriteCompressed(message, size);
            return;
        }
        var header = _responseBody.GetSpan(GrpcProtocol.FrameHeaderSize);
        header[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(header[1..], (uint)size);
        _responseBody.Advance(GrpcProtocol.FrameHeaderSize);
        if (size > 0)
        {
            message.WriteTo((IBufferWriter<byte>)_responseBody);
        }
    }

    private void WriteCompressed(IMessage message, int size)
    {
        var serialized = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            message.WriteTo(serialized.AsSpan(0, size));
            using var compressed = new MemoryStream();
            GzipCodec.Compress(serialized.AsSpan(0, size), compressed);
            var header = _responseBody.GetSpan(GrpcProtocol.FrameHeaderSize);
            header[0] = 1;
            BinaryPrimitives.WriteUInt32BigEndian(header[1..], (uint)compressed.Length);
            _responseBody.Advance(GrpcProtocol.FrameHeaderSize);
            _responseBody.Write(compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(serialized);
        }
    }

    /// <summary>Sets the response headers once, before the first message.</summary>
    private void StartResponse()
    {
        if (Context.ResponseHeadersSent)
        {
            return;
        }
        Context.ResponseHeadersSent = true;
        var headers = _http.Response.Headers;
        headers.ContentType = GrpcProtocol.ContentType;
        headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.SupportedEncodings;
        if (_compressResponses)
        {
            headers[GrpcProtocol.EncodingHeader] = GrpcProtocol.Gzip;
        }
        AddAll(headers, Context.ResponseHeaders);
    }

    /// <summary>
    /// Ends the call with its status: as trailers after the messages, or as a trailers-only response
    /// (one HEADERS frame with END_STREAM) when nothing was sent yet.
    /// </summary>
    public async Task CompleteAsync(StatusCode status, string? detail)
    {
        await _writeLock.WaitAsync();
        try
        {
            await _scheduledFlush;
            if (Context.ResponseHeadersSent)
            {
                var response = _http.Response;
                response.AppendTrailer(GrpcProtocol.StatusTrailer, ((int)status).ToString());
                if (!string.IsNullOrEmpty(detail))
                {
                    response.AppendTrailer(GrpcProtocol.MessageTrailer, GrpcStatusMessage.Encode(detail));
                }
                if (Context.ResponseTrailers is { } trailers)
                {
                    foreach (var (key, value) in trailers)
                    {
                        response.AppendTrailer(key, value);
                    }
                }
            }
            else
            {
                Context.ResponseHeadersSent = true;
                WriteTrailersOnly(_http.Response, status, detail, Context.ResponseHeaders, Context.ResponseTrailers);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public static void WriteTrailersOnly(
        HttpResponse response,
        StatusCode status,
        string? detail,
        IReadOnlyList<KeyValuePair<string, string>>? headers = null,
        IReadOnlyList<KeyValuePair<string, string>>? trailers = null)
    {
        response.StatusCode = StatusCodes.Status200OK;
        var h = response.Headers;
        h.ContentType = GrpcProtocol.ContentType;
        h[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.SupportedEncodings;
        h[GrpcProtocol.StatusTrailer] = ((int)status).ToString();
        if (!string.IsNullOrEmpty(detail))
        {
            h[GrpcProtocol.MessageTrailer] = GrpcStatusMessage.Encode(detail);
        }
        AddAll(h, headers);
        AddAll(h, trailers);
    }

    private static void AddAll(IHeaderDictionary target, IReadOnlyList<KeyValuePair<string, string>>? metadata)
    {
        if (metadata is null)
        {
            return;
        }
        foreach (var (key, value) in metadata)
        {
            target.Append(key, value);
        }
    }
}
