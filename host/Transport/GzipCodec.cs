using System.Buffers;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace ConnectorHost.Transport;

/// <summary>gzip for compressed gRPC messages. Only the compressed path copies bytes; uncompressed messages never come here.</summary>
internal static class GzipCodec
{
    /// <summary>Decompresses into a pooled buffer, refusing output beyond <paramref name="maxSize"/>. Dispose the result.</summary>
    public static PooledBuffer Decompress(ReadOnlySequence<byte> compressed, int maxSize)
    {
        using var input = AsStream(compressed);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        var output = new PooledBuffer(Math.Max(256, (int)Math.Min(compressed.Length * 4, maxSize)));
        try
        {
            while (true)
            {
                if (output.FreeCapacity == 0)
                {
                    output.Grow();
                }
                var read = gzip.Read(output.FreeSpan);
                if (read == 0)
                {
                    return output;
                }
                output.Advance(read);
                if (output.Length > maxSize)
                {
                    throw new RpcException(StatusCode.ResourceExhausted,
                        $"Decompressed request message exceeds the maximum message size of {maxSize} bytes.");
                }
            }
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    public static void Compress(ReadOnlySpan<byte> uncompressed, Stream destination)
    {
        using var gzip = new GZipStream(destination, CompressionLevel.Fastest, leaveOpen: true);
        gzip.Write(uncompressed);
    }

    private static Stream AsStream(ReadOnlySequence<byte> sequence)
    {
        if (sequence.IsSingleSegment && MemoryMarshal.TryGetArray(sequence.First, out var segment))
        {
            return new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false);
        }
        return new MemoryStream(sequence.ToArray(), writable: false);
    }
}

/// <summary>A growable byte buffer rented from the shared pool.</summary>
internal sealed class PooledBuffer : IDisposable
{
    private byte[] _array;

    public PooledBuffer(int initialCapacity) => _array = ArrayPool<byte>.Shared.Rent(initialCapacity);

    public int Length { get; private set; }

    public int FreeCapacity => _array.Length - Length;

    public Span<byte> FreeSpan => _array.AsSpan(Length);

    public ReadOnlySpan<byte> WrittenSpan => _array.AsSpan(0, Length);

    public void Advance(int count) => Length += count;

    public void Grow()
    {
        var bigger = ArrayPool<byte>.Shared.Rent(_array.Length * 2);
        _array.AsSpan(0, Length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_array);
        _array = bigger;
    }

    public void Dispose()
    {
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = [];
        }
    }
}
