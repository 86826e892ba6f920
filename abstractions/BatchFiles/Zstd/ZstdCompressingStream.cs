namespace ConnectorHost.Abstractions.BatchFiles.Zstd;

/// <summary>
/// Write-only stream producing one zstd frame (used to make batch files in tests and benchmarks).
/// Disposing ends the frame and disposes the inner stream unless told otherwise.
/// </summary>
internal sealed unsafe class ZstdCompressingStream : Stream
{
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly ZstdCompressionHandle _context;
    private readonly byte[] _output;
    private bool _finished;

    public ZstdCompressingStream(Stream inner, int level = 3, bool leaveOpen = false)
    {
        _inner = inner;
        _leaveOpen = leaveOpen;
        _context = ZstdCompressionHandle.Create(level);
        _output = new byte[Math.Max(128 * 1024, (int)ZstdNative.CStreamOutSize())];
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(ReadOnlySpan<byte> source)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        Compress(source, ZstdNative.EndDirective.Continue);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void WriteByte(byte value) => Write([value]);

    private void Compress(ReadOnlySpan<byte> source, ZstdNative.EndDirective directive)
    {
        fixed (byte* sourcePointer = source)
        fixed (byte* outputPointer = _output)
        {
            var input = new ZstdNative.InBuffer { Source = sourcePointer, Size = (nuint)source.Length, Position = 0 };
            while (true)
            {
                var output = new ZstdNative.OutBuffer { Destination = outputPointer, Size = (nuint)_output.Length, Position = 0 };
                var remaining = ZstdNative.CompressStream2(_context, &output, &input, directive);
                if (ZstdNative.Failed(remaining))
                {
                    throw new IOException($"zstd compression failed: {ZstdNative.ErrorName(remaining)}");
                }
                _inner.Write(_output, 0, (int)output.Position);
                var done = directive == ZstdNative.EndDirective.Continue
                    ? input.Position == input.Size
                    : remaining == 0;
                if (done)
                {
                    return;
                }
            }
        }
    }

    public override void Flush() => _inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_finished)
        {
            _finished = true;
            try
            {
                Compress(ReadOnlySpan<byte>.Empty, ZstdNative.EndDirective.End);
                _inner.Flush();
            }
            finally
            {
                _context.Dispose();
                if (!_leaveOpen)
                {
                    _inner.Dispose();
                }
            }
        }
        base.Dispose(disposing);
    }
}
