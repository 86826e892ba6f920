using FivetranSdk.V2;

namespace SqliteDestination.Catalog;

/// <summary>One column as Fivetran described it, plus the SQLite column name it lives in.</summary>
internal sealed record ColumnDefinition(
    string Name,
    string PhysicalName,
    DataType Type,
    bool PrimaryKey,
    uint? Precision,
    uint? Scale,
    int? StringByteLength)
{
    public static ColumnDefinition FromProto(Column column, string physicalName) => new(
        column.Name,
        physicalName,
        column.Type,
        column.PrimaryKey,
        column.Params?.Decimal?.Precision,
        column.Params?.Decimal?.Scale,
        column.Params is { ParamsCase: DataTypeParams.ParamsOneofCase.StringByteLength } p ? p.StringByteLength : null);

    public Column ToProto()
    {
        var column = new Column { Name = Name, Type = Type, PrimaryKey = PrimaryKey };
        if (Precision is not null || Scale is not null)
        {
            column.Params = new DataTypeParams { Decimal = new DecimalParams { Precision = Precision ?? 0, Scale = Scale ?? 0 } };
        }
        else if (StringByteLength is not null)
        {
            column.Params = new DataTypeParams { StringByteLength = StringByteLength.Value };
        }

        return column;
    }
}
