using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Pipelines;
using Google.Protobuf;

namespace ConnectorHost.Transport;

/// <summary>
/// Reads length-prefixed gRPC messages from the request body, parsing each straight from the pipe's
/// <see cref="ReadOnlySequence{T}"/>. A message's declared length is checked against the limit from its 5-byte
/// header, before any of its body is buffered.
/// </summary>
internal sealed class RequestMessageReader
{
    private readonly PipeReader _body;
    private readonly int _maxMessageSize;
    private readonly string? _encoding;
    private int _messagesRead;

    public RequestMessageReader(PipeReader body, int maxMessageSize, string? encoding)
    {
        _body = body;
        _maxMessageSize = maxMessageSize;
        _encoding = encoding;
    }

    /// <summary>The next message, or null when the client has finished sending.</summary>
    public async ValueTask<T?> ReadNextAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        while (true)
        {
            var result = await _body.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (TryReadFrame(buffer, out var payload, out var compressed))
            {
                T message;
                try
                {
                    message = Parse(payload, compressed, parser);
                }
                finally
                {
                    _body.AdvanceTo(payload.End);
                }

                _messagesRead++;
                return message;
            }

            if (result.IsCompleted)
            {
                if (buffer.IsEmpty)
                {
                    return null;
                }

                _body.AdvanceTo(buffer.End);
                throw new RpcException(StatusCode.Internal,
                    $"Incomplete message: the request ended {buffer.Length} byte(s) into message {_messagesRead + 1}, " +
                    "before its 5-byte header and declared length were complete.");
            }

            if (result.IsCanceled)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            _body.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private bool TryReadFrame(ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> payload, out bool compressed)
    {
        payload = default;
        compressed = false;
        if (buffer.Length < GrpcProtocol.FrameHeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[GrpcProtocol.FrameHeaderSize];
        buffer.Slice(0, GrpcProtocol.FrameHeaderSize).CopyTo(header);
        compressed = header[0] switch
        {
            0 => false,
            1 => true,
            _ => throw new RpcException(StatusCode.Internal,
                $"Malformed message frame: compressed flag is {header[0]}, expected 0 or 1."),
        };

        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length > (uint)_maxMessageSize)
        {
            throw new RpcException(StatusCode.ResourceExhausted,
                $"Received message larger than max ({length} vs. {_maxMessageSize})");
        }

        if (buffer.Length - GrpcProtocol.FrameHeaderSize < length)
        {
            return false;
        }

        payload = buffer.Slice(GrpcProtocol.FrameHeaderSize, length);
        return true;
    }

    private T Parse<T>(ReadOnlySequence<byte> payload, bool compressed, MessageParser<T> parser)
        where T : IMessage<T>
    {
        try
        {
            return compressed ? parser.ParseFrom(Decompress(payload)) : parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new RpcException(StatusCode.Internal,
                $"Failed to deserialize request message {_messagesRead + 1} as {typeof(T).Name}: {e.Message}");
        }
    }

    private byte[] Decompress(ReadOnlySequence<byte> payload)
    {
        if (_encoding is null || _encoding.Equals(GrpcProtocol.Identity, StringComparison.OrdinalIgnoreCase))
        {
            throw new RpcException(StatusCode.Internal,
                "Request message has the compressed flag set but the request has no grpc-encoding (or identity).");
        }

        if (!_encoding.Equals(GrpcProtocol.Gzip, StringComparison.OrdinalIgnoreCase))
        {
            throw new RpcException(StatusCode.Unimplemented,
                $"Unsupported grpc-encoding '{_encoding}'; this server accepts {GrpcProtocol.SupportedEncodings}.");
        }

        using var input = new GZipStream(new ReadOnlySequenceStream(payload), CompressionMode.Decompress);
        using var output = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = input.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (output.Length + read > _maxMessageSize)
                {
                    throw new RpcException(StatusCode.ResourceExhausted,
                        $"Received message larger than max once decompressed (more than {_maxMessageSize} bytes)");
                }

                output.Write(chunk, 0, read);
            }
        }
        catch (InvalidDataException e)
        {
            throw new RpcException(StatusCode.Internal, $"Failed to decompress gzip request message: {e.Message}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return output.ToArray();
    }
}
