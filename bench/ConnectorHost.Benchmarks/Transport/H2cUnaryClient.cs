using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Google.Protobuf;

namespace ConnectorHost.Benchmarks.Transport;

/// <summary>
/// A load generator's gRPC client: sequential unary calls over one cleartext HTTP/2 connection (prior knowledge),
/// spoken directly on a socket so that a call is one write and the reads of its answer on the caller's task.
/// HttpClient hands every request between several threads, which on a 2-core machine costs the client more CPU than
/// the server spends answering; tests use Grpc.Net.Client (ConnectorHost.Testing.Grpc.HostClient).
/// <para>
/// It speaks just enough HTTP/2 (RFC 9113) for that: SETTINGS (with a header table size of 0, so the server's HPACK
/// never refers to a dynamic table), PING, WINDOW_UPDATE in both directions, HEADERS + CONTINUATION, DATA,
/// RST_STREAM and GOAWAY. HPACK (RFC 7541) decoding covers the static table and plain literals; a Huffman-coded
/// string or a dynamic-table reference throws rather than being misread.
/// </para>
/// </summary>
public sealed class H2cUnaryClient : IAsyncDisposable
{
    private const int FrameHeaderLength = 9;
    private const byte Data = 0, Headers = 1, RstStream = 3, Settings = 4, PushPromise = 5, Ping = 6, GoAway = 7, WindowUpdate = 8, Continuation = 9;
    private const byte EndStream = 0x1, Ack = 0x1, EndHeaders = 0x4, Padded = 0x8, Priority = 0x20;
    private const int ReceiveWindow = 16 * 1024 * 1024;
    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    private readonly Socket _socket;
    private readonly byte[] _authority;
    private byte[] _input = new byte[64 * 1024];
    private int _inputStart;
    private int _inputEnd;
    private byte[] _output = new byte[16 * 1024];
    private readonly MemoryStream _responseBody = new();
    private readonly MemoryStream _headerBlock = new();
    private int _nextStreamId = 1;
    private long _sendConnectionWindow = 65_535;
    private long _serverInitialStreamWindow = 65_535;
    private int _serverMaxFrameSize = 16_384;
    private long _unacknowledgedConnectionBytes;
    private string? _lastPath;
    private byte[] _lastPathBytes = [];

    private H2cUnaryClient(Socket socket, string authority)
    {
        _socket = socket;
        _authority = Encoding.ASCII.GetBytes(authority);
    }

    public static async Task<H2cUnaryClient> ConnectAsync(int port, string host = "127.0.0.1", CancellationToken cancellationToken = default)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(IPAddress.Parse(host), port, cancellationToken).ConfigureAwait(false);
            var client = new H2cUnaryClient(socket, $"{host}:{port}");
            await client.StartAsync(cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var length = 0;
        Preface.CopyTo(_output, 0);
        length += Preface.Length;
        // SETTINGS: HEADER_TABLE_SIZE 0, ENABLE_PUSH 0, INITIAL_WINDOW_SIZE 16 MiB.
        length += WriteFrameHeader(_output.AsSpan(length), 18, Settings, 0, 0);
        length += WriteSetting(_output.AsSpan(length), 0x1, 0);
        length += WriteSetting(_output.AsSpan(length), 0x2, 0);
        length += WriteSetting(_output.AsSpan(length), 0x4, ReceiveWindow);
        length += WriteWindowUpdate(_output.AsSpan(length), 0, ReceiveWindow - 65_535);
        await _socket.SendAsync(_output.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One unary call; the response, or <see cref="GrpcCallException"/> for any status but OK or a malformed answer.</summary>
    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(string path, TRequest request, MessageParser<TResponse> parser,
        CancellationToken cancellationToken = default)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var streamId = _nextStreamId;
        _nextStreamId += 2;
        var messageLength = request.CalculateSize();
        var body = 5 + messageLength;
        if (body > _serverMaxFrameSize || body > _serverInitialStreamWindow)
        {
            throw new NotSupportedException($"This client sends a request in one DATA frame: at most {Math.Min(_serverMaxFrameSize, _serverInitialStreamWindow) - 5} bytes of message.");
        }

        while (_sendConnectionWindow < body)
        {
            // The server reopens the connection window as it reads what earlier calls sent.
            var (type, _, id, payload) = await ReadFrameAsync(cancellationToken).ConfigureAwait(false);
            HandleConnectionFrame(type, id, payload);
        }

        if (!ReferenceEquals(path, _lastPath))
        {
            _lastPath = path;
            _lastPathBytes = Encoding.ASCII.GetBytes(path);
        }

        var pathBytes = _lastPathBytes;
        EnsureOutput(FrameHeaderLength * 2 + 64 + pathBytes.Length + _authority.Length + 5 + messageLength);

        // HEADERS: :method POST, :scheme http (static entries 3 and 6), :path, :authority, content-type, te — literals
        // without indexing, never Huffman-coded.
        var block = _output.AsSpan(FrameHeaderLength);
        var blockLength = 0;
        block[blockLength++] = 0x83;
        block[blockLength++] = 0x86;
        blockLength += WriteLiteral(block[blockLength..], 4, pathBytes);
        blockLength += WriteLiteral(block[blockLength..], 1, _authority);
        blockLength += WriteLiteral(block[blockLength..], 31, "application/grpc"u8);
        block[blockLength++] = 0x00;
        blockLength += WriteString(block[blockLength..], "te"u8);
        blockLength += WriteString(block[blockLength..], "trailers"u8);
        var length = WriteFrameHeader(_output, blockLength, Headers, EndHeaders, streamId) + blockLength;

        length += WriteFrameHeader(_output.AsSpan(length), body, Data, EndStream, streamId);
        _output[length] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(_output.AsSpan(length + 1), (uint)messageLength);
        request.WriteTo(_output.AsSpan(length + 5, messageLength));
        length += body;
        _sendConnectionWindow -= body;
        await _socket.SendAsync(_output.AsMemory(0, length), cancellationToken).ConfigureAwait(false);

        return await ReadResponseAsync(path, streamId, parser, cancellationToken).ConfigureAwait(false);
    }

    private async Task<TResponse> ReadResponseAsync<TResponse>(string path, int streamId, MessageParser<TResponse> parser, CancellationToken cancellationToken)
        where TResponse : class, IMessage<TResponse>
    {
        _responseBody.SetLength(0);
        string? status = null, grpcStatus = null, grpcMessage = null;
        var headerBlocks = 0;
        var streamEnded = false;
        var headersComplete = true;
        while (!streamEnded || !headersComplete)
        {
            var (type, flags, id, payload) = await ReadFrameAsync(cancellationToken).ConfigureAwait(false);
            if (id != streamId || type is not (Data or Headers or Continuation or RstStream))
            {
                HandleConnectionFrame(type, id, payload);
                continue;
            }

            streamEnded |= type is Data or Headers && (flags & EndStream) != 0;
            switch (type)
            {
                case Data:
                    var data = Unpad(payload, flags);
                    _responseBody.Write(data.Span);
                    _unacknowledgedConnectionBytes += payload.Length;
                    if (_unacknowledgedConnectionBytes > ReceiveWindow / 2)
                    {
                        await SendWindowUpdateAsync(0, (int)_unacknowledgedConnectionBytes, cancellationToken).ConfigureAwait(false);
                        _unacknowledgedConnectionBytes = 0;
                    }

                    if (_responseBody.Length > ReceiveWindow / 2)
                    {
                        throw new NotSupportedException("This client reads responses of at most 8 MiB.");
                    }

                    break;
                case Headers:
                case Continuation:
                    if (type == Headers)
                    {
                        _headerBlock.SetLength(0);
                        headerBlocks++;
                        payload = Unpad(payload, flags);
                        if ((flags & Priority) != 0)
                        {
                            payload = payload[5..];
                        }
                    }

                    _headerBlock.Write(payload.Span);
                    headersComplete = (flags & EndHeaders) != 0;
                    if (headersComplete)
                    {
                        foreach (var (name, value) in DecodeHeaderBlock(_headerBlock.GetBuffer().AsSpan(0, (int)_headerBlock.Length)))
                        {
                            switch (name)
                            {
                                case ":status" when headerBlocks == 1: status = value; break;
                                case "grpc-status": grpcStatus = value; break;
                                case "grpc-message": grpcMessage = value; break;
                            }
                        }
                    }

                    break;
                case RstStream:
                    throw new GrpcCallException($"{path}: the server reset the stream (HTTP/2 error {BinaryPrimitives.ReadUInt32BigEndian(payload.Span)}).");
            }
        }

        if (status != "200" || grpcStatus != "0")
        {
            throw new GrpcCallException($"{path} failed: HTTP {status ?? "(none)"}, grpc-status {grpcStatus ?? "(none)"}, grpc-message {grpcMessage ?? "(none)"}");
        }

        var body = _responseBody.GetBuffer().AsSpan(0, (int)_responseBody.Length);
        return body.Length >= 5 && body[0] == 0 && BinaryPrimitives.ReadUInt32BigEndian(body[1..]) == body.Length - 5
            ? parser.ParseFrom(body[5..])
            : throw new GrpcCallException($"{path} answered OK but its body is not exactly one uncompressed message ({body.Length} bytes).");
    }

    /// <summary>Settings, pings, the connection's window updates and the end of the connection.</summary>
    private void HandleConnectionFrame(byte type, int streamId, ReadOnlyMemory<byte> payload)
    {
        switch (type)
        {
            case Settings when streamId == 0:
                if (payload.Length > 0)
                {
                    for (var i = 0; i + 6 <= payload.Length; i += 6)
                    {
                        var id = BinaryPrimitives.ReadUInt16BigEndian(payload.Span[i..]);
                        var value = BinaryPrimitives.ReadUInt32BigEndian(payload.Span[(i + 2)..]);
                        if (id == 0x4)
                        {
                            _serverInitialStreamWindow = value;
                        }
                        else if (id == 0x5)
                        {
                            _serverMaxFrameSize = (int)value;
                        }
                    }

                    Send(WriteFrameHeader(_output, 0, Settings, Ack, 0));
                }

                return;
            case Ping when streamId == 0:
                var length = WriteFrameHeader(_output, 8, Ping, Ack, 0);
                payload.Span.CopyTo(_output.AsSpan(length));
                Send(length + 8);
                return;
            case WindowUpdate when streamId == 0:
                _sendConnectionWindow += BinaryPrimitives.ReadUInt32BigEndian(payload.Span) & 0x7FFF_FFFF;
                return;
            case GoAway:
                throw new GrpcCallException($"The server closed the connection (GOAWAY, HTTP/2 error {BinaryPrimitives.ReadUInt32BigEndian(payload.Span[4..])}).");
            case PushPromise:
                throw new GrpcCallException("The server sent PUSH_PROMISE although push is disabled.");
            default:
                return; // PRIORITY, stream window updates (a request is one frame within the initial window), frames
                        // of closed streams, unknown types: ignored, as RFC 9113 allows
        }
    }

    private static IEnumerable<(string Name, string Value)> DecodeHeaderBlock(ReadOnlySpan<byte> block)
    {
        var headers = new List<(string, string)>();
        var position = 0;
        while (position < block.Length)
        {
            var first = block[position];
            if ((first & 0x80) != 0)
            {
                var index = ReadInteger(block, ref position, 7);
                headers.Add(StaticEntry(index));
            }
            else if ((first & 0xE0) == 0x20)
            {
                ReadInteger(block, ref position, 5); // dynamic table size update (to 0, as our SETTINGS asked)
            }
            else
            {
                // Literal: with incremental indexing (01), without indexing (0000) or never indexed (0001). With a
                // table size of 0 an indexed literal is evicted at once, so nothing is kept.
                var nameIndex = ReadInteger(block, ref position, (first & 0x40) != 0 ? 6 : 4);
                var name = nameIndex == 0 ? ReadString(block, ref position) : StaticEntry(nameIndex).Name;
                headers.Add((name, ReadString(block, ref position)));
            }
        }

        return headers;
    }

    private static (string Name, string Value) StaticEntry(int index) =>
        index >= 1 && index <= StaticTable.Length
            ? StaticTable[index - 1]
            : throw new GrpcCallException($"HPACK: the server referred to dynamic table entry {index}, but the table size is 0.");

    private static int ReadInteger(ReadOnlySpan<byte> block, ref int position, int prefixBits)
    {
        var mask = (1 << prefixBits) - 1;
        var value = block[position++] & mask;
        if (value < mask)
        {
            return value;
        }

        var shift = 0;
        byte next;
        do
        {
            next = block[position++];
            value += (next & 0x7F) << shift;
            shift += 7;
        }
        while ((next & 0x80) != 0 && shift < 28);

        return value;
    }

    private static string ReadString(ReadOnlySpan<byte> block, ref int position)
    {
        if ((block[position] & 0x80) != 0)
        {
            throw new GrpcCallException("HPACK: the server sent a Huffman-coded string, which this client does not decode.");
        }

        var length = ReadInteger(block, ref position, 7);
        var text = Encoding.Latin1.GetString(block.Slice(position, length));
        position += length;
        return text;
    }

    private async Task<(byte Type, byte Flags, int StreamId, ReadOnlyMemory<byte> Payload)> ReadFrameAsync(CancellationToken cancellationToken)
    {
        await FillAsync(FrameHeaderLength, cancellationToken).ConfigureAwait(false);
        var header = _input.AsSpan(_inputStart, FrameHeaderLength);
        var length = (header[0] << 16) | (header[1] << 8) | header[2];
        var type = header[3];
        var flags = header[4];
        var streamId = (int)(BinaryPrimitives.ReadUInt32BigEndian(header[5..]) & 0x7FFF_FFFF);
        await FillAsync(FrameHeaderLength + length, cancellationToken).ConfigureAwait(false);
        var payload = _input.AsMemory(_inputStart + FrameHeaderLength, length);
        _inputStart += FrameHeaderLength + length;
        return (type, flags, streamId, payload);
    }

    /// <summary>Makes at least <paramref name="count"/> unread bytes available from <see cref="_inputStart"/>.</summary>
    private async Task FillAsync(int count, CancellationToken cancellationToken)
    {
        if (_inputEnd - _inputStart >= count)
        {
            return;
        }

        if (count > _input.Length)
        {
            var larger = new byte[Math.Max(count, _input.Length * 2)];
            _input.AsSpan(_inputStart, _inputEnd - _inputStart).CopyTo(larger);
            _input = larger;
            _inputEnd -= _inputStart;
            _inputStart = 0;
        }
        else if (_inputStart + count > _input.Length)
        {
            _input.AsSpan(_inputStart, _inputEnd - _inputStart).CopyTo(_input);
            _inputEnd -= _inputStart;
            _inputStart = 0;
        }

        while (_inputEnd - _inputStart < count)
        {
            var read = await _socket.ReceiveAsync(_input.AsMemory(_inputEnd), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new GrpcCallException("The server closed the connection.");
            }

            _inputEnd += read;
        }
    }

    private static ReadOnlyMemory<byte> Unpad(ReadOnlyMemory<byte> payload, byte flags) =>
        (flags & Padded) == 0 ? payload : payload[1..(payload.Length - payload.Span[0])];

    private async Task SendWindowUpdateAsync(int streamId, int increment, CancellationToken cancellationToken)
    {
        var length = WriteWindowUpdate(_output, streamId, increment);
        await _socket.SendAsync(_output.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
    }

    private void Send(int length)
    {
        var sent = 0;
        while (sent < length)
        {
            sent += _socket.Send(_output, sent, length - sent, SocketFlags.None);
        }
    }

    private void EnsureOutput(int size)
    {
        if (_output.Length < size)
        {
            _output = new byte[Math.Max(size, _output.Length * 2)];
        }
    }

    private static int WriteFrameHeader(Span<byte> target, int length, byte type, byte flags, int streamId)
    {
        target[0] = (byte)(length >> 16);
        target[1] = (byte)(length >> 8);
        target[2] = (byte)length;
        target[3] = type;
        target[4] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(target[5..], (uint)streamId);
        return FrameHeaderLength;
    }

    private static int WriteSetting(Span<byte> target, ushort id, uint value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(target, id);
        BinaryPrimitives.WriteUInt32BigEndian(target[2..], value);
        return 6;
    }

    private static int WriteWindowUpdate(Span<byte> target, int streamId, int increment)
    {
        var length = WriteFrameHeader(target, 4, WindowUpdate, 0, streamId);
        BinaryPrimitives.WriteUInt32BigEndian(target[length..], (uint)increment);
        return length + 4;
    }

    /// <summary>Literal header field without indexing, name from the static table (RFC 7541 §6.2.2).</summary>
    private static int WriteLiteral(Span<byte> target, int nameIndex, ReadOnlySpan<byte> value)
    {
        var length = WriteInteger(target, nameIndex, 4, 0x00);
        return length + WriteString(target[length..], value);
    }

    private static int WriteString(Span<byte> target, ReadOnlySpan<byte> value)
    {
        var length = WriteInteger(target, value.Length, 7, 0x00);
        value.CopyTo(target[length..]);
        return length + value.Length;
    }

    private static int WriteInteger(Span<byte> target, int value, int prefixBits, byte pattern)
    {
        var mask = (1 << prefixBits) - 1;
        if (value < mask)
        {
            target[0] = (byte)(pattern | value);
            return 1;
        }

        target[0] = (byte)(pattern | mask);
        value -= mask;
        var length = 1;
        while (value >= 0x80)
        {
            target[length++] = (byte)((value & 0x7F) | 0x80);
            value >>= 7;
        }

        target[length++] = (byte)value;
        return length;
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>RFC 7541 Appendix A.</summary>
    private static readonly (string Name, string Value)[] StaticTable =
    [
        (":authority", ""), (":method", "GET"), (":method", "POST"), (":path", "/"), (":path", "/index.html"),
        (":scheme", "http"), (":scheme", "https"), (":status", "200"), (":status", "204"), (":status", "206"),
        (":status", "304"), (":status", "400"), (":status", "404"), (":status", "500"), ("accept-charset", ""),
        ("accept-encoding", "gzip, deflate"), ("accept-language", ""), ("accept-ranges", ""), ("accept", ""),
        ("access-control-allow-origin", ""), ("age", ""), ("allow", ""), ("authorization", ""), ("cache-control", ""),
        ("content-disposition", ""), ("content-encoding", ""), ("content-language", ""), ("content-length", ""),
        ("content-location", ""), ("content-range", ""), ("content-type", ""), ("cookie", ""), ("date", ""),
        ("etag", ""), ("expect", ""), ("expires", ""), ("from", ""), ("host", ""), ("if-match", ""),
        ("if-modified-since", ""), ("if-none-match", ""), ("if-range", ""), ("if-unmodified-since", ""),
        ("last-modified", ""), ("link", ""), ("location", ""), ("max-forwards", ""), ("proxy-authenticate", ""),
        ("proxy-authorization", ""), ("range", ""), ("referer", ""), ("refresh", ""), ("retry-after", ""),
        ("server", ""), ("set-cookie", ""), ("strict-transport-security", ""), ("transfer-encoding", ""),
        ("user-agent", ""), ("vary", ""), ("via", ""), ("www-authenticate", ""),
    ];
}

/// <summary>A call that did not end with status OK and exactly one well-formed response.</summary>
public sealed class GrpcCallException(string message) : Exception(message);
