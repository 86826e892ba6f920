using System.Globalization;
using System.Numerics;
using System.Text;
using FivetranSdk.V2;
using ParquetSharp;
using Encoding = System.Text.Encoding;

namespace ConnectorHost.Abstractions.BatchFiles.Parquet;

/// <summary>How a Parquet column's values arrive, after its physical and logical type.</summary>
internal enum ParquetValueKind
{
    Boolean,
    Int32,
    Int64,
    Float,
    Double,
    Decimal,
    Text,
    Binary,
}

/// <summary>
/// One column of the row group being read, decoded by ParquetSharp (apache/arrow's C++ Parquet reader) through the
/// low-level <c>ColumnReader&lt;T&gt;.ReadBatch</c>: its values (dense, nulls left out, as Parquet stores them) and
/// its definition levels, in buffers reused from one row group to the next, so memory is bounded by the largest
/// row group. Text, binary and fixed-length values point into ParquetSharp's page buffer only until the next
/// batch, so they are copied as bytes (UTF-8 for text, never .NET strings) into one reused byte buffer per column.
/// </summary>
internal sealed unsafe class ParquetColumn
{
    private const int Batch = 4096;

    private readonly string _storage;
    private readonly PhysicalType _physical;
    private readonly int _typeLength;
    private readonly int _scale;
    private short[] _definitionLevels = [];
    private bool[] _booleans = [];
    private int[] _int32s = [];
    private long[] _int64s = [];
    private float[] _floats = [];
    private double[] _doubles = [];
    private byte[] _bytes = [];
    private int[] _offsets = [];
    private ByteArray[] _byteArrayBatch = [];
    private FixedLenByteArray[] _fixedBatch = [];
    private int _nextValue;

    private ParquetColumn(string name, ColumnDescriptor descriptor, ParquetValueKind kind, DataType tableType)
    {
        Name = name;
        _storage = Describe(descriptor); // the descriptor lives in the file's metadata: nothing of it is kept
        _physical = descriptor.PhysicalType;
        _typeLength = descriptor.TypeLength;
        _scale = descriptor.LogicalType is DecimalLogicalType d ? d.Scale : 0;
        Kind = kind;
        TableType = tableType;
        MaxDefinitionLevel = descriptor.MaxDefinitionLevel;
    }

    public string Name { get; }

    public ParquetValueKind Kind { get; }

    public DataType TableType { get; }

    public int MaxDefinitionLevel { get; }

    /// <summary>Index of the current row's value in the dense value buffer; -1 when the row's cell is a native null.</summary>
    public int ValueIndex { get; private set; } = -1;

    /// <summary>
    /// Describes the column to the reader, or explains why the file's column cannot hold the table's type
    /// (null kind and a reason).
    /// </summary>
    public static ParquetColumn Create(ColumnDescriptor descriptor, DataType tableType, out string? mismatch)
    {
        mismatch = null;
        var name = descriptor.Name;
        var kind = KindOf(descriptor);
        if (kind is null)
        {
            mismatch = $"is stored as Parquet {Describe(descriptor)}, which Fivetran batch files do not use";
            return new ParquetColumn(name, descriptor, ParquetValueKind.Text, tableType);
        }
        if (!Accepts(tableType, kind.Value))
        {
            mismatch = $"is stored as Parquet {Describe(descriptor)} but the table declares it {TypeName(tableType)} (expected {Expected(tableType)})";
        }
        return new ParquetColumn(name, descriptor, kind.Value, tableType);
    }

    /// <summary>As Parquet.Net mapped them before (UseBigDecimal, un-annotated BYTE_ARRAY as binary): dates, times, timestamps, INT96 and unsigned integers are not batch-file types.</summary>
    private static ParquetValueKind? KindOf(ColumnDescriptor descriptor)
    {
        var logical = descriptor.LogicalType;
        if (logical is DecimalLogicalType)
        {
            return descriptor.PhysicalType is PhysicalType.Int32 or PhysicalType.Int64 or PhysicalType.ByteArray or PhysicalType.FixedLenByteArray
                ? ParquetValueKind.Decimal : null;
        }
        var plain = logical is NoneLogicalType || logical.Type == LogicalTypeEnum.None;
        return descriptor.PhysicalType switch
        {
            PhysicalType.Boolean when plain => ParquetValueKind.Boolean,
            PhysicalType.Int32 when plain || logical is IntLogicalType { IsSigned: true } => ParquetValueKind.Int32,
            PhysicalType.Int64 when plain || logical is IntLogicalType { IsSigned: true } => ParquetValueKind.Int64,
            PhysicalType.Float when plain => ParquetValueKind.Float,
            PhysicalType.Double when plain => ParquetValueKind.Double,
            PhysicalType.ByteArray when logical is StringLogicalType or EnumLogicalType or JsonLogicalType => ParquetValueKind.Text,
            PhysicalType.ByteArray when plain || logical is BsonLogicalType => ParquetValueKind.Binary,
            PhysicalType.FixedLenByteArray when plain => ParquetValueKind.Binary,
            _ => null,
        };
    }

    /// <summary>
    /// The guide's mapping (boolean, INT32 for SHORT/INT, INT64, FLOAT, DOUBLE, DECIMAL, strings for the rest, binary),
    /// plus lossless widenings, plus a UTF-8 string for any type (read like a CSV cell; see the README's marker rule).
    /// </summary>
    private static bool Accepts(DataType type, ParquetValueKind kind) => kind == ParquetValueKind.Text || type switch
    {
        DataType.Unspecified => true,
        DataType.Boolean => kind == ParquetValueKind.Boolean,
        DataType.Short or DataType.Int => kind == ParquetValueKind.Int32,
        DataType.Long => kind is ParquetValueKind.Int64 or ParquetValueKind.Int32,
        DataType.Float => kind == ParquetValueKind.Float,
        DataType.Double => kind is ParquetValueKind.Double or ParquetValueKind.Float,
        DataType.Decimal => kind == ParquetValueKind.Decimal,
        DataType.Binary => kind == ParquetValueKind.Binary,
        _ => false, // dates, times, instants, JSON, XML and strings travel as UTF-8 strings
    };

    private static string Expected(DataType type) => type switch
    {
        DataType.Boolean => "BOOLEAN or a UTF-8 string",
        DataType.Short or DataType.Int => "INT32 or a UTF-8 string",
        DataType.Long => "INT64, INT32 or a UTF-8 string",
        DataType.Float => "FLOAT or a UTF-8 string",
        DataType.Double => "DOUBLE, FLOAT or a UTF-8 string",
        DataType.Decimal => "DECIMAL or a UTF-8 string",
        DataType.Binary => "BYTE_ARRAY or a UTF-8 string",
        _ => "a UTF-8 string (BYTE_ARRAY annotated STRING)",
    };

    public static string TypeName(DataType type) => type switch
    {
        DataType.NaiveDate => "NAIVE_DATE",
        DataType.NaiveTime => "NAIVE_TIME",
        DataType.NaiveDatetime => "NAIVE_DATETIME",
        DataType.UtcDatetime => "UTC_DATETIME",
        _ => type.ToString().ToUpperInvariant(),
    };

    /// <summary>The physical type and the annotation as Parquet's thrift names them, e.g. "INT32 (INT_32)", "BYTE_ARRAY (UTF8)".</summary>
    public static string Describe(ColumnDescriptor descriptor)
    {
        var physical = descriptor.PhysicalType switch
        {
            PhysicalType.Boolean => "BOOLEAN",
            PhysicalType.Int32 => "INT32",
            PhysicalType.Int64 => "INT64",
            PhysicalType.Int96 => "INT96",
            PhysicalType.Float => "FLOAT",
            PhysicalType.Double => "DOUBLE",
            PhysicalType.ByteArray => "BYTE_ARRAY",
            PhysicalType.FixedLenByteArray => "FIXED_LEN_BYTE_ARRAY",
            var other => other.ToString().ToUpperInvariant(),
        };
        var logical = descriptor.LogicalType switch
        {
            NoneLogicalType => null,
            StringLogicalType => "UTF8",
            EnumLogicalType => "ENUM",
            JsonLogicalType => "JSON",
            BsonLogicalType => "BSON",
            DecimalLogicalType => "DECIMAL",
            DateLogicalType => "DATE",
            IntLogicalType i => $"{(i.IsSigned ? "" : "U")}INT_{i.BitWidth}",
            TimeLogicalType t => t.TimeUnit == TimeUnit.Millis ? "TIME_MILLIS" : t.TimeUnit == TimeUnit.Micros ? "TIME_MICROS" : "TIME",
            TimestampLogicalType t => t.TimeUnit == TimeUnit.Millis ? "TIMESTAMP_MILLIS" : t.TimeUnit == TimeUnit.Micros ? "TIMESTAMP_MICROS" : "TIMESTAMP",
            var other when other.Type == LogicalTypeEnum.None => null,
            var other => other.Type.ToString().ToUpperInvariant(),
        };
        return logical is null ? physical : $"{physical} ({logical})";
    }

    public string DescribeStorage() => _storage;

    /// <summary>Reads this column of one row group into the reused buffers.</summary>
    public void Load(RowGroupReader rowGroup, int columnIndex, int rows, CancellationToken cancellationToken)
    {
        if (_definitionLevels.Length < rows)
        {
            _definitionLevels = new short[rows];
        }
        using var reader = rowGroup.Column(columnIndex);
        switch (_physical)
        {
            case PhysicalType.Boolean: Read((ColumnReader<bool>)reader, ref _booleans, rows, cancellationToken); break;
            case PhysicalType.Int32: Read((ColumnReader<int>)reader, ref _int32s, rows, cancellationToken); break;
            case PhysicalType.Int64: Read((ColumnReader<long>)reader, ref _int64s, rows, cancellationToken); break;
            case PhysicalType.Float: Read((ColumnReader<float>)reader, ref _floats, rows, cancellationToken); break;
            case PhysicalType.Double: Read((ColumnReader<double>)reader, ref _doubles, rows, cancellationToken); break;
            case PhysicalType.ByteArray: ReadBytes((ColumnReader<ByteArray>)reader, rows, cancellationToken); break;
            case PhysicalType.FixedLenByteArray: ReadFixed((ColumnReader<FixedLenByteArray>)reader, rows, cancellationToken); break;
            default: throw new InvalidDataException($"Parquet {_storage} columns are not read");
        }
        _nextValue = 0;
        ValueIndex = -1;
    }

    private void Read<T>(ColumnReader<T> reader, ref T[] values, int rows, CancellationToken cancellationToken)
        where T : unmanaged
    {
        if (values.Length < rows)
        {
            values = new T[rows];
        }
        var levels = 0;
        var count = 0;
        while (levels < rows)
        {
            if (!reader.HasNext)
            {
                throw ShortChunk(levels, rows);
            }
            var batch = Math.Min(Batch, rows - levels);
            levels += (int)reader.ReadBatch(batch, _definitionLevels.AsSpan(levels, batch), default, values.AsSpan(count), out var read);
            count += (int)read;
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private void ReadBytes(ColumnReader<ByteArray> reader, int rows, CancellationToken cancellationToken)
    {
        if (_byteArrayBatch.Length == 0)
        {
            _byteArrayBatch = new ByteArray[Batch];
        }
        StartBytes(rows);
        var levels = 0;
        var count = 0;
        var end = 0;
        while (levels < rows)
        {
            if (!reader.HasNext)
            {
                throw ShortChunk(levels, rows);
            }
            var batch = Math.Min(Batch, rows - levels);
            levels += (int)reader.ReadBatch(batch, _definitionLevels.AsSpan(levels, batch), default, _byteArrayBatch, out var read);
            for (var i = 0; i < (int)read; i++)
            {
                var value = _byteArrayBatch[i];
                end = Append(new ReadOnlySpan<byte>((void*)value.Pointer, value.Length), end);
                _offsets[++count] = end;
            }
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private void ReadFixed(ColumnReader<FixedLenByteArray> reader, int rows, CancellationToken cancellationToken)
    {
        if (_fixedBatch.Length == 0)
        {
            _fixedBatch = new FixedLenByteArray[Batch];
        }
        StartBytes(rows);
        var levels = 0;
        var count = 0;
        var end = 0;
        while (levels < rows)
        {
            if (!reader.HasNext)
            {
                throw ShortChunk(levels, rows);
            }
            var batch = Math.Min(Batch, rows - levels);
            levels += (int)reader.ReadBatch(batch, _definitionLevels.AsSpan(levels, batch), default, _fixedBatch, out var read);
            for (var i = 0; i < (int)read; i++)
            {
                end = Append(new ReadOnlySpan<byte>((void*)_fixedBatch[i].Pointer, _typeLength), end);
                _offsets[++count] = end;
            }
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private void StartBytes(int rows)
    {
        if (_offsets.Length < rows + 1)
        {
            _offsets = new int[rows + 1];
        }
        _offsets[0] = 0;
    }

    private int Append(ReadOnlySpan<byte> value, int end)
    {
        if (_bytes.Length - end < value.Length)
        {
            var grown = new byte[Math.Max(_bytes.Length * 2, Math.Max(end + value.Length, 64 * 1024))];
            _bytes.AsSpan(0, end).CopyTo(grown);
            _bytes = grown;
        }
        value.CopyTo(_bytes.AsSpan(end));
        return end + value.Length;
    }

    private static InvalidDataException ShortChunk(int levels, int rows) =>
        new($"the column chunk holds {levels} values where the row group has {rows} rows");

    /// <summary>Moves to row <paramref name="row"/> of the group (rows are visited in order); false for a native null.</summary>
    public bool Advance(int row)
    {
        if (MaxDefinitionLevel > 0 && _definitionLevels[row] < MaxDefinitionLevel)
        {
            ValueIndex = -1;
            return false;
        }
        ValueIndex = _nextValue++;
        return true;
    }

    public bool Boolean => _booleans[ValueIndex];

    public int Int32 => _int32s[ValueIndex];

    public long Int64 => _int64s[ValueIndex];

    public float Float => _floats[ValueIndex];

    public double Double => _doubles[ValueIndex];

    /// <summary>The DECIMAL's unscaled value (INT32, INT64, or big-endian two's complement bytes) and its scale.</summary>
    public (BigInteger Unscaled, int Scale) Decimal => _physical switch
    {
        PhysicalType.Int32 => (_int32s[ValueIndex], _scale),
        PhysicalType.Int64 => (_int64s[ValueIndex], _scale),
        _ => (Bytes.IsEmpty ? BigInteger.Zero : new BigInteger(Bytes, isUnsigned: false, isBigEndian: true), _scale),
    };

    /// <summary>A text cell's UTF-8 bytes (valid until the next row group).</summary>
    public ReadOnlySpan<byte> Text => Bytes;

    public ReadOnlySpan<byte> Binary => Bytes;

    private ReadOnlySpan<byte> Bytes => _bytes.AsSpan(_offsets[ValueIndex], _offsets[ValueIndex + 1] - _offsets[ValueIndex]);

    /// <summary>The current value as text (invariant, Java-like for numbers; DECIMAL in plain notation; BINARY base64).</summary>
    public string FormatValue() => Kind switch
    {
        ParquetValueKind.Boolean => Boolean ? "true" : "false",
        ParquetValueKind.Int32 => Int32.ToString(CultureInfo.InvariantCulture),
        ParquetValueKind.Int64 => Int64.ToString(CultureInfo.InvariantCulture),
        ParquetValueKind.Float => Float.ToString("R", CultureInfo.InvariantCulture),
        ParquetValueKind.Double => Double.ToString("R", CultureInfo.InvariantCulture),
        ParquetValueKind.Decimal => FormatDecimal(Decimal),
        ParquetValueKind.Text => Encoding.UTF8.GetString(Text),
        _ => Convert.ToBase64String(Binary),
    };

    /// <summary>A Parquet DECIMAL in plain notation with exactly its scale's digits (no floating point involved).</summary>
    public static string FormatDecimal((BigInteger Unscaled, int Scale) value)
    {
        var (unscaled, scale) = value;
        var negative = unscaled.Sign < 0;
        var digits = BigInteger.Abs(unscaled).ToString(CultureInfo.InvariantCulture);
        var builder = new StringBuilder(digits.Length + 3);
        if (negative)
        {
            builder.Append('-');
        }
        if (scale <= 0)
        {
            builder.Append(digits).Append('0', -scale);
        }
        else if (digits.Length > scale)
        {
            builder.Append(digits, 0, digits.Length - scale).Append('.').Append(digits, digits.Length - scale, scale);
        }
        else
        {
            builder.Append("0.").Append('0', scale - digits.Length).Append(digits);
        }
        return builder.ToString();
    }
}
