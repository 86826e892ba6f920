using System.Globalization;
using FivetranSdk.V2;
using ProtoValue = FivetranSdk.V2.ValueType;

namespace ConnectorHost.Testing.Sync;

/// <summary>How a record's values become batch-file cells and, for columns the source left untyped, column types.</summary>
public static class RecordValues
{
    /// <summary>The DataType a value implies, or null for a null value (it implies nothing).</summary>
    public static DataType? TypeOf(ProtoValue value) => value.InnerCase switch
    {
        ProtoValue.InnerOneofCase.Bool => DataType.Boolean,
        ProtoValue.InnerOneofCase.Short => DataType.Short,
        ProtoValue.InnerOneofCase.Int => DataType.Int,
        ProtoValue.InnerOneofCase.Long => DataType.Long,
        ProtoValue.InnerOneofCase.Float => DataType.Float,
        ProtoValue.InnerOneofCase.Double => DataType.Double,
        ProtoValue.InnerOneofCase.NaiveDate => DataType.NaiveDate,
        ProtoValue.InnerOneofCase.NaiveDatetime => DataType.NaiveDatetime,
        ProtoValue.InnerOneofCase.UtcDatetime => DataType.UtcDatetime,
        ProtoValue.InnerOneofCase.NaiveTime => DataType.NaiveTime,
        ProtoValue.InnerOneofCase.Decimal => DataType.Decimal,
        ProtoValue.InnerOneofCase.Binary => DataType.Binary,
        ProtoValue.InnerOneofCase.String => DataType.String,
        ProtoValue.InnerOneofCase.Json => DataType.Json,
        ProtoValue.InnerOneofCase.Xml => DataType.Xml,
        _ => null,
    };

    /// <summary>A value as <see cref="BatchFiles.BatchFileWriter.WriteRow"/> formats it (the platform's text forms).</summary>
    public static object? CellOf(ProtoValue value) => value.InnerCase switch
    {
        ProtoValue.InnerOneofCase.Bool => value.Bool,
        ProtoValue.InnerOneofCase.Short => value.Short,
        ProtoValue.InnerOneofCase.Int => value.Int,
        ProtoValue.InnerOneofCase.Long => value.Long,
        ProtoValue.InnerOneofCase.Float => value.Float,
        ProtoValue.InnerOneofCase.Double => value.Double,
        ProtoValue.InnerOneofCase.NaiveDate => DateOnly.FromDateTime(value.NaiveDate.ToDateTime()),
        ProtoValue.InnerOneofCase.NaiveDatetime => DateTime.SpecifyKind(value.NaiveDatetime.ToDateTime(), DateTimeKind.Unspecified),
        ProtoValue.InnerOneofCase.UtcDatetime => new DateTimeOffset(value.UtcDatetime.ToDateTime()),
        ProtoValue.InnerOneofCase.NaiveTime => TimeOnly.FromDateTime(value.NaiveTime.ToDateTime()),
        ProtoValue.InnerOneofCase.Decimal => value.Decimal,
        ProtoValue.InnerOneofCase.Binary => value.Binary.ToByteArray(),
        ProtoValue.InnerOneofCase.String => value.String,
        ProtoValue.InnerOneofCase.Json => value.Json,
        ProtoValue.InnerOneofCase.Xml => value.Xml,
        _ => null,
    };

    /// <summary>Parameters for an inferred DECIMAL column: the widest precision, with the scale the value shows.</summary>
    public static DataTypeParams? ParamsFor(DataType type, ProtoValue? value)
    {
        if (type != DataType.Decimal)
        {
            return null;
        }

        var scale = 0;
        if (value?.Decimal is { } text && text.IndexOf('.', StringComparison.Ordinal) is var dot and >= 0)
        {
            scale = text.Length - dot - 1;
        }

        return new DataTypeParams { Decimal = new DecimalParams { Precision = 38, Scale = (uint)Math.Max(scale, 10) } };
    }

    /// <summary>The stand-in key of a keyless table's row: a hash of its values, as Fivetran's <c>_fivetran_id</c>.</summary>
    public static string RowId(Record record)
    {
        var text = new System.Text.StringBuilder();
        foreach (var (name, value) in record.Data.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            text.Append(name).Append('\u0001').Append(Convert.ToString(CellOf(value), CultureInfo.InvariantCulture)).Append('\u0002');
        }

        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())))[..32];
    }
}
