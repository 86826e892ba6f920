using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using FivetranSdk.V2;
using Google.Protobuf;

namespace ConnectorHost.Testing.BatchFiles;

/// <summary>
/// Writes a batch file the way Fivetran does, for tests and benchmarks: CSV with a header row (quoted the way
/// Jackson's CsvGenerator quotes by default, <c>""</c> escapes, no backslash escaping, \n line ends), null and unmodified markers from the file params,
/// BINARY as base64, then zstd or gzip, then AES-256-CBC with PKCS#7 padding and a random IV written first.
/// </summary>
public sealed class BatchFileWriter : IDisposable
{
    /// <summary>Pass as a value to write the file params' <c>unmodified_string</c>.</summary>
    public static readonly object Unmodified = new UnmodifiedMarker();

    /// <summary>The marker strings Fivetran's destination tester uses.</summary>
    public const string DefaultNullString = "null-m8yilkvPsNulehxl2G6pmSQ3G3WWdLP";
    public const string DefaultUnmodifiedString = "unmod-NcK9NIjPUutCsz4mjOQQztbnwnE1sY3";

    private readonly TextWriter _text;
    private readonly FileParams _fileParams;
    private readonly int _columnCount;
    private bool _disposed;

    private BatchFileWriter(string path, FileParams fileParams, IReadOnlyList<string> columns, byte[]? key, int zstdLevel)
    {
        Path = path;
        _fileParams = fileParams;
        _columnCount = columns.Count;
        if (fileParams.Encryption == Encryption.Aes)
        {
            Key = key ?? NewKey();
        }
        var stream = OpenEncodingStream(path, fileParams, Key, zstdLevel);
        _text = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024) { NewLine = "\n" };
        WriteCells(columns);
    }

    /// <summary>Starts a batch file at <paramref name="path"/> and writes its header.</summary>
    /// <param name="key">AES key (32 bytes) when the params say AES; a random one is made when omitted.</param>
    public static BatchFileWriter Create(string path, FileParams fileParams, IReadOnlyList<string> columns, byte[]? key = null, int zstdLevel = 3) =>
        new(path, fileParams, columns, key, zstdLevel);

    /// <summary>
    /// Writes a whole file (header, then one row per array, values as <see cref="WriteRow"/> takes them) with a random
    /// key unless given; returns its path and the key as a request's <c>keys</c> map holds it.
    /// </summary>
    public static WrittenBatchFile Write(string path, FileParams fileParams, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, byte[]? key = null)
    {
        using var writer = Create(path, fileParams, columns, key);
        foreach (var row in rows)
        {
            writer.WriteRow(row);
        }

        return new WrittenBatchFile(path, writer.KeyBytes);
    }

    /// <summary>File params as Fivetran sends them, with the tester's null and unmodified markers.</summary>
    public static FileParams Params(Compression compression = Compression.Zstd, Encryption encryption = Encryption.Aes) => new()
    {
        Compression = compression,
        Encryption = encryption,
        NullString = DefaultNullString,
        UnmodifiedString = DefaultUnmodifiedString,
    };

    /// <summary>
    /// Writes <paramref name="csv"/> (header included, taken as is: for malformed-file tests) compressed and encrypted
    /// per <paramref name="fileParams"/>; returns the AES key (random unless given), or null when not encrypted.
    /// </summary>
    public static byte[]? WriteRaw(string path, FileParams fileParams, ReadOnlySpan<byte> csv, byte[]? key = null)
    {
        if (fileParams.Encryption == Encryption.Aes)
        {
            key ??= NewKey();
        }
        else
        {
            key = null;
        }
        using var stream = OpenEncodingStream(path, fileParams, key, zstdLevel: 3);
        stream.Write(csv);
        return key;
    }

    /// <inheritdoc cref="WriteRaw(string, FileParams, ReadOnlySpan{byte}, byte[])"/>
    public static byte[]? WriteRaw(string path, FileParams fileParams, string csv, byte[]? key = null) =>
        WriteRaw(path, fileParams, Encoding.UTF8.GetBytes(csv), key);

    /// <summary>File → AES (IV first) → zstd/gzip, as a write stream; disposing it finishes every layer.</summary>
    private static Stream OpenEncodingStream(string path, FileParams fileParams, byte[]? key, int zstdLevel)
    {
        Stream stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024);
        try
        {
            if (fileParams.Encryption == Encryption.Aes)
            {
                var aes = Aes.Create();
                aes.Key = key ?? throw new ArgumentNullException(nameof(key));
                aes.GenerateIV();
                aes.Mode = CipherMode.CBC;
                aes.Padding = PaddingMode.PKCS7;
                stream.Write(aes.IV);
                stream = new CryptoStream(stream, aes.CreateEncryptor(), CryptoStreamMode.Write);
            }
            return fileParams.Compression switch
            {
                Compression.Zstd => new ZstdSharp.CompressionStream(stream, zstdLevel, leaveOpen: false),
                Compression.Gzip => new GZipStream(stream, CompressionLevel.Fastest),
                _ => stream,
            };
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(32);

    public string Path { get; }

    /// <summary>The AES key, or null when the file is not encrypted.</summary>
    public byte[]? Key { get; }

    /// <summary>The key as it goes into a request's <c>keys</c> map.</summary>
    public ByteString KeyBytes => Key is null ? ByteString.Empty : ByteString.CopyFrom(Key);

    /// <summary>
    /// One row, a value per header column: null → null_string, <see cref="Unmodified"/> → unmodified_string,
    /// string as is, bool, integers, float/double/decimal (invariant), DateOnly, TimeOnly, DateTime (naive),
    /// DateTimeOffset (UTC instant, Java Instant style), byte[] (base64).
    /// </summary>
    public void WriteRow(params object?[] values)
    {
        if (values.Length != _columnCount)
        {
            throw new ArgumentException($"The header has {_columnCount} columns but {values.Length} values were given.", nameof(values));
        }
        var cells = new string[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            cells[i] = Format(values[i]);
        }
        WriteCells(cells);
    }

    /// <summary>One row of cells written exactly as given (quoted only where CSV needs it); no column-count check.</summary>
    public void WriteRawRow(IReadOnlyList<string> cells) => WriteCells(cells);

    /// <summary>Text written to the CSV stream as is (for malformed-file tests).</summary>
    public void WriteRawText(string text) => _text.Write(text);

    private string Format(object? value) => value switch
    {
        null => _fileParams.NullString,
        UnmodifiedMarker => _fileParams.UnmodifiedString,
        _ => CellText.Format(value),
    };

    private void WriteCells(IReadOnlyList<string> cells)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0)
            {
                _text.Write(',');
            }
            var cell = cells[i];
            if (NeedsQuotes(cell))
            {
                _text.Write('"');
                _text.Write(cell.Replace("\"", "\"\""));
                _text.Write('"');
            }
            else
            {
                _text.Write(cell);
            }
        }
        _text.Write('\n');
    }

    /// <summary>
    /// Jackson's CsvGenerator default ("loose") check: a value longer than 24 characters, or holding any character
    /// below '-' (space, quote, comma, line breaks, most punctuation), is quoted. So Fivetran's files quote far more
    /// than strictly needed, the long null/unmodified markers included.
    /// </summary>
    private static bool NeedsQuotes(string cell)
    {
        const int maxUnquotedLength = 24;
        const char minSafeChar = '-'; // one past the highest of separator, quote and line feed (',' is 44)
        if (cell.Length > maxUnquotedLength)
        {
            return true;
        }
        foreach (var c in cell)
        {
            if (c < minSafeChar)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Ends compression and encryption (final padded block) and closes the file.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _text.Dispose();
    }

    private sealed class UnmodifiedMarker
    {
        public override string ToString() => "<unmodified>";
    }
}

/// <summary>A batch file on disk and its AES key (empty when not encrypted), ready for a request's file list and <c>keys</c>.</summary>
public sealed record WrittenBatchFile(string Path, ByteString Key);
