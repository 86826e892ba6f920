using System.Globalization;
using System.Numerics;
using System.Text;
using FivetranSdk.V2;
using Parquet;
using Parquet.Data;
using Parquet.Schema;

namespace ConnectorHost.Abstractions.BatchFiles.Parquet;

/// <summary>How a Parquet column's values arrive, after Parquet.Net decoded its physical and logical type.</summary>
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
/// One column of the row group being read: its values (dense, nulls left out, as Parquet stores them) and its
/// definition levels, in buffers reused from one row group to the next, so memory is bounded by the largest row group.
/// </summary>
internal sealed class ParquetColumn
{
    private readonly DataField _field;
    private int[] _definitionLevels = [];
    private bool[] _booleans = [];
    private int[] _int32s = [];
    private long[] _int64s = [];
    private float[] _floats = [];
    private double[] _doubles = [];
    private BigDecimal[] _decimals = [];
    private ReadOnlyMemory<char>[] _texts = [];
    private ReadOnlyMemory<byte>[] _binaries = [];
    private int _nextValue;

    private ParquetColumn(DataField field, ParquetValueKind kind, DataType tableType)
    {
        _field = field;
        Kind = kind;
        TableType = tableType;
        MaxDefinitionLevel = field.MaxDefinitionLevel;
    }

    public string Name => _field.Name;

    public ParquetValueKind Kind { get; }

    public DataType TableType { get; }

    public int MaxDefinitionLevel { get; }

    /// <summary>Index of the current row's value in the dense value buffer; -1 when the row's cell is a native null.</summary>
    public int ValueIndex { get; private set; } = -1;

    /// <summary>
    /// Describes the column to the reader, or explains why the file's column cannot hold the table's type
    /// (null kind and a reason).
    /// </summary>
    public static ParquetColumn Create(DataField field, DataType tableType, out string? mismatch)
    {
        mismatch = null;
        var kind = KindOf(field);
        if (kind is null)
        {
            mismatch = $"is stored as Parquet {Describe(field)}, which Fivetran batch files do not use";
            return new ParquetColumn(field, ParquetValueKind.Text, tableType);
        }
        if (!Accepts(tableType, kind.Value))
        {
            mismatch = $"is stored as Parquet {Describe(field)} but the table declares it {TypeName(tableType)} (expected {Expected(tableType)})";
        }
        return new ParquetColumn(field, kind.Value, tableType);
    }

    private static ParquetValueKind? KindOf(DataField field)
    {
        var clr = field.ClrType;
        if (clr == typeof(bool)) return ParquetValueKind.Boolean;
        if (clr == typeof(int)) return ParquetValueKind.Int32;
        if (clr == typeof(long)) return ParquetValueKind.Int64;
        if (clr == typeof(float)) return ParquetValueKind.Float;
        if (clr == typeof(double)) return ParquetValueKind.Double;
        if (clr == typeof(BigDecimal)) return ParquetValueKind.Decimal;
        if (clr == typeof(ReadOnlyMemory<char>)) return ParquetValueKind.Text;
        if (clr == typeof(ReadOnlyMemory<byte>)) return ParquetValueKind.Binary;
        return null;
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

    public static string Describe(DataField field)
    {
        var element = field.SchemaElement;
        var physical = element?.Type?.ToString() ?? field.ClrType.Name;
        var logical = element?.ConvertedType?.ToString();
        return logical is null ? physical : $"{physical} ({logical})";
    }

    public string DescribeStorage() => Describe(_field);

    /// <summary>Reads this column of one row group into the reused buffers.</summary>
    public void Load(ParquetRowGroupReader rowGroup, int rows, CancellationToken cancellationToken)
    {
        if (_definitionLevels.Length < rows)
        {
            _definitionLevels = new int[rows];
        }
        Memory<int>? levels = MaxDefinitionLevel > 0 ? _definitionLevels.AsMemory(0, rows) : null;
        switch (Kind)
        {
            case ParquetValueKind.Boolean: Read(rowGroup, ref _booleans, rows, levels, cancellationToken); break;
            case ParquetValueKind.Int32: Read(rowGroup, ref _int32s, rows, levels, cancellationToken); break;
            case ParquetValueKind.Int64: Read(rowGroup, ref _int64s, rows, levels, cancellationToken); break;
            case ParquetValueKind.Float: Read(rowGroup, ref _floats, rows, levels, cancellationToken); break;
            case ParquetValueKind.Double: Read(rowGroup, ref _doubles, rows, levels, cancellationToken); break;
            case ParquetValueKind.Decimal: Read(rowGroup, ref _decimals, rows, levels, cancellationToken); break;
            case ParquetValueKind.Text: Read(rowGroup, ref _texts, rows, levels, cancellationToken); break;
            case ParquetValueKind.Binary: Read(rowGroup, ref _binaries, rows, levels, cancellationToken); break;
        }
        _nextValue = 0;
        ValueIndex = -1;
    }

    private void Read<T>(ParquetRowGroupReader rowGroup, ref T[] values, int rows, Memory<int>? levels, CancellationToken cancellationToken)
        where T : struct
    {
        if (values.Length < rows)
        {
            values = new T[rows];
        }
        else
        {
            Array.Clear(values, 0, rows); // drop the previous group's references (text and binary memory)
        }
        // The stream under the reader completes every read synchronously, so this does not block on I/O threads.
        var memory = values.AsMemory(0, rows);
        SyncOverAsync.Run(() => rowGroup.ReadRawAsync(_field, memory, levels, null, cancellationToken));
    }

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

    public BigDecimal Decimal => _decimals[ValueIndex];

    public ReadOnlySpan<char> Text => _texts[ValueIndex].Span;

    public ReadOnlySpan<byte> Binary => _binaries[ValueIndex].Span;

    /// <summary>The current value as text (invariant, Java-like for numbers; DECIMAL in plain notation; BINARY base64).</summary>
    public string FormatValue() => Kind switch
    {
        ParquetValueKind.Boolean => Boolean ? "true" : "false",
        ParquetValueKind.Int32 => Int32.ToString(CultureInfo.InvariantCulture),
        ParquetValueKind.Int64 => Int64.ToString(CultureInfo.InvariantCulture),
        ParquetValueKind.Float => Float.ToString("R", CultureInfo.InvariantCulture),
        ParquetValueKind.Double => Double.ToString("R", CultureInfo.InvariantCulture),
        ParquetValueKind.Decimal => FormatDecimal(Decimal),
        ParquetValueKind.Text => new string(Text),
        _ => Convert.ToBase64String(Binary),
    };

    /// <summary>A Parquet DECIMAL in plain notation with exactly its scale's digits (no floating point involved).</summary>
    public static string FormatDecimal(BigDecimal value)
    {
        var unscaled = value.UnscaledValue;
        var scale = value.Scale;
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
