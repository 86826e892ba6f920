using System.Buffers.Binary;
using System.IO.Compression;

namespace ConnectorHost.Abstractions.BatchFiles.Decompression;

/// <summary>
/// <see cref="GZipStream"/> plus the end-of-stream check it does not make by default: a gzip file cut anywhere
/// decodes to a shorter, plausible CSV without an error. zlib verifies the CRC-32 and length trailer when one
/// arrives, so a file is whole exactly when its last 8 bytes are the trailer of what was produced: here the
/// trailer's length field (ISIZE, the output size mod 2^32) must equal the bytes produced. A cut stream passes that
/// by chance about once in 2^32. Batch files are one gzip member (as Fivetran and the gzip tool write them); the
/// trailer of a file of several concatenated members only covers the last, so such files are refused too.
/// </summary>
internal sealed class GzipDecompressingStream : ReadOnlyForwardStream
{
    private const int TrailerLength = 8;

    private readonly TailKeeper _input;
    private readonly GZipStream _gzip;
    private long _produced;
    private bool _sawInput;
    private bool _ended;

    public GzipDecompressingStream(Stream inner)
    {
        _input = new TailKeeper(inner);
        _gzip = new GZipStream(_input, CompressionMode.Decompress, leaveOpen: false);
    }

    public override int Read(Span<byte> destination)
    {
        if (destination.IsEmpty || _ended)
        {
            return 0;
        }
        var read = _gzip.Read(destination);
        _sawInput |= _input.Total > 0;
        if (read > 0)
        {
            _produced += read;
            return read;
        }
        _ended = true;
        if (!_sawInput)
        {
            throw new InvalidDataException("the gzip data is empty (no gzip header)");
        }
        if (_input.Total < TrailerLength || BinaryPrimitives.ReadUInt32LittleEndian(_input.Tail[4..]) != (uint)_produced)
        {
            throw new InvalidDataException("the gzip data ends before its end-of-stream trailer (truncated file)");
        }
        return 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gzip.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>Passes reads through and keeps the last 8 bytes that went by.</summary>
    private sealed class TailKeeper(Stream inner) : ReadOnlyForwardStream
    {
        private readonly byte[] _tail = new byte[TrailerLength];

        public long Total { get; private set; }

        public ReadOnlySpan<byte> Tail => _tail;

        public override int Read(Span<byte> destination)
        {
            var read = inner.Read(destination);
            if (read >= TrailerLength)
            {
                destination.Slice(read - TrailerLength, TrailerLength).CopyTo(_tail);
            }
            else if (read > 0)
            {
                _tail.AsSpan(read).CopyTo(_tail);
                destination[..read].CopyTo(_tail.AsSpan(TrailerLength - read));
            }
            Total += read;
            return read;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
