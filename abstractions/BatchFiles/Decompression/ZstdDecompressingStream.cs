using ZstdSharp;

namespace ConnectorHost.Abstractions.BatchFiles.Decompression;

/// <summary>
/// Read-only stream inflating zstd frames with ZstdSharp (managed, so every OS behaves the same). Memory is one
/// input buffer plus the frame's window, whatever the file size. Empty, truncated and corrupt input raise
/// <see cref="InvalidDataException"/>; the reader turns that into a <see cref="BatchFileException"/> naming the file.
/// </summary>
internal sealed class ZstdDecompressingStream : ReadOnlyForwardStream
{
    private readonly InputTracker _input;
    private readonly DecompressionStream _decompressor;

    public ZstdDecompressingStream(Stream inner, int inputBufferSize = 128 * 1024)
    {
        _input = new InputTracker(inner);
        // checkEndOfStream: input that stops inside a frame is an error, never silently short data.
        _decompressor = new DecompressionStream(_input, inputBufferSize, checkEndOfStream: true, leaveOpen: false);
    }

    public override int Read(Span<byte> destination)
    {
        if (destination.IsEmpty)
        {
            return 0;
        }
        int produced;
        try
        {
            produced = _decompressor.Read(destination);
        }
        catch (ZstdException e)
        {
            throw new InvalidDataException($"the zstd data is corrupt ({e.Message})", e);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("the zstd data ends in the middle of a frame (truncated file)", e);
        }
        if (produced == 0 && !_input.SawInput)
        {
            throw new InvalidDataException("the zstd data is empty (no zstd frame)");
        }
        return produced;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _decompressor.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>Passes reads through and remembers whether any byte came, which ZstdSharp does not tell.</summary>
    private sealed class InputTracker(Stream inner) : ReadOnlyForwardStream
    {
        public bool SawInput { get; private set; }

        public override int Read(Span<byte> destination)
        {
            var read = inner.Read(destination);
            SawInput |= read > 0;
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
