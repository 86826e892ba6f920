namespace ConnectorHost.Abstractions.BatchFiles.Zstd;

/// <summary>
/// Read-only stream that inflates zstd frames from an inner stream with libzstd's streaming API, straight into
/// the caller's buffer. Memory is one input buffer plus libzstd's window, whatever the file size.
/// Corrupt or truncated input raises <see cref="InvalidDataException"/>.
/// </summary>
internal sealed unsafe class ZstdDecompressingStream : ReadOnlyForwardStream
{
    private readonly Stream _inner;
    private readonly ZstdDecompressionHandle _context;
    private readonly byte[] _input;
    private int _inputPosition;
    private int _inputLength;
    private bool _innerEnded;
    private bool _sawInput;
    // 0 once the last frame that made progress is complete; anything else means we are inside a frame.
    private nuint _lastProgressResult;

    public ZstdDecompressingStream(Stream inner, int inputBufferSize = 128 * 1024)
    {
        _inner = inner;
        _context = ZstdDecompressionHandle.Create();
        _input = new byte[Math.Max(inputBufferSize, (int)ZstdNative.DStreamInSize())];
    }

    public override int Read(Span<byte> destination)
    {
        if (destination.IsEmpty)
        {
            return 0;
        }
        while (true)
        {
            if (_inputPosition == _inputLength && !_innerEnded)
            {
                _inputLength = _inner.Read(_input, 0, _input.Length);
                _inputPosition = 0;
                _innerEnded = _inputLength == 0;
                _sawInput |= _inputLength > 0;
            }

            nuint result;
            int consumed;
            int produced;
            fixed (byte* source = _input)
            fixed (byte* target = destination)
            {
                var input = new ZstdNative.InBuffer { Source = source, Size = (nuint)_inputLength, Position = (nuint)_inputPosition };
                var output = new ZstdNative.OutBuffer { Destination = target, Size = (nuint)destination.Length, Position = 0 };
                result = ZstdNative.DecompressStream(_context, &output, &input);
                consumed = (int)input.Position - _inputPosition;
                produced = (int)output.Position;
                _inputPosition = (int)input.Position;
            }
            if (ZstdNative.Failed(result))
            {
                throw new InvalidDataException($"the zstd data is corrupt ({ZstdNative.ErrorName(result)})");
            }
            if (consumed > 0 || produced > 0)
            {
                _lastProgressResult = result;
            }
            if (produced > 0)
            {
                return produced;
            }
            if (_inputPosition == _inputLength && _innerEnded)
            {
                if (!_sawInput)
                {
                    throw new InvalidDataException("the zstd data is empty (no zstd frame)");
                }
                if (_lastProgressResult != 0)
                {
                    throw new InvalidDataException("the zstd data ends in the middle of a frame (truncated file)");
                }
                return 0;
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _context.Dispose();
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
