using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ConnectorHost.Abstractions.BatchFiles;
using ConnectorHost.Abstractions.BatchFiles.Parquet;
using ConnectorHost.Abstractions.BatchFiles.Values;
using FivetranSdk.V2;
using Google.Protobuf;
using Parquet;
using Parquet.Data;
using Parquet.Schema;

namespace ConnectorHost.Testing.BatchFiles;

/// <summary>
/// Writes a Parquet batch file the way the Partner SDK describes them, for tests, benchmarks and the local tester:
/// an Avro-style schema (every column optional, i.e. the union ["null", T]; the Avro schema is stored in the footer
/// under <c>parquet.avro.schema</c> as AvroParquetWriter does), the guide's type mapping (BOOLEAN, INT32 for
/// SHORT/INT, INT64, FLOAT, DOUBLE, DECIMAL, BYTE_ARRAY for BINARY, UTF-8 strings for everything else: Instant,
/// LocalDate, times, JSON, XML), pages compressed with the codec named by file_params.compression, then AES-256-CBC
/// on top with a random IV first and PKCS#7 padding. Rows are buffered one row group at a time.
/// <para>
/// Cells: null is a native Parquet null. <see cref="Unmodified"/> writes file_params.unmodified_string, which only a
/// text or binary column can hold (the reader's marker rule); name typed columns that need it in
/// <c>textColumns</c> to write them as UTF-8 strings (read back exactly like CSV cells), or let
/// <see cref="Write"/> choose them. A string given for a typed column is read the way the CSV cell would be
/// (Java's text forms; base64 for BINARY). DECIMAL keeps every digit of DECIMAL(38, s).
/// </para>
/// API mirrors <see cref="BatchFileWriter"/> (Create, Write, WriteRow, Dispose, Key, Params).
/// </summary>
public sealed class ParquetBatchFileWriter : IDisposable
{
    /// <summary>Pass as a value to write the file params' <c>unmodified_string</c>.</summary>
    public static readonly object Unmodified = BatchFileWriter.Unmodified;

    public const int DefaultRowGroupSize = 100_000;

    private readonly FileParams _fileParams;
    private readonly Column[] _columns;
    private readonly bool[] _asText;
    private readonly DataField[] _fields;
    private readonly List<object?>[] _buffered;
    private readonly int _rowGroupSize;
    private readonly Stream _output;
    private readonly ParquetWriter _writer;
    private bool _disposed;

    private ParquetBatchFileWriter(string path, FileParams fileParams, IReadOnlyList<Column> columns, byte[]? key, int rowGroupSize, IReadOnlySet<string>? textColumns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowGroupSize, 1);
        Path = path;
        _fileParams = fileParams;
        _columns = columns.ToArray();
        _rowGroupSize = rowGroupSize;
        _asText = _columns.Select(c => textColumns?.Contains(c.Name) == true || IsTextType(c.Type)).ToArray();
        _fields = _columns.Select((c, i) => FieldFor(c, _asText[i])).ToArray();
        _buffered = _columns.Select(_ => new List<object?>(Math.Min(rowGroupSize, 1 << 16))).ToArray();
        if (fileParams.Encryption == Encryption.Aes)
        {
            Key = key ?? BatchFileWriter.NewKey();
        }

        _output = OpenEncryptingStream(path, Key);
        try
        {
            var options = new ParquetOptions
            {
                UseBigDecimal = true,
                CompressionMethod = fileParams.Compression switch
                {
                    Compression.Zstd => CompressionMethod.Zstd,
                    Compression.Gzip => CompressionMethod.Gzip,
                    _ => CompressionMethod.None,
                },
            };
            _writer = SyncOverAsync.Run(() => ParquetWriter.CreateAsync(new ParquetSchema(_fields), _output, options));
            _writer.CustomMetadata = new Dictionary<string, string> { ["parquet.avro.schema"] = AvroSchema(_columns, _asText) };
        }
        catch
        {
            _output.Dispose();
            throw;
        }
    }

    /// <summary>Starts a Parquet batch file with the given columns (name and DataType; DECIMAL precision/scale from their params).</summary>
    /// <param name="key">AES key (32 bytes) when the params say AES; a random one is made when omitted.</param>
    /// <param name="rowGroupSize">Rows per row group (the reader holds one row group at a time).</param>
    /// <param name="textColumns">Columns to write as UTF-8 strings whatever their type (so they can carry the markers).</param>
    public static ParquetBatchFileWriter Create(string path, FileParams fileParams, IReadOnlyList<Column> columns, byte[]? key = null,
        int rowGroupSize = DefaultRowGroupSize, IReadOnlySet<string>? textColumns = null) =>
        new(path, fileParams, columns, key, rowGroupSize, textColumns);

    /// <summary>Starts a Parquet batch file with the named columns of <paramref name="table"/> (in this order).</summary>
    public static ParquetBatchFileWriter Create(string path, FileParams fileParams, Table table, IReadOnlyList<string> columns, byte[]? key = null,
        int rowGroupSize = DefaultRowGroupSize, IReadOnlySet<string>? textColumns = null)
    {
        var byName = table.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var chosen = columns.Select(name => byName.TryGetValue(name, out var column)
            ? column
            : throw new ArgumentException($"Table '{table.Name}' has no column '{name}'.", nameof(columns))).ToList();
        return new(path, fileParams, chosen, key, rowGroupSize, textColumns);
    }

    /// <summary>
    /// Writes a whole file (values as <see cref="WriteRow"/> takes them) with a random key unless given; returns its
    /// path and the key as a request's <c>keys</c> map holds it. Every row a CSV file can carry can be written: a
    /// typed column that holds the unmodified marker, or a value its Parquet type cannot carry exactly (a string that
    /// does not parse as the type, a decimal with more digits than the column's scale or precision), is written as
    /// a UTF-8 string column for this file, which the reader takes exactly like the CSV cell.
    /// </summary>
    public static WrittenBatchFile Write(string path, FileParams fileParams, IReadOnlyList<Column> columns, IEnumerable<object?[]> rows, byte[]? key = null,
        int rowGroupSize = DefaultRowGroupSize)
    {
        var buffered = rows.ToList();
        var textColumns = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++)
        {
            var column = columns[i];
            if (IsTextType(column.Type))
            {
                continue;
            }
            foreach (var row in buffered)
            {
                var value = i < row.Length ? row[i] : null;
                var fitsTyped = value is null
                    || (ReferenceEquals(value, Unmodified) ? column.Type == DataType.Binary : TryConvertTyped(column, value, out _));
                if (!fitsTyped)
                {
                    textColumns.Add(column.Name);
                    break;
                }
            }
        }

        using var writer = Create(path, fileParams, columns, key, rowGroupSize, textColumns);
        foreach (var row in buffered)
        {
            writer.WriteRow(row);
        }
        return new WrittenBatchFile(path, writer.KeyBytes);
    }

    /// <summary>File params as Fivetran sends them, with the tester's null and unmodified markers.</summary>
    public static FileParams Params(Compression compression = Compression.Zstd, Encryption encryption = Encryption.Aes) =>
        BatchFileWriter.Params(compression, encryption);

    public string Path { get; }

    /// <summary>The AES key, or null when the file is not encrypted.</summary>
    public byte[]? Key { get; }

    /// <summary>The key as it goes into a request's <c>keys</c> map.</summary>
    public ByteString KeyBytes => Key is null ? ByteString.Empty : ByteString.CopyFrom(Key);

    /// <summary>
    /// One row, a value per column: null → native null, <see cref="Unmodified"/> → unmodified_string (text and binary
    /// columns only), and values as for <see cref="BatchFileWriter.WriteRow"/> (numbers of any .NET numeric type for
    /// typed columns; DateTimeOffset/DateOnly/TimeOnly/DateTime written as Java prints them in text columns).
    /// </summary>
    public void WriteRow(params object?[] values)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (values.Length != _columns.Length)
        {
            throw new ArgumentException($"The file has {_columns.Length} columns but {values.Length} values were given.", nameof(values));
        }
        var converted = new object?[values.Length]; // all or nothing: a refused value leaves no partial row behind
        for (var i = 0; i < values.Length; i++)
        {
            converted[i] = Convert(i, values[i]);
        }
        for (var i = 0; i < values.Length; i++)
        {
            _buffered[i].Add(converted[i]);
        }
        if (_buffered[0].Count >= _rowGroupSize)
        {
            FlushRowGroup();
        }
    }

    private object? Convert(int i, object? value)
    {
        var column = _columns[i];
        if (value is null)
        {
            return null;
        }
        if (ReferenceEquals(value, Unmodified))
        {
            if (_asText[i])
            {
                return _fileParams.UnmodifiedString;
            }
            if (column.Type == DataType.Binary)
            {
                return Encoding.UTF8.GetBytes(_fileParams.UnmodifiedString);
            }
            throw new ArgumentException(
                $"Column '{column.Name}' is a typed Parquet column ({column.Type}) and cannot hold the unmodified marker; name it in textColumns.");
        }
        if (_asText[i])
        {
            return value as string ?? CellText.Format(value);
        }
        return TryConvertTyped(column, value, out var typed)
            ? typed
            : throw new ArgumentException(
                $"Column '{column.Name}' is a typed Parquet column ({column.Type}) and cannot hold the {value.GetType().Name} value {BatchFileException.Quote(value.ToString() ?? "")}; name it in textColumns.");
    }

    /// <summary>
    /// The value as the typed Parquet column stores it: numbers of any .NET numeric type, bool, byte[], or a string
    /// read like the CSV cell. False when it does not fit the type exactly.
    /// </summary>
    private static bool TryConvertTyped(Column column, object value, out object? typed)
    {
        typed = null;
        try
        {
            if (value is string text)
            {
                return TryParseTyped(column, Encoding.UTF8.GetBytes(text), out typed);
            }
            typed = column.Type switch
            {
                DataType.Boolean => value as bool?,
                DataType.Short or DataType.Int => System.Convert.ToInt32(value, CultureInfo.InvariantCulture),
                DataType.Long => System.Convert.ToInt64(value, CultureInfo.InvariantCulture),
                DataType.Float => System.Convert.ToSingle(value, CultureInfo.InvariantCulture),
                DataType.Double => System.Convert.ToDouble(value, CultureInfo.InvariantCulture),
                DataType.Decimal => value is IFormattable number ? ToBigDecimal(column, number.ToString(null, CultureInfo.InvariantCulture)) : null,
                DataType.Binary => value as byte[],
                _ => null,
            };
            return typed is not null;
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException or ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static bool TryParseTyped(Column column, byte[] utf8, out object? typed)
    {
        typed = null;
        switch (column.Type)
        {
            case DataType.Boolean when CellParsers.TryParseBoolean(utf8, out var flag): typed = flag; break;
            case DataType.Short or DataType.Int when CellParsers.TryParseInt32(utf8, out var int32): typed = int32; break;
            case DataType.Long when CellParsers.TryParseInt64(utf8, out var int64): typed = int64; break;
            case DataType.Float when CellParsers.TryParseSingle(utf8, out var single): typed = single; break;
            case DataType.Double when CellParsers.TryParseDouble(utf8, out var @double): typed = @double; break;
            case DataType.Decimal when CellParsers.TryParseDecimal(utf8, out var plain): typed = ToBigDecimal(column, plain); break;
            case DataType.Binary when CellParsers.TryParseBase64(utf8, out var bytes): typed = bytes; break;
        }
        return typed is not null;
    }

    /// <summary>A decimal's text at the column's scale; null when that would drop a non-zero digit or exceed the precision.</summary>
    private static BigDecimal? ToBigDecimal(Column column, string text)
    {
        if (!CellParsers.TryParseDecimal(Encoding.UTF8.GetBytes(text), out var plain))
        {
            return null;
        }
        var precision = Precision(column);
        var scale = Scale(column);
        var negative = plain.StartsWith('-');
        var unsigned = negative ? plain[1..] : plain;
        var point = unsigned.IndexOf('.');
        var integer = (point < 0 ? unsigned : unsigned[..point]).TrimStart('0');
        var fraction = point < 0 ? "" : unsigned[(point + 1)..];
        if (fraction.Length > scale)
        {
            if (fraction.AsSpan(scale).ContainsAnyExcept('0'))
            {
                return null;
            }
            fraction = fraction[..scale];
        }
        if (integer.Length + scale > precision)
        {
            return null;
        }
        var unscaled = BigInteger.Parse(integer + fraction.PadRight(scale, '0') is { Length: > 0 } digits ? digits : "0", CultureInfo.InvariantCulture);
        return new BigDecimal(negative ? -unscaled : unscaled, precision, scale);
    }

    private void FlushRowGroup()
    {
        var context = SynchronizationContext.Current; // see SyncOverAsync: never block a context the library may post to
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            WriteRowGroup();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    private void WriteRowGroup()
    {
        var rows = _buffered[0].Count;
        if (rows == 0)
        {
            return;
        }
        using (var rowGroup = _writer.CreateRowGroup())
        {
            for (var i = 0; i < _fields.Length; i++)
            {
                var field = _fields[i];
                var values = _buffered[i];
                var write = _asText[i] ? rowGroup.WriteAsync(field, values.Cast<string?>().ToArray()!) : _columns[i].Type switch
                {
                    DataType.Boolean => rowGroup.WriteAsync<bool>(field, values.Select(v => (bool?)v).ToArray().AsMemory()),
                    DataType.Short or DataType.Int => rowGroup.WriteAsync<int>(field, values.Select(v => (int?)v).ToArray().AsMemory()),
                    DataType.Long => rowGroup.WriteAsync<long>(field, values.Select(v => (long?)v).ToArray().AsMemory()),
                    DataType.Float => rowGroup.WriteAsync<float>(field, values.Select(v => (float?)v).ToArray().AsMemory()),
                    DataType.Double => rowGroup.WriteAsync<double>(field, values.Select(v => (double?)v).ToArray().AsMemory()),
                    DataType.Decimal => rowGroup.WriteAsync<BigDecimal>(field, values.Select(v => (BigDecimal?)v).ToArray().AsMemory()),
                    _ => rowGroup.WriteAsync(field, values.Cast<byte[]?>().ToArray()!),
                };
                write.GetAwaiter().GetResult();
                values.Clear();
            }
        }
    }

    private static bool IsTextType(DataType type) => type is not (DataType.Boolean or DataType.Short or DataType.Int
        or DataType.Long or DataType.Float or DataType.Double or DataType.Decimal or DataType.Binary);

    private static DataField FieldFor(Column column, bool asText)
    {
        if (asText)
        {
            return new DataField<string>(column.Name, true);
        }
        return column.Type switch
        {
            DataType.Boolean => new DataField<bool?>(column.Name),
            DataType.Short or DataType.Int => new DataField<int?>(column.Name),
            DataType.Long => new DataField<long?>(column.Name),
            DataType.Float => new DataField<float?>(column.Name),
            DataType.Double => new DataField<double?>(column.Name),
            // Fixed-length bytes whatever the precision: Parquet.Net encodes BigDecimal values only that way.
            DataType.Decimal => new BigDecimalDataField(column.Name, Precision(column), Scale(column), isNullable: true),
            _ => new DataField<byte[]>(column.Name, true),
        };
    }

    private static int Precision(Column column) => column.Params?.Decimal is { Precision: > 0 } d ? (int)d.Precision : 38;

    private static int Scale(Column column) => column.Params?.Decimal is { Precision: > 0 } d ? (int)d.Scale : 10;

    /// <summary>The record schema AvroParquetWriter would store: every field the union ["null", T].</summary>
    private static string AvroSchema(Column[] columns, bool[] asText)
    {
        var fields = columns.Select((c, i) => new Dictionary<string, object>
        {
            ["name"] = c.Name,
            ["type"] = new object[] { "null", asText[i] ? "string" : AvroType(c) },
            ["default"] = null!,
        });
        return JsonSerializer.Serialize(new Dictionary<string, object> { ["type"] = "record", ["name"] = "Row", ["fields"] = fields });
    }

    private static object AvroType(Column column) => column.Type switch
    {
        DataType.Boolean => "boolean",
        DataType.Short or DataType.Int => "int",
        DataType.Long => "long",
        DataType.Float => "float",
        DataType.Double => "double",
        DataType.Decimal => new Dictionary<string, object> { ["type"] = "bytes", ["logicalType"] = "decimal", ["precision"] = Precision(column), ["scale"] = Scale(column) },
        _ => "bytes",
    };

    /// <summary>File → AES-256-CBC (random IV first, PKCS#7) when keyed; Parquet.Net writes forward only.</summary>
    private static Stream OpenEncryptingStream(string path, byte[]? key)
    {
        var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024);
        if (key is null)
        {
            return file;
        }
        try
        {
            var aes = Aes.Create();
            aes.Key = key;
            aes.GenerateIV();
            aes.Mode = CipherMode.CBC;
            aes.Padding = PaddingMode.PKCS7;
            file.Write(aes.IV);
            return new ForwardWriteStream(new CryptoStream(file, aes.CreateEncryptor(), CryptoStreamMode.Write));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Writes the last row group and the footer, ends encryption (final padded block) and closes the file.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        try
        {
            FlushRowGroup();
            SyncOverAsync.Run(_writer.DisposeAsync);
        }
        finally
        {
            _output.Dispose();
        }
    }

    /// <summary>A write-only stream that knows its position (Parquet.Net asks for it) over a non-seekable one.</summary>
    private sealed class ForwardWriteStream(Stream inner) : Stream
    {
        private long _position;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _position;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            _position += buffer.Length;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            inner.Flush();
            return Task.CompletedTask;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

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
