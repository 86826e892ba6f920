using System.Security.Cryptography;
using ConnectorHost.Abstractions.BatchFiles.Crypto;
using FivetranSdk.V2;

namespace ConnectorHost.Abstractions.BatchFiles;

/// <summary>
/// Tells a Parquet batch file from a CSV one. WriteBatchRequest.file_params has no format field: the destination
/// declared one in Capabilities, but the file itself is the authority. A Parquet file starts with the magic bytes
/// <c>PAR1</c> (after decryption; Parquet compresses its pages itself, so there is no outer zstd/gzip layer to look
/// through). Anything else — including every file that cannot be opened or decrypted — is reported as CSV, so the
/// CSV path words the error exactly as before.
/// </summary>
public static class BatchFileFormatDetector
{
    private static ReadOnlySpan<byte> ParquetMagic => "PAR1"u8;

    /// <summary>The file's format: <see cref="BatchFileFormat.Parquet"/> when its (decrypted) content starts with PAR1.</summary>
    /// <param name="key">The AES key; ignored unless <paramref name="fileParams"/> say AES.</param>
    public static BatchFileFormat Detect(string path, FileParams fileParams, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(fileParams);
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            Span<byte> head = stackalloc byte[2 * SeekableAesCbcStream.BlockSize];
            var length = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            if (fileParams.Encryption != Encryption.Aes)
            {
                return length >= ParquetMagic.Length && head[..ParquetMagic.Length].SequenceEqual(ParquetMagic)
                    ? BatchFileFormat.Parquet
                    : BatchFileFormat.Csv;
            }
            if (length < head.Length || key.Length != AesCbcDecryptingStream.KeySize)
            {
                return BatchFileFormat.Csv;
            }
            using var aes = Aes.Create();
            aes.Key = key.ToArray();
            Span<byte> plain = stackalloc byte[SeekableAesCbcStream.BlockSize];
            aes.DecryptCbc(head[SeekableAesCbcStream.BlockSize..], head[..SeekableAesCbcStream.BlockSize], plain, PaddingMode.None);
            var isParquet = plain[..ParquetMagic.Length].SequenceEqual(ParquetMagic);
            CryptographicOperations.ZeroMemory(plain);
            return isParquet ? BatchFileFormat.Parquet : BatchFileFormat.Csv;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            return BatchFileFormat.Csv;
        }
    }
}
