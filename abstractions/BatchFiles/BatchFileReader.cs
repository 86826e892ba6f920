using System.IO.Compression;
using System.Text;
using ConnectorHost.Abstractions.BatchFiles.Decompression;
using ConnectorHost.Abstractions.BatchFiles.Csv;
using ConnectorHost.Abstractions.BatchFiles.Crypto;
using ConnectorHost.Abstractions.BatchFiles.Values;
using FivetranSdk.V2;
using Google.Protobuf;

using ConnectorHost.Abstractions.BatchFiles.Parquet;

namespace ConnectorHost.Abstractions.BatchFiles;

/// <summary>
/// Reads one Fivetran CSV batch file row by row: decrypts (AES-256-CBC, IV first, PKCS#7), decompresses (zstd,
/// gzip or none) and splits CSV while streaming, so memory is bounded by a few buffers whatever the file size and
/// decrypted bytes never touch the disk.
/// <para>
/// Usage: <c>using var reader = BatchFileReader.Open(path, request.FileParams, request.Keys, request.Table);</c>
/// then <c>while (reader.Read()) { ... reader.GetState(i) ... reader.GetInt64(i) ... }</c>. Columns are addressed by
/// their ordinal in the file's header (<see cref="GetOrdinal"/>); never assume the table's column order.
/// Check <see cref="GetState"/> before reading a value: typed getters on a NULL or unmodified cell throw.
/// Spans returned by <see cref="GetRawUtf8"/> are valid until the next <see cref="Read"/>.
/// </para>
/// Every problem with the file raises <see cref="BatchFileException"/> naming the file, row and column.
/// </summary>
public sealed class BatchFileReader : IDisposable, ITypedCells
{
    private const string HistoryStartColumn = "_fivetran_start";

    /// <summary>The longest CSV row (line end included) a reader accepts unless told otherwise: 64 MiB.</summary>
    public const int DefaultMaxRowBytes = 64 * 1024 * 1024;

    /// <summary>How much of a file's header a message may quote when the header is plausibly this table's.</summary>
    private const int MaxQuotedHeaderLength = 200;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream _stream;
    private readonly FileParams _fileParams;
    private readonly CsvRowScanner _scanner;
    private readonly byte[] _nullString;
    private readonly byte[] _unmodifiedString;
    private readonly string[] _columns;
    private readonly DataType[] _types;
    private readonly Dictionary<string, int> _ordinals;
    private readonly CellState[] _states;
    private bool _disposed;
    private long _csvRowNumber;

    // A Parquet file is read by its own reader behind the same API; the CSV fields above stay unused then.
    private readonly ParquetBatchFileReader? _parquet;

    private BatchFileReader(ParquetBatchFileReader parquet)
    {
        FilePath = parquet.FilePath;
        Table = parquet.Table;
        _parquet = parquet;
        _stream = Stream.Null;
        _fileParams = new FileParams();
        _scanner = null!;
        _nullString = [];
        _unmodifiedString = [];
        _columns = [];
        _types = [];
        _ordinals = [];
        _states = [];
    }

    private BatchFileReader(string path, Stream stream, FileParams fileParams, Table table, int maxRowBytes)
    {
        FilePath = path;
        Table = table;
        _stream = stream;
        _fileParams = fileParams;
        _scanner = new CsvRowScanner(stream, maxRowBytes);
        _nullString = Encoding.UTF8.GetBytes(fileParams.NullString);
        _unmodifiedString = Encoding.UTF8.GetBytes(fileParams.UnmodifiedString);

        _columns = ReadHeader();
        ThrowIfNotAHeaderOf(table);
        _ordinals = new Dictionary<string, int>(_columns.Length, StringComparer.Ordinal);
        for (var i = 0; i < _columns.Length; i++)
        {
            if (!_ordinals.TryAdd(_columns[i], i))
            {
                throw new BatchFileException(path, "the header names this column twice", column: _columns[i]);
            }
        }
        var tableTypes = table.Columns.GroupBy(c => c.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Type, StringComparer.Ordinal);
        _types = _columns.Select(c => tableTypes.GetValueOrDefault(c, DataType.Unspecified)).ToArray();
        // History mode flags _fivetran_start as a key, but it is a version, not the record's identity: files that only
        // name records (history delete files) may leave it out.
        foreach (var key in table.Columns.Where(c => c.PrimaryKey && c.Name != HistoryStartColumn))
        {
            if (!_ordinals.ContainsKey(key.Name))
            {
                throw new BatchFileException(path,
                    $"the header has no column '{key.Name}', a primary-key column of table '{table.Name}' (header: {QuoteHeader()})",
                    column: key.Name);
            }
        }
        _states = new CellState[_columns.Length];
    }

    /// <summary>
    /// Opens a batch file named in a WriteBatch/WriteHistoryBatch request and reads its header.
    /// </summary>
    /// <param name="path">The file path as the request gives it.</param>
    /// <param name="fileParams">The request's <c>file_params</c>: compression, encryption, null and unmodified strings.</param>
    /// <param name="keys">The request's <c>keys</c> (file path → AES key); only consulted when the file is encrypted.</param>
    /// <param name="table">
    /// The request's table: column types for typed access, primary-key columns the header must have (all but
    /// _fivetran_start, which history delete files may omit).
    /// </param>
    public static BatchFileReader Open(string path, FileParams fileParams, IReadOnlyDictionary<string, ByteString> keys, Table table) =>
        Open(path, fileParams, keys, table, DefaultMaxRowBytes);

    /// <inheritdoc cref="Open(string, FileParams, IReadOnlyDictionary{string, ByteString}, Table)"/>
    /// <param name="maxRowBytes">
    /// The longest CSV row (line end included) accepted; a longer one is refused with a <see cref="BatchFileException"/>
    /// naming the row, before it can grow the reader's buffer further. Bounds memory per open file.
    /// </param>
    public static BatchFileReader Open(string path, FileParams fileParams, IReadOnlyDictionary<string, ByteString> keys, Table table, int maxRowBytes)
    {
        ReadOnlyMemory<byte> key = default;
        ThrowIfMissing(path);
        if (fileParams.Encryption == Encryption.Aes)
        {
            if (!keys.TryGetValue(path, out var keyBytes))
            {
                throw new BatchFileException(path, "the request's keys hold no decryption key for this file");
            }
            key = keyBytes.Memory;
        }
        return Open(path, fileParams, key.Span, table, maxRowBytes);
    }

    /// <summary>Opens a batch file with its AES key given directly (ignored when the file is not encrypted).</summary>
    public static BatchFileReader Open(string path, FileParams fileParams, ReadOnlySpan<byte> key, Table table) =>
        Open(path, fileParams, key, table, DefaultMaxRowBytes);

    /// <inheritdoc cref="Open(string, FileParams, ReadOnlySpan{byte}, Table)"/>
    /// <param name="maxRowBytes">The longest CSV row (line end included) accepted.</param>
    public static BatchFileReader Open(string path, FileParams fileParams, ReadOnlySpan<byte> key, Table table, int maxRowBytes)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(fileParams);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRowBytes, 1);
        ThrowIfMissing(path);
        if (BatchFileFormatDetector.Detect(path, fileParams, key) == BatchFileFormat.Parquet)
        {
            return new BatchFileReader(ParquetBatchFileReader.Open(path, fileParams, key, table));
        }

        Stream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BatchFileException(path, $"the file cannot be opened ({e.Message})", kind: ConnectorErrorKind.FailedPrecondition, innerException: e);
        }

        try
        {
            stream = fileParams.Encryption switch
            {
                Encryption.None => stream,
                Encryption.Aes => new AesCbcDecryptingStream(stream, key),
                var other => throw new BatchFileException(path, $"unsupported encryption {other}"),
            };
            stream = fileParams.Compression switch
            {
                Compression.Off => stream,
                Compression.Zstd => new ZstdDecompressingStream(stream),
                Compression.Gzip => new GzipDecompressingStream(stream),
                var other => throw new BatchFileException(path, $"unsupported compression {other}"),
            };
            return new BatchFileReader(path, stream, fileParams, table, maxRowBytes);
        }
        catch (InvalidDataException e)
        {
            stream.Dispose();
            throw Wrap(path, e, row: null, column: null, fileParams);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Missing paths and anything but a regular file are refused before the file is opened or read.</summary>
    private static void ThrowIfMissing(string path)
    {
        if (FileKind.WhyNotARegularFile(path) is { } what)
        {
            throw new BatchFileException(path, $"the path is {what}, not a regular file; a batch file must be a regular file");
        }
        if (!File.Exists(path))
        {
            throw new BatchFileException(path, "the file does not exist", kind: ConnectorErrorKind.NotFound);
        }
    }

    /// <summary>The file path as given to <see cref="Open(string, FileParams, IReadOnlyDictionary{string, ByteString}, Table)"/>.</summary>
    public string FilePath { get; }

    /// <summary>The table the file belongs to (as given to Open).</summary>
    public Table Table { get; }

    /// <summary>Column names in header order; ordinals index into this.</summary>
    public IReadOnlyList<string> Columns => _parquet?.Columns ?? _columns;

    /// <summary>1-based number of the current data row (the header is not counted); 0 before the first Read.</summary>
    public long RowNumber => _parquet?.RowNumber ?? _csvRowNumber;

    /// <summary>The ordinal of a header column (case-sensitive), or -1 if the file has no such column.</summary>
    public int GetOrdinal(string column) =>
        _parquet is not null ? _parquet.GetOrdinal(column) : _ordinals.GetValueOrDefault(column, -1);

    /// <summary>The table's DataType for a header column (UNSPECIFIED, read as text, when the table lacks it).</summary>
    public DataType GetDataType(int ordinal) =>
        _parquet is not null ? _parquet.GetDataType(ordinal) : _types[ordinal];

    /// <summary>Moves to the next row; false at the end of the file.</summary>
    public bool Read()
    {
        if (_parquet is not null)
        {
            return _parquet.Read();
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        bool hasRow;
        try
        {
            hasRow = _scanner.ReadRow(skipBlankLines: _columns.Length > 1);
        }
        catch (InvalidDataException e)
        {
            var column = !_scanner.RowWasTooLong && _scanner.CellCount < _columns.Length ? _columns[_scanner.CellCount] : null;
            throw Wrap(FilePath, e, RowNumber + 1, column, _fileParams);
        }
        if (!hasRow)
        {
            return false;
        }
        _csvRowNumber++;
        if (_scanner.CellCount != _columns.Length)
        {
            throw new BatchFileException(FilePath,
                $"the row has {_scanner.CellCount} cells but the header has {_columns.Length} columns", RowNumber);
        }
        for (var i = 0; i < _states.Length; i++)
        {
            var length = _scanner.CellLength(i);
            var state = CellState.Value;
            if (length == _nullString.Length && _scanner.Cell(i).SequenceEqual(_nullString))
            {
                state = CellState.Null;
            }
            else if (length == _unmodifiedString.Length && _scanner.Cell(i).SequenceEqual(_unmodifiedString))
            {
                state = CellState.Unmodified;
            }
            _states[i] = state;
        }
        return true;
    }

    public CellState GetState(int ordinal) =>
        _parquet is not null ? _parquet.GetState(ordinal) : _states[ordinal];

    public bool IsNull(int ordinal) =>
        _parquet is not null ? _parquet.IsNull(ordinal) : _states[ordinal] == CellState.Null;

    public bool IsUnmodified(int ordinal) =>
        _parquet is not null ? _parquet.IsUnmodified(ordinal) : _states[ordinal] == CellState.Unmodified;

    /// <summary>The cell's bytes with CSV quoting removed (whatever its state). Valid until the next Read.</summary>
    public ReadOnlySpan<byte> GetRawUtf8(int ordinal)
    {
        if (_parquet is not null)
        {
            return _parquet.GetRawUtf8(ordinal);
        }

        if ((uint)ordinal >= (uint)_columns.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, $"the file has {_columns.Length} columns");
        }
        return _scanner.Cell(ordinal);
    }

    /// <summary>The cell's text with CSV quoting removed, whatever its state (the null or unmodified marker included).</summary>
    public string GetRawString(int ordinal) =>
        _parquet is not null ? _parquet.GetRawString(ordinal) : DecodeUtf8(ordinal, GetRawUtf8(ordinal));

    public string GetString(int ordinal) =>
        _parquet is not null ? _parquet.GetString(ordinal) : DecodeUtf8(ordinal, ValueBytes(ordinal));

    public bool GetBoolean(int ordinal) =>
        _parquet is not null ? _parquet.GetBoolean(ordinal) :
        CellParsers.TryParseBoolean(ValueBytes(ordinal), out var v) ? v : throw NotA(ordinal, "BOOLEAN", "true or false");

    public short GetInt16(int ordinal) =>
        _parquet is not null ? _parquet.GetInt16(ordinal) :
        CellParsers.TryParseInt16(ValueBytes(ordinal), out var v) ? v : throw NotA(ordinal, "SHORT", "an integer from -32768 to 32767");

    public int GetInt32(int ordinal) =>
        _parquet is not null ? _parquet.GetInt32(ordinal) :
        CellParsers.TryParseInt32(ValueBytes(ordinal), out var v) ? v : throw NotA(ordinal, "INT", "an integer from -2147483648 to 2147483647");

    public long GetInt64(int ordinal) =>
        _parquet is not null ? _parquet.GetInt64(ordinal) :
        CellParsers.TryParseInt64(ValueBytes(ordinal), out var v) ? v : throw NotA(ordinal, "LONG", "a 64-bit integer");

    public float GetSingle(int ordinal) =>
        _parquet is not null ? _parquet.GetSingle(ordinal) :
        CellParsers.TryParseSingle(ValueBytes(ordinal), out var v) ? v
            : throw NotA(ordinal, "FLOAT", float.TryParse(ValueBytes(ordinal), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _) ? "a number within ±3.4E+38; this one is out of range" : "a number");

    public double GetDouble(int ordinal) =>
        _parquet is not null ? _parquet.GetDouble(ordinal) :
        CellParsers.TryParseDouble(ValueBytes(ordinal), out var v) ? v
            : throw NotA(ordinal, "DOUBLE", double.TryParse(ValueBytes(ordinal), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _) ? "a number within ±1.8E+308; this one is out of range" : "a number");

    /// <summary>A DECIMAL validated and in plain notation (exponent expanded, every digit kept; no float conversion).</summary>
    public string GetDecimalString(int ordinal) =>
        _parquet is not null ? _parquet.GetDecimalString(ordinal) :
        CellParsers.TryParseDecimal(ValueBytes(ordinal), out var v) ? v : throw NotA(ordinal, "DECIMAL", "a decimal number such as -123.4500");

    public DateOnly GetDate(int ordinal) =>
        _parquet is not null ? _parquet.GetDate(ordinal) :
        CellParsers.TryParseDate(ValueBytes(ordinal), out var v) ? v : throw NotA(ordinal, "NAIVE_DATE", "a date yyyy-MM-dd");

    public TimeOnly GetTime(int ordinal) =>
        _parquet is not null ? _parquet.GetTime(ordinal) :
        CellParsers.TryParseTime(ValueBytes(ordinal), out var v) ? v : throw NotA(ordinal, "NAIVE_TIME", "a time HH:mm:ss[.fffffffff]");

    /// <summary>A NAIVE_DATETIME (Kind Unspecified).</summary>
    public DateTime GetNaiveDateTime(int ordinal) =>
        _parquet is not null ? _parquet.GetNaiveDateTime(ordinal) :
        CellParsers.TryParseNaiveDateTime(ValueBytes(ordinal), out var v) ? v : throw NotA(ordinal, "NAIVE_DATETIME", "a date-time yyyy-MM-ddTHH:mm:ss[.fffffffff]");

    /// <summary>A UTC_DATETIME, returned with offset zero.</summary>
    public DateTimeOffset GetUtcDateTime(int ordinal) =>
        _parquet is not null ? _parquet.GetUtcDateTime(ordinal) :
        CellParsers.TryParseUtcDateTime(ValueBytes(ordinal), out var v) ? v : throw NotA(ordinal, "UTC_DATETIME", "an instant yyyy-MM-ddTHH:mm:ss[.fffffffff]Z");

    /// <summary>A BINARY cell, base64-decoded.</summary>
    public byte[] GetBinary(int ordinal) =>
        _parquet is not null ? _parquet.GetBinary(ordinal) :
        CellParsers.TryParseBase64(ValueBytes(ordinal), out var v) ? v : throw NotA(ordinal, "BINARY", "base64");

    /// <summary>
    /// The cell typed per the table's DataType: bool, short, int, long, string (DECIMAL, in plain notation), float,
    /// double, DateOnly, DateTime (naive), DateTimeOffset (UTC), TimeOnly, byte[] (BINARY) or string (STRING, JSON,
    /// XML, UNSPECIFIED); null for a NULL cell. An unmodified cell throws: check <see cref="GetState"/> first.
    /// </summary>
    public object? GetValue(int ordinal) => CellValue.Get(this, ordinal);

    object ITypedCells.GetUntypedValue(int ordinal) =>
        _parquet is not null ? ((ITypedCells)_parquet).GetUntypedValue(ordinal) : GetString(ordinal);

    private ReadOnlySpan<byte> ValueBytes(int ordinal)
    {
        var state = _states[ordinal]; // also the range check: one state per column
        if (state != CellState.Value)
        {
            throw NotAValue(ordinal, state);
        }
        return _scanner.Cell(ordinal);
    }

    private InvalidOperationException NotAValue(int ordinal, CellState state) => new(
        $"Row {RowNumber}, column '{_columns[ordinal]}' of batch file '{FilePath}' is {(state == CellState.Null ? "NULL" : "unmodified")}: check GetState before reading a value.");

    private string DecodeUtf8(int ordinal, ReadOnlySpan<byte> bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new BatchFileException(FilePath, "the cell is not valid UTF-8", RowNumber, _columns[ordinal]);
        }
    }

    private BatchFileException NotA(int ordinal, string typeName, string expected)
    {
        var text = Encoding.UTF8.GetString(GetRawUtf8(ordinal));
        return new BatchFileException(FilePath,
            $"value {BatchFileException.Quote(text)} is not a valid {typeName} (expected {expected})", RowNumber, _columns[ordinal]);
    }

    private string[] ReadHeader()
    {
        bool hasHeader;
        try
        {
            hasHeader = _scanner.ReadRow(skipBlankLines: false);
        }
        catch (InvalidDataException e)
        {
            throw Wrap(FilePath, e, row: null, column: null, _fileParams, prefix: "the header row cannot be read: ");
        }
        if (!hasHeader)
        {
            throw new BatchFileException(FilePath, "the file is empty: it has no CSV header row");
        }
        var columns = new string[_scanner.CellCount];
        for (var i = 0; i < columns.Length; i++)
        {
            try
            {
                columns[i] = StrictUtf8.GetString(_scanner.Cell(i));
            }
            catch (DecoderFallbackException e)
            {
                throw new BatchFileException(FilePath,
                    $"header column {i + 1} is not valid UTF-8 (is the file really {DescribeLayers()}?)", innerException: e);
            }
        }
        if (columns.Length > 0 && columns[0].StartsWith('\uFEFF'))
        {
            columns[0] = columns[0][1..]; // a UTF-8 byte-order mark is not part of the first column's name
        }
        return columns;
    }

    /// <summary>
    /// A batch file's first row names columns of its table. One that names none of them is not a header at all
    /// (e.g. the first line of some other file named by mistake or on purpose): it is described by its shape, never
    /// quoted, so no file content leaves through the message.
    /// </summary>
    private void ThrowIfNotAHeaderOf(Table table)
    {
        if (table.Columns.Count == 0 || _columns.Any(c => table.Columns.Any(t => t.Name == c)))
        {
            return;
        }
        var bytes = _columns.Sum(c => Encoding.UTF8.GetByteCount(c)) + Math.Max(0, _columns.Length - 1);
        throw new BatchFileException(FilePath,
            $"the first row is not a CSV header of table '{table.Name}': it has {_columns.Length} {(_columns.Length == 1 ? "cell" : "cells")} ({bytes:N0} bytes) and names none of the table's columns");
    }

    /// <summary>The header's column names, sanitised and cut to a short excerpt.</summary>
    private string QuoteHeader()
    {
        var text = string.Join(", ", _columns);
        return BatchFileException.Quote(text, MaxQuotedHeaderLength);
    }

    private string DescribeLayers() => _stream switch
    {
        ZstdDecompressingStream => "zstd compressed",
        GzipDecompressingStream => "gzip compressed",
        _ => "as the file_params say",
    };

    private static BatchFileException Wrap(string path, InvalidDataException e, long? row, string? column, FileParams fileParams, string prefix = "") =>
        new(path, prefix + Explain(e, fileParams), row, column, innerException: e);

    /// <summary>
    /// Our own layers word their messages for the user; GZipStream's are rephrased. A decompression failure behind
    /// AES ends with the same hint as the padding check (<see cref="AesCbcDecryptingStream.WrongKeyHint"/>): that
    /// check lets about one wrong key in 256 through, and then the decompressor is the first to notice.
    /// </summary>
    private static string Explain(InvalidDataException e, FileParams fileParams)
    {
        var problem = e.Message;
        if (fileParams.Compression == Compression.Gzip && !problem.StartsWith("the ", StringComparison.Ordinal))
        {
            problem = $"the gzip data is corrupt ({problem})";
        }
        if (fileParams.Encryption == Encryption.Aes
            && (problem.StartsWith("the zstd", StringComparison.Ordinal) || problem.StartsWith("the gzip", StringComparison.Ordinal)))
        {
            problem += ": " + AesCbcDecryptingStream.WrongKeyHint;
        }
        return problem;
    }

    public void Dispose()
    {
        _parquet?.Dispose();
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _scanner?.Release();
        _stream.Dispose();
    }
}
