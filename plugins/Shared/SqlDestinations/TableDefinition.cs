using ConnectorHost.Abstractions;
using FivetranSdk.V2;

namespace SqlDestinations;

/// <summary>A column as Fivetran defined it; the physical column has the same name.</summary>
internal sealed record ColumnDefinition(string Name, DataType Type, bool PrimaryKey, uint? Precision, uint? Scale, int? StringByteLength)
{
    public static ColumnDefinition FromProto(Column column) => new(
        column.Name,
        column.Type,
        column.PrimaryKey,
        column.Params?.Decimal?.Precision,
        column.Params?.Decimal?.Scale,
        column.Params?.ParamsCase == DataTypeParams.ParamsOneofCase.StringByteLength ? column.Params.StringByteLength : null);

    public Column ToProto()
    {
        var column = new Column { Name = Name, Type = Type, PrimaryKey = PrimaryKey };
        if (Precision is { } precision)
        {
            column.Params = new DataTypeParams { Decimal = new DecimalParams { Precision = precision, Scale = Scale ?? 0 } };
        }
        else if (StringByteLength is { } length)
        {
            column.Params = new DataTypeParams { StringByteLength = length };
        }

        return column;
    }
}

/// <summary>A destination table: Fivetran schema and name, and its columns in Fivetran's order.</summary>
internal sealed record TableDefinition(string Schema, string Name, IReadOnlyList<ColumnDefinition> Columns)
{
    public string DisplayName => $"{Schema}.{Name}";

    public ColumnDefinition? Find(string name) => Columns.FirstOrDefault(c => c.Name == name);

    public ColumnDefinition Require(string name) =>
        Find(name) ?? throw new ConnectorException(ConnectorErrorKind.InvalidArgument, $"Table {DisplayName} has no column '{name}'.");

    /// <summary>The record's identity: the key columns without history mode's _fivetran_start.</summary>
    public IReadOnlyList<ColumnDefinition> RecordKey => Columns.Where(c => c.PrimaryKey && c.Name != SystemColumns.Start).ToList();

    public bool IsHistoryMode => Find(SystemColumns.Start) is not null && Find(SystemColumns.End) is not null && Find(SystemColumns.Active) is not null;

    public TableDefinition With(IReadOnlyList<ColumnDefinition> columns) => this with { Columns = columns };

    public Table ToProto()
    {
        var table = new Table { Name = Name };
        table.Columns.AddRange(Columns.Select(c => c.ToProto()));
        return table;
    }
}

internal static class SystemColumns
{
    public const string Synced = "_fivetran_synced";
    public const string Deleted = "_fivetran_deleted";
    public const string Start = "_fivetran_start";
    public const string End = "_fivetran_end";
    public const string Active = "_fivetran_active";
}
