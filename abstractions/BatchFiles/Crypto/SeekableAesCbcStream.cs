using System.Security.Cryptography;

namespace ConnectorHost.Abstractions.BatchFiles.Crypto;

/// <summary>
/// Read-only, seekable view of the plaintext of a Fivetran-encrypted batch file (16-byte IV, then AES-256-CBC with
/// PKCS#7 padding), for formats that need random access (Parquet keeps its footer at the end).
/// <para>
/// CBC decrypts any block from its own ciphertext and the ciphertext block before it (the IV for the first), so a
/// read decrypts only the blocks it covers: the file is never decrypted as a whole, nothing is written to disk and
/// memory is one window of <c>windowSize</c> bytes however large the file is. The plaintext length comes from
/// decrypting the last block up front, which also checks the padding: a wrong key or a cut or tampered tail fails
/// here, before any row is read. Bad input raises <see cref="InvalidDataException"/> worded for the user.
/// </para>
/// </summary>
internal sealed class SeekableAesCbcStream : Stream
{
    public const int BlockSize = AesCbcDecryptingStream.BlockSize;

    private readonly Stream _inner;
    private readonly Aes _aes;
    private readonly long _cipherStart = BlockSize; // the IV comes first
    private readonly byte[] _iv = new byte[BlockSize];
    private readonly byte[] _cipherWindow;
    private readonly byte[] _plainWindow;
    private readonly long _cipherDataLength; // after the IV, padding included
    private long _windowStart = -1; // plaintext offset of _plainWindow[0]; -1 when empty
    private int _windowLength;
    private long _position;
    private bool _disposed;

    /// <param name="inner">The whole encrypted file; must be seekable. Owned: disposed with this stream.</param>
    /// <param name="key">The 32-byte AES-256 key.</param>
    /// <param name="windowSize">Plaintext decrypted and kept per read (a multiple of 16).</param>
    public SeekableAesCbcStream(Stream inner, ReadOnlySpan<byte> key, int windowSize = 256 * 1024)
    {
        if (!inner.CanSeek || !inner.CanRead)
        {
            throw new ArgumentException("The encrypted file must be readable and seekable.", nameof(inner));
        }
        if (key.Length != AesCbcDecryptingStream.KeySize)
        {
            throw new InvalidDataException(
                $"the AES key is {key.Length} bytes long; AES-256 needs a {AesCbcDecryptingStream.KeySize}-byte key");
        }
        if (windowSize < BlockSize || windowSize % BlockSize != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(windowSize), windowSize, "must be a positive multiple of 16");
        }
        _inner = inner;
        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        _cipherWindow = new byte[windowSize];
        _plainWindow = new byte[windowSize];

        var fileLength = inner.Length;
        if (fileLength < BlockSize)
        {
            throw new InvalidDataException(
                $"the file is {fileLength} bytes long, shorter than one AES block: it cannot hold the 16-byte IV");
        }
        var cipherLength = fileLength - BlockSize;
        if (cipherLength == 0)
        {
            throw new InvalidDataException("the file holds an AES IV but no encrypted data (it is shorter than one block after the IV)");
        }
        if (cipherLength % BlockSize != 0)
        {
            throw new InvalidDataException(
                $"the encrypted data is {cipherLength} bytes long, not a multiple of the 16-byte AES block (truncated or not AES-CBC encrypted)");
        }
        _cipherDataLength = cipherLength;
        ReadExactly(0, _iv);
        Span<byte> lastTwo = stackalloc byte[2 * BlockSize];
        ReadExactly(fileLength - 2 * BlockSize, lastTwo); // the IV is the "previous block" of a one-block file
        Span<byte> lastPlain = stackalloc byte[BlockSize];
        _aes.DecryptCbc(lastTwo[BlockSize..], lastTwo[..BlockSize], lastPlain, PaddingMode.None);
        Length = cipherLength - PaddingLength(lastPlain);
        CryptographicOperations.ZeroMemory(lastPlain);
    }

    private static int PaddingLength(ReadOnlySpan<byte> lastPlainBlock)
    {
        int padding = lastPlainBlock[^1];
        var valid = padding is >= 1 and <= BlockSize;
        if (valid)
        {
            foreach (var b in lastPlainBlock[^padding..])
            {
                valid &= b == padding;
            }
        }
        if (!valid)
        {
            throw new InvalidDataException(
                "the decrypted data does not end in valid PKCS#7 padding: the AES key is wrong or the file was tampered with or truncated");
        }
        return padding;
    }

    public override bool CanRead => !_disposed;

    public override bool CanSeek => !_disposed;

    public override bool CanWrite => false;

    /// <summary>The plaintext length (the ciphertext without IV and padding).</summary>
    public override long Length { get; }

    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        if (target < 0)
        {
            throw new IOException("An attempt was made to move the position before the beginning of the stream.");
        }
        _position = target;
        return _position;
    }

    public override int Read(Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var total = 0;
        while (total < destination.Length && _position < Length)
        {
            if (_windowStart < 0 || _position < _windowStart || _position >= _windowStart + _windowLength)
            {
                LoadWindow(_position);
            }
            var offset = (int)(_position - _windowStart);
            var count = Math.Min(destination.Length - total, _windowLength - offset);
            _plainWindow.AsSpan(offset, count).CopyTo(destination[total..]);
            total += count;
            _position += count;
        }
        return total;
    }

    /// <summary>Decrypts the window of whole blocks holding <paramref name="plainOffset"/> (cut at the padding).</summary>
    private void LoadWindow(long plainOffset)
    {
        var start = plainOffset / BlockSize * BlockSize;
        var length = (int)Math.Min(_cipherWindow.Length, _cipherDataLength - start);
        Span<byte> iv = stackalloc byte[BlockSize];
        if (start == 0)
        {
            _iv.CopyTo(iv);
        }
        else
        {
            ReadExactly(_cipherStart + start - BlockSize, iv);
        }
        ReadExactly(_cipherStart + start, _cipherWindow.AsSpan(0, length));
        _aes.DecryptCbc(_cipherWindow.AsSpan(0, length), iv, _plainWindow.AsSpan(0, length), PaddingMode.None);
        _windowStart = start;
        _windowLength = (int)Math.Min(length, Length - start);
    }

    private void ReadExactly(long fileOffset, Span<byte> buffer)
    {
        _inner.Position = fileOffset;
        var total = 0;
        while (total < buffer.Length)
        {
            var read = _inner.Read(buffer[total..]);
            if (read == 0)
            {
                throw new InvalidDataException("the file became shorter while it was being read");
            }
            total += read;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    // Readers call the async forms; decrypting is CPU work on a local file, so they complete synchronously
    // (the base class would queue every call to the thread pool).
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Read(buffer.AsSpan(offset, count)));
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            CryptographicOperations.ZeroMemory(_plainWindow);
            _aes.Dispose();
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
