using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ConnectorHost.Abstractions.BatchFiles.Crypto;
using ConnectorHost.Abstractions.BatchFiles.Parquet;
using ConnectorHost.Abstractions.BatchFiles.Values;
using FivetranSdk.V2;
using Google.Protobuf;
using ParquetSharp;
using ParquetSharp.IO;
using ParquetSharp.Schema;
using Encoding = System.Text.Encoding;

namespace ConnectorHost.Abstractions.BatchFiles;

/// <summary>
/// Reads one Fivetran Parquet batch file row by row, with the same row API as <see cref="BatchFileReader"/> (CSV).
/// <para>
/// The file is AES-256-CBC encrypted like a CSV file (IV first, PKCS#7); Parquet needs random access (the footer is
/// at the end), so it is read through a seekable decrypting stream that decrypts only the blocks a read covers:
/// no plaintext on disk, and memory bounded by one row group (read column by column into reused buffers) plus a
/// 256 KiB decryption window. file_params.compression does not apply: Parquet compresses its own pages.
/// </para>
/// <para>
/// Cells: a native Parquet null is NULL. The markers (assumption, the guide is silent; README "Batch files"):
/// wherever a column can hold text — a UTF-8 string column, or a binary column — a cell equal to
/// <c>file_params.null_string</c> is NULL and one equal to <c>unmodified_string</c> is unmodified, exactly as in CSV.
/// Typed columns (boolean, INT32, INT64, FLOAT, DOUBLE, DECIMAL) cannot carry a marker; any column may instead be
/// a UTF-8 string column, whose text is then read like a CSV cell (markers included).
/// </para>
/// Every problem with the file raises <see cref="BatchFileException"/> naming the file, the row (and row group) and
/// the column.
/// </summary>
public sealed class ParquetBatchFileReader : IDisposable, ITypedCells
{
    private const string HistoryStartColumn = "_fivetran_start";
    private const int MaxQuotedProblemLength = 200;

    private static ReadOnlySpan<byte> Magic => "PAR1"u8;

    private readonly Stream _stream;
    private readonly ManagedRandomAccessFile _file;
    private readonly ParquetFileReader _parquet;
    private readonly int _rowGroupCount;
    private readonly FileParams _fileParams;
    private readonly bool _encrypted;
    private readonly ParquetColumn[] _parquetColumns;
    private readonly string[] _columns;
    private readonly DataType[] _types;
    private readonly Dictionary<string, int> _ordinals;
    private readonly CellState[] _states;
    private readonly byte[] _nullUtf8;
    private readonly byte[] _unmodifiedUtf8;
    private readonly CancellationToken _cancellationToken;
    private byte[] _utf8Scratch = new byte[256];
    private int _rowGroup = -1;
    private int _rowGroupRows;
    private int _rowInGroup;
    private bool _disposed;

    private ParquetBatchFileReader(string path, Stream stream, ManagedRandomAccessFile file, ParquetFileReader parquet, FileParams fileParams, Table table, CancellationToken cancellationToken)
    {
        FilePath = path;
        Table = table;
        _stream = stream;
        _file = file;
        _parquet = parquet;
        using var metadata = parquet.FileMetaData; // the reader keeps its own; the column descriptors are not kept
        _rowGroupCount = metadata.NumRowGroups;
        _fileParams = fileParams;
        _encrypted = fileParams.Encryption == Encryption.Aes;
        _cancellationToken = cancellationToken;
        _nullUtf8 = Encoding.UTF8.GetBytes(fileParams.NullString);
        _unmodifiedUtf8 = Encoding.UTF8.GetBytes(fileParams.UnmodifiedString);

        var tableTypes = table.Columns.GroupBy(c => c.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Type, StringComparer.Ordinal);
        // Only flat columns: every top-level field a non-repeated leaf, so the i-th field is the i-th column chunk.
        var schema = metadata.Schema;
        var fields = new List<ColumnDescriptor>();
        foreach (var field in schema.GroupNode.Fields)
        {
            if (field is not PrimitiveNode || field.Repetition == Repetition.Repeated)
            {
                throw new BatchFileException(path,
                    $"column '{field.Name}' is a nested or repeated Parquet field ({SchemaType(field)}); batch files hold flat columns",
                    column: field.Name);
            }
            fields.Add(schema.Column(fields.Count));
        }
        _columns = fields.Select(f => f.Name).ToArray();
        _ordinals = new Dictionary<string, int>(_columns.Length, StringComparer.Ordinal);
        for (var i = 0; i < _columns.Length; i++)
        {
            if (!_ordinals.TryAdd(_columns[i], i))
            {
                throw new BatchFileException(path, $"the Parquet schema names column '{_columns[i]}' twice", column: _columns[i]);
            }
        }
        _types = _columns.Select(c => tableTypes.GetValueOrDefault(c, DataType.Unspecified)).ToArray();
        _parquetColumns = new ParquetColumn[fields.Count];
        for (var i = 0; i < fields.Count; i++)
        {
            _parquetColumns[i] = ParquetColumn.Create(fields[i], _types[i], out var mismatch);
            if (mismatch is not null)
            {
                throw new BatchFileException(path, $"the column {mismatch}", column: _columns[i]);
            }
        }
        // As for CSV: history mode flags _fivetran_start as a key, but history delete files may leave it out.
        foreach (var key in table.Columns.Where(c => c.PrimaryKey && c.Name != HistoryStartColumn))
        {
            if (!_ordinals.ContainsKey(key.Name))
            {
                throw new BatchFileException(path,
                    $"the Parquet schema has no column '{key.Name}', a primary-key column of table '{table.Name}' (columns: {DescribeColumns()})",
                    column: key.Name);
            }
        }
        _states = new CellState[_columns.Length];
    }

    /// <summary>How Parquet.Net named a field that is not a flat column (the words of this reader's messages).</summary>
    private static string SchemaType(Node field) => field.LogicalType switch
    {
        ListLogicalType => "List",
        MapLogicalType => "Map",
        _ when field is GroupNode => "Struct",
        _ => "Data",
    };

    /// <summary>
    /// Opens a Parquet batch file named in a WriteBatch/WriteHistoryBatch request and reads its footer (schema).
    /// </summary>
    /// <param name="path">The file path as the request gives it.</param>
    /// <param name="fileParams">The request's <c>file_params</c>: encryption, null and unmodified strings (compression is Parquet's own).</param>
    /// <param name="keys">The request's <c>keys</c> (file path → AES key); only consulted when the file is encrypted.</param>
    /// <param name="table">The request's table: column types for typed access, primary-key columns the file must have.</param>
    /// <param name="cancellationToken">Checked before each row group is read.</param>
    public static ParquetBatchFileReader Open(string path, FileParams fileParams, IReadOnlyDictionary<string, ByteString> keys, Table table, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(keys);
        ReadOnlyMemory<byte> key = default;
        ThrowIfMissing(path);
        if (fileParams?.Encryption == Encryption.Aes)
        {
            if (!keys.TryGetValue(path, out var keyBytes))
            {
                throw new BatchFileException(path, "the request's keys hold no decryption key for this file");
            }
            key = keyBytes.Memory;
        }
        return Open(path, fileParams!, key.Span, table, cancellationToken);
    }

    /// <summary>Opens a Parquet batch file with its AES key given directly (ignored when the file is not encrypted).</summary>
    public static ParquetBatchFileReader Open(string path, FileParams fileParams, ReadOnlySpan<byte> key, Table table, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(fileParams);
        ArgumentNullException.ThrowIfNull(table);
        ThrowIfMissing(path);

        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.RandomAccess);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BatchFileException(path, $"the file cannot be opened ({e.Message})", kind: ConnectorErrorKind.FailedPrecondition, innerException: e);
        }

        Stream stream = file;
        ManagedRandomAccessFile? randomAccess = null;
        ParquetFileReader? parquet = null;
        var encrypted = fileParams.Encryption == Encryption.Aes;
        try
        {
            stream = fileParams.Encryption switch
            {
                Encryption.None => file,
                Encryption.Aes => new SeekableAesCbcStream(file, key),
                var other => throw new BatchFileException(path, $"unsupported encryption {other}"),
            };
            CheckMagic(path, stream, encrypted);
            randomAccess = new ManagedRandomAccessFile(stream, leaveOpen: true);
            parquet = new ParquetFileReader(randomAccess);
            return new ParquetBatchFileReader(path, stream, randomAccess, parquet, fileParams, table, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            DisposeReader(parquet, randomAccess);
            stream.Dispose();
            throw new BatchFileException(path, e.Message, innerException: e);
        }
        catch (Exception e) when (e is not BatchFileException and not OperationCanceledException and not OutOfMemoryException)
        {
            DisposeReader(parquet, randomAccess);
            stream.Dispose();
            throw new BatchFileException(path,
                $"the Parquet footer cannot be read: {Sanitise(e.Message)}{KeyHint(encrypted)}", innerException: e);
        }
        catch
        {
            DisposeReader(parquet, randomAccess);
            stream.Dispose();
            throw;
        }
    }

    private static void CheckMagic(string path, Stream stream, bool encrypted)
    {
        Span<byte> magic = stackalloc byte[4];
        if (stream.Length < 12)
        {
            throw new BatchFileException(path,
                $"the file is not Parquet: its {(encrypted ? "decrypted " : "")}content is {stream.Length} bytes, shorter than a Parquet header and footer{KeyHint(encrypted)}");
        }
        stream.Position = 0;
        stream.ReadExactly(magic);
        if (!magic.SequenceEqual(Magic))
        {
            throw new BatchFileException(path,
                $"the file is not Parquet: its {(encrypted ? "decrypted " : "")}content does not start with the magic bytes PAR1{KeyHint(encrypted)}");
        }
        stream.Position = stream.Length - 4;
        stream.ReadExactly(magic);
        if (!magic.SequenceEqual(Magic))
        {
            throw new BatchFileException(path,
                "the Parquet file does not end with its footer's magic bytes PAR1: it was truncated or damaged");
        }
        stream.Position = 0;
    }

    private static void DisposeReader(ParquetFileReader? parquet, ManagedRandomAccessFile? file)
    {
        parquet?.Dispose();
        file?.Dispose();
    }

    private static string KeyHint(bool encrypted) => encrypted ? " (or the AES key is wrong)" : "";

    private static void ThrowIfMissing(string path)
    {
        if (!File.Exists(path))
        {
            throw new BatchFileException(path, "the file does not exist", kind: ConnectorErrorKind.NotFound);
        }
    }

    /// <summary>The file path as given to Open.</summary>
    public string FilePath { get; }

    /// <summary>The table the file belongs to (as given to Open).</summary>
    public Table Table { get; }

    /// <summary>Column names in the Parquet schema's order; ordinals index into this.</summary>
    public IReadOnlyList<string> Columns => _columns;

    /// <summary>1-based number of the current row across the whole file; 0 before the first Read.</summary>
    public long RowNumber { get; private set; }

    /// <summary>Number of row groups in the file.</summary>
    public int RowGroupCount => _rowGroupCount;

    /// <summary>1-based row group of the current row; 0 before the first Read.</summary>
    public int RowGroupNumber => _rowGroup + 1;

    /// <summary>The ordinal of a column (case-sensitive), or -1 if the file has no such column.</summary>
    public int GetOrdinal(string column) => _ordinals.GetValueOrDefault(column, -1);

    /// <summary>The table's DataType for a column (UNSPECIFIED when the table lacks it).</summary>
    public DataType GetDataType(int ordinal) => _types[ordinal];

    /// <summary>Moves to the next row; false at the end of the file. Reads a whole row group when the current one ends.</summary>
    public bool Read()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (_rowInGroup >= _rowGroupRows)
        {
            if (_rowGroup + 1 >= _rowGroupCount)
            {
                return false;
            }
            LoadRowGroup(_rowGroup + 1);
        }
        var row = _rowInGroup++;
        RowNumber++;
        for (var i = 0; i < _parquetColumns.Length; i++)
        {
            var column = _parquetColumns[i];
            if (!column.Advance(row))
            {
                _states[i] = CellState.Null;
                continue;
            }
            _states[i] = column.Kind switch
            {
                ParquetValueKind.Text => MarkerState(column.Text),
                ParquetValueKind.Binary => MarkerState(column.Binary),
                _ => CellState.Value,
            };
        }
        return true;
    }

    private CellState MarkerState(ReadOnlySpan<char> text)
    {
        var nullString = _fileParams.NullString;
        if (nullString.Length > 0 && text.Length == nullString.Length && text.SequenceEqual(nullString))
        {
            return CellState.Null;
        }
        var unmodifiedString = _fileParams.UnmodifiedString;
        if (unmodifiedString.Length > 0 && text.Length == unmodifiedString.Length && text.SequenceEqual(unmodifiedString))
        {
            return CellState.Unmodified;
        }
        return CellState.Value;
    }

    private CellState MarkerState(ReadOnlySpan<byte> bytes)
    {
        if (_nullUtf8.Length > 0 && bytes.SequenceEqual(_nullUtf8))
        {
            return CellState.Null;
        }
        if (_unmodifiedUtf8.Length > 0 && bytes.SequenceEqual(_unmodifiedUtf8))
        {
            return CellState.Unmodified;
        }
        return CellState.Value;
    }

    private void LoadRowGroup(int index)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        var firstRow = RowNumber + 1;
        long rows;
        try
        {
            using var rowGroup = _parquet.RowGroup(index);
            rows = rowGroup.MetaData.NumRows;
            if (rows > Array.MaxLength)
            {
                throw new BatchFileException(FilePath, $"row group {index + 1} of {_rowGroupCount} claims {rows} rows, more than one read can hold");
            }
            for (var c = 0; c < _parquetColumns.Length; c++)
            {
                var column = _parquetColumns[c];
                try
                {
                    column.Load(rowGroup, c, (int)rows, _cancellationToken);
                }
                catch (Exception e) when (e is not BatchFileException and not OperationCanceledException and not OutOfMemoryException)
                {
                    throw new BatchFileException(FilePath,
                        $"row group {index + 1} of {_rowGroupCount} (rows {firstRow}–{firstRow + rows - 1}): the column's data cannot be read: {Sanitise(e.Message)}{KeyHint(_encrypted)}",
                        firstRow, column.Name, innerException: e);
                }
            }
        }
        catch (Exception e) when (e is not BatchFileException and not OperationCanceledException and not OutOfMemoryException)
        {
            throw new BatchFileException(FilePath,
                $"row group {index + 1} of {_rowGroupCount} cannot be read: {Sanitise(e.Message)}{KeyHint(_encrypted)}",
                firstRow, innerException: e);
        }
        _rowGroup = index;
        _rowGroupRows = (int)rows;
        _rowInGroup = 0;
    }

    /// <summary>Library messages are quoted with control characters escaped and cut short: they must not carry file content.</summary>
    private static string Sanitise(string message)
    {
        var quoted = BatchFileException.Quote(message.Length > MaxQuotedProblemLength ? message[..MaxQuotedProblemLength] : message);
        return quoted[1..^1];
    }

    private string DescribeColumns() => string.Join(", ", _columns.Take(50)) + (_columns.Length > 50 ? $", … ({_columns.Length} columns)" : "");

    public CellState GetState(int ordinal) => _states[ordinal];

    public bool IsNull(int ordinal) => _states[ordinal] == CellState.Null;

    public bool IsUnmodified(int ordinal) => _states[ordinal] == CellState.Unmodified;

    /// <summary>
    /// The cell as UTF-8 whatever its state: a text cell's text, a binary cell's bytes, other values as text
    /// (invariant), a native null as the null_string. Valid until the next Read or the next call for this reader.
    /// </summary>
    public ReadOnlySpan<byte> GetRawUtf8(int ordinal)
    {
        if ((uint)ordinal >= (uint)_columns.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, $"the file has {_columns.Length} columns");
        }
        var column = _parquetColumns[ordinal];
        if (column.ValueIndex < 0)
        {
            return _nullUtf8;
        }
        return column.Kind switch
        {
            ParquetValueKind.Text => column.Text,
            ParquetValueKind.Binary => column.Binary,
            _ => Utf8(column.FormatValue()),
        };
    }

    /// <summary>The cell's text whatever its state (the null or unmodified marker included; a native null as null_string).</summary>
    public string GetRawString(int ordinal)
    {
        var column = _parquetColumns[ordinal];
        if (column.ValueIndex < 0)
        {
            return _fileParams.NullString;
        }
        return column.Kind == ParquetValueKind.Binary ? DecodeUtf8(ordinal, column.Binary) : column.FormatValue();
    }

    /// <summary>The value as text: a string column's text; other columns formatted (DECIMAL plain, BINARY base64).</summary>
    public string GetString(int ordinal)
    {
        var column = ValueColumn(ordinal);
        return column.Kind == ParquetValueKind.Text ? Encoding.UTF8.GetString(column.Text) : column.FormatValue();
    }

    public bool GetBoolean(int ordinal)
    {
        var column = ValueColumn(ordinal);
        return column.Kind switch
        {
            ParquetValueKind.Boolean => column.Boolean,
            ParquetValueKind.Text when CellParsers.TryParseBoolean(column.Text, out var v) => v,
            _ => throw NotA(ordinal, "BOOLEAN", "true or false"),
        };
    }

    public short GetInt16(int ordinal)
    {
        var column = ValueColumn(ordinal);
        return column.Kind switch
        {
            ParquetValueKind.Int32 when column.Int32 is >= short.MinValue and <= short.MaxValue => (short)column.Int32,
            ParquetValueKind.Text when CellParsers.TryParseInt16(column.Text, out var v) => v,
            _ => throw NotA(ordinal, "SHORT", "an integer from -32768 to 32767"),
        };
    }

    public int GetInt32(int ordinal)
    {
        var column = ValueColumn(ordinal);
        return column.Kind switch
        {
            ParquetValueKind.Int32 => column.Int32,
            ParquetValueKind.Text when CellParsers.TryParseInt32(column.Text, out var v) => v,
            _ => throw NotA(ordinal, "INT", "an integer from -2147483648 to 2147483647"),
        };
    }

    public long GetInt64(int ordinal)
    {
        var column = ValueColumn(ordinal);
        return column.Kind switch
        {
            ParquetValueKind.Int64 => column.Int64,
            ParquetValueKind.Int32 => column.Int32,
            ParquetValueKind.Text when CellParsers.TryParseInt64(column.Text, out var v) => v,
            _ => throw NotA(ordinal, "LONG", "a 64-bit integer"),
        };
    }

    public float GetSingle(int ordinal)
    {
        var column = ValueColumn(ordinal);
        return column.Kind switch
        {
            ParquetValueKind.Float => column.Float,
            ParquetValueKind.Text when CellParsers.TryParseSingle(column.Text, out var v) => v,
            _ => throw NotA(ordinal, "FLOAT", "a number"),
        };
    }

    public double GetDouble(int ordinal)
    {
        var column = ValueColumn(ordinal);
        return column.Kind switch
        {
            ParquetValueKind.Double => column.Double,
            ParquetValueKind.Float => column.Float,
            ParquetValueKind.Text when CellParsers.TryParseDouble(column.Text, out var v) => v,
            _ => throw NotA(ordinal, "DOUBLE", "a number"),
        };
    }

    /// <summary>A DECIMAL in plain notation with every digit kept (a Parquet DECIMAL keeps its scale's trailing zeros).</summary>
    public string GetDecimalString(int ordinal)
    {
        var column = ValueColumn(ordinal);
        return column.Kind switch
        {
            ParquetValueKind.Decimal => ParquetColumn.FormatDecimal(column.Decimal),
            ParquetValueKind.Text when CellParsers.TryParseDecimal(column.Text, out var v) => v,
            _ => throw NotA(ordinal, "DECIMAL", "a decimal number such as -123.4500"),
        };
    }

    public DateOnly GetDate(int ordinal) =>
        CellParsers.TryParseDate(TextUtf8(ordinal), out var v) ? v : throw NotA(ordinal, "NAIVE_DATE", "a date yyyy-MM-dd");

    public TimeOnly GetTime(int ordinal) =>
        CellParsers.TryParseTime(TextUtf8(ordinal), out var v) ? v : throw NotA(ordinal, "NAIVE_TIME", "a time HH:mm:ss[.fffffffff]");

    /// <summary>A NAIVE_DATETIME (Kind Unspecified). The guide lists LocalDateTime as unsupported in Parquet; a string is read as in CSV.</summary>
    public DateTime GetNaiveDateTime(int ordinal) =>
        CellParsers.TryParseNaiveDateTime(TextUtf8(ordinal), out var v) ? v : throw NotA(ordinal, "NAIVE_DATETIME", "a date-time yyyy-MM-ddTHH:mm:ss[.fffffffff]");

    /// <summary>A UTC_DATETIME (an Instant, written as a string), returned with offset zero.</summary>
    public DateTimeOffset GetUtcDateTime(int ordinal) =>
        CellParsers.TryParseUtcDateTime(TextUtf8(ordinal), out var v) ? v : throw NotA(ordinal, "UTC_DATETIME", "an instant yyyy-MM-ddTHH:mm:ss[.fffffffff]Z");

    /// <summary>A BINARY cell's bytes (a UTF-8 string column is base64-decoded, as in CSV).</summary>
    public byte[] GetBinary(int ordinal)
    {
        var column = ValueColumn(ordinal);
        return column.Kind switch
        {
            ParquetValueKind.Binary => column.Binary.ToArray(),
            ParquetValueKind.Text when CellParsers.TryParseBase64(column.Text, out var v) => v,
            _ => throw NotA(ordinal, "BINARY", "bytes or base64 text"),
        };
    }

    /// <summary>
    /// The cell typed per the table's DataType, as <see cref="BatchFileReader.GetValue"/>: bool, short, int, long,
    /// string (DECIMAL, plain notation), float, double, DateOnly, DateTime (naive), DateTimeOffset (UTC), TimeOnly,
    /// byte[] or string; null for a NULL cell. Columns the table lacks give their Parquet value as .NET value.
    /// An unmodified cell throws: check <see cref="GetState"/> first.
    /// </summary>
    public object? GetValue(int ordinal) => CellValue.Get(this, ordinal);

    object ITypedCells.GetUntypedValue(int ordinal)
    {
        var column = ValueColumn(ordinal);
        return column.Kind switch
        {
            ParquetValueKind.Boolean => column.Boolean,
            ParquetValueKind.Int32 => column.Int32,
            ParquetValueKind.Int64 => column.Int64,
            ParquetValueKind.Float => column.Float,
            ParquetValueKind.Double => column.Double,
            ParquetValueKind.Binary => column.Binary.ToArray(),
            _ => GetString(ordinal),
        };
    }

    private ParquetColumn ValueColumn(int ordinal)
    {
        var state = _states[ordinal]; // also the range check: one state per column
        if (state != CellState.Value)
        {
            throw new InvalidOperationException(
                $"Row {RowNumber}, column '{_columns[ordinal]}' of batch file '{FilePath}' is {(state == CellState.Null ? "NULL" : "unmodified")}: check GetState before reading a value.");
        }
        return _parquetColumns[ordinal];
    }

    /// <summary>A text cell as UTF-8 for the CSV parsers (dates, times and instants are strings in Parquet batch files).</summary>
    private ReadOnlySpan<byte> TextUtf8(int ordinal)
    {
        var column = ValueColumn(ordinal);
        return column.Kind == ParquetValueKind.Text ? column.Text : Utf8(column.FormatValue());
    }

    private ReadOnlySpan<byte> Utf8(ReadOnlySpan<char> text)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (_utf8Scratch.Length < max)
        {
            _utf8Scratch = new byte[Math.Max(max, _utf8Scratch.Length * 2)];
        }
        var written = Encoding.UTF8.GetBytes(text, _utf8Scratch);
        return _utf8Scratch.AsSpan(0, written);
    }

    private string DecodeUtf8(int ordinal, ReadOnlySpan<byte> bytes)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new BatchFileException(FilePath, $"the cell is not valid UTF-8{Where()}", RowNumber, _columns[ordinal]);
        }
    }

    private BatchFileException NotA(int ordinal, string typeName, string expected)
    {
        var column = _parquetColumns[ordinal];
        var text = column.FormatValue();
        var storage = column.Kind == ParquetValueKind.Text ? "" : $" (Parquet {column.DescribeStorage()})";
        return new BatchFileException(FilePath,
            $"value {BatchFileException.Quote(text)}{storage} is not a valid {typeName} (expected {expected}){Where()}", RowNumber, _columns[ordinal]);
    }

    /// <summary>Where the current row sits in the file's row groups, for messages.</summary>
    private string Where() => $" [row group {_rowGroup + 1} of {_rowGroupCount}, row {_rowInGroup} in the group]";

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        DisposeReader(_parquet, _file);
        _stream.Dispose();
        CryptographicOperations.ZeroMemory(_utf8Scratch);
    }
}
