using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Pipelines;
using Google.Protobuf;

namespace ConnectorHost.Transport;

/// <summary>
/// Writes length-prefixed messages straight into the response <see cref="PipeWriter"/>: the 5-byte header, then the
/// message serialized into the pipe's own memory. Only gzip-compressed messages go through a buffer of their own.
/// </summary>
internal sealed class ResponseMessageWriter<T> : IServerStreamWriter<T>
    where T : IMessage<T>
{
    private readonly PipeWriter _body;
    private readonly int _maxMessageSize;
    private readonly bool _compress;
    private readonly CancellationToken _cancellationToken;
    private int _writing;

    public ResponseMessageWriter(PipeWriter body, int maxMessageSize, bool compress, CancellationToken cancellationToken)
    {
        _body = body;
        _maxMessageSize = maxMessageSize;
        _compress = compress;
        _cancellationToken = cancellationToken;
    }

    public async ValueTask WriteAsync(T message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _cancellationToken.ThrowIfCancellationRequested();
        if (Interlocked.Exchange(ref _writing, 1) == 1)
        {
            throw new InvalidOperationException("A previous WriteAsync on this stream has not completed; writes must not overlap.");
        }

        try
        {
            Write(message);
            var flush = await _body.FlushAsync(_cancellationToken).ConfigureAwait(false);
            if (flush.IsCanceled || flush.IsCompleted)
            {
                // The client is gone (stream reset or connection closed).
                throw new OperationCanceledException("The client stopped reading the response.", _cancellationToken);
            }
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }

    private void Write(T message)
    {
        var size = message.CalculateSize();
        if (size > _maxMessageSize)
        {
            throw new RpcException(StatusCode.ResourceExhausted, $"Sending message larger than max ({size} vs. {_maxMessageSize})");
        }

        if (_compress)
        {
            WriteCompressed(message, size);
            return;
        }

        WriteHeader(compressed: false, size);
        if (size > 0)
        {
            message.WriteTo(_body);
        }
    }

    private void WriteCompressed(T message, int size)
    {
        var serialized = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        try
        {
            message.WriteTo(serialized.AsSpan(0, size));
            using var compressed = new MemoryStream();
            using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(serialized, 0, size);
            }

            WriteHeader(compressed: true, (int)compressed.Length);
            _body.Write(compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(serialized);
        }
    }

    private void WriteHeader(bool compressed, int length)
    {
        var header = _body.GetSpan(GrpcProtocol.FrameHeaderSize);
        header[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(header[1..], (uint)length);
        _body.Advance(GrpcProtocol.FrameHeaderSize);
    }
}
