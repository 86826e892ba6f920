using FivetranSdk.V2;

namespace ExampleSource;

/// <summary>Two tables without a schema name, as in Fivetran's Python example.</summary>
internal static class ExampleSourceSchema
{
    public const string Table1 = "table1";
    public const string Table2 = "table2";

    public static SchemaResponse Build()
    {
        var tables = new TableList();
        tables.Tables.Add(Table(Table1, new Column { Name = "a1", Type = DataType.Unspecified, PrimaryKey = true },
            new Column { Name = "a2", Type = DataType.Double }));
        tables.Tables.Add(Table(Table2, new Column { Name = "b1", Type = DataType.Unspecified, PrimaryKey = true },
            new Column { Name = "b2", Type = DataType.Unspecified }));
        return new SchemaResponse { WithoutSchema = tables };
    }

    private static Table Table(string name, params Column[] columns)
    {
        var table = new Table { Name = name };
        table.Columns.AddRange(columns);
        return table;
    }
}
