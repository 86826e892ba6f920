using System.Security.Cryptography;

namespace ConnectorHost.Abstractions.BatchFiles.Crypto;

/// <summary>
/// Read-only stream decrypting Fivetran's batch-file encryption: a 16-byte IV, then AES-256-CBC ciphertext with
/// PKCS#7 padding. Works on large chunks (one OpenSSL call per chunk, IV chained by hand) and always holds back the
/// last ciphertext block until the end of the file is known, so the padding can be verified and removed.
/// Decrypted bytes only ever live in this object's buffer. Bad input raises <see cref="InvalidDataException"/>.
/// </summary>
internal sealed class AesCbcDecryptingStream : ReadOnlyForwardStream
{
    public const int BlockSize = 16;
    public const int KeySize = 32;

    /// <summary>Ends every message about data that does not decrypt or decompress properly behind AES.</summary>
    public const string WrongKeyHint = "the AES key is wrong or the file was tampered with or truncated";

    private readonly Stream _inner;
    private readonly Aes _aes;
    private readonly byte[] _iv = new byte[BlockSize];
    private readonly byte[] _cipher;
    private readonly byte[] _plain;
    private int _cipherLength;
    private int _plainPosition;
    private int _plainLength;
    private bool _innerEnded;
    private bool _finished;

    /// <param name="inner">The whole batch file, positioned at its first byte (the IV).</param>
    public AesCbcDecryptingStream(Stream inner, ReadOnlySpan<byte> key, int chunkSize = 256 * 1024)
    {
        if (key.Length != KeySize)
        {
            throw new InvalidDataException($"the AES key is {key.Length} bytes long; AES-256 needs a {KeySize}-byte key");
        }
        _inner = inner;
        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        _cipher = new byte[chunkSize + BlockSize];
        _plain = new byte[chunkSize + BlockSize];

        if (inner.CanSeek)
        {
            VerifyLastBlockPadding(inner);
        }
        var ivLength = ReadFully(inner, _iv);
        if (ivLength < BlockSize)
        {
            throw new InvalidDataException(
                $"the file is {ivLength} bytes long, shorter than one AES block: it cannot hold the 16-byte IV");
        }
    }

    /// <summary>
    /// Decrypts only the final block up front: a wrong key or a tampered tail shows up as bad padding before any
    /// row is read, instead of as garbage in the decompressor.
    /// </summary>
    private void VerifyLastBlockPadding(Stream inner)
    {
        var length = inner.Length;
        if (length < BlockSize)
        {
            throw new InvalidDataException(
                $"the file is {length} bytes long, shorter than one AES block: it cannot hold the 16-byte IV");
        }
        CheckCipherLength(length - BlockSize);
        Span<byte> tail = stackalloc byte[2 * BlockSize];
        inner.Position = length - 2 * BlockSize;
        ReadFully(inner, tail);
        inner.Position = 0;
        Span<byte> plain = stackalloc byte[BlockSize];
        _aes.DecryptCbc(tail[BlockSize..], tail[..BlockSize], plain, PaddingMode.None);
        PaddingLength(plain);
    }

    private static void CheckCipherLength(long cipherLength)
    {
        if (cipherLength == 0)
        {
            throw new InvalidDataException("the file holds an AES IV but no encrypted data (it is shorter than one block after the IV)");
        }
        if (cipherLength % BlockSize != 0)
        {
            throw new InvalidDataException(
                $"the encrypted data is {cipherLength} bytes long, not a multiple of the 16-byte AES block (truncated or not AES-CBC encrypted)");
        }
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
                "the decrypted data does not end in valid PKCS#7 padding: " + WrongKeyHint);
        }
        return padding;
    }

    public override int Read(Span<byte> destination)
    {
        while (_plainPosition == _plainLength)
        {
            if (_finished)
            {
                return 0;
            }
            DecryptNextChunk();
        }
        var count = Math.Min(destination.Length, _plainLength - _plainPosition);
        _plain.AsSpan(_plainPosition, count).CopyTo(destination);
        _plainPosition += count;
        return count;
    }

    private void DecryptNextChunk()
    {
        while (!_innerEnded && _cipherLength < _cipher.Length)
        {
            var read = _inner.Read(_cipher, _cipherLength, _cipher.Length - _cipherLength);
            _innerEnded = read == 0;
            _cipherLength += read;
        }

        int decryptLength;
        if (_innerEnded)
        {
            CheckCipherLength(_cipherLength);
            decryptLength = _cipherLength;
        }
        else
        {
            // Keep at least one whole block (and any partial one) back: it may be the padded last block.
            decryptLength = (_cipherLength / BlockSize - 1) * BlockSize;
        }

        _aes.DecryptCbc(_cipher.AsSpan(0, decryptLength), _iv, _plain.AsSpan(0, decryptLength), PaddingMode.None);
        _plainPosition = 0;
        _plainLength = decryptLength;
        if (_innerEnded)
        {
            _plainLength -= PaddingLength(_plain.AsSpan(decryptLength - BlockSize, BlockSize));
            _finished = true;
            _cipherLength = 0;
            return;
        }
        _cipher.AsSpan(decryptLength - BlockSize, BlockSize).CopyTo(_iv);
        var kept = _cipherLength - decryptLength;
        _cipher.AsSpan(decryptLength, kept).CopyTo(_cipher);
        _cipherLength = kept;
    }

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = stream.Read(buffer[total..]);
            if (read == 0)
            {
                break;
            }
            total += read;
        }
        return total;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            CryptographicOperations.ZeroMemory(_plain);
            _aes.Dispose();
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
