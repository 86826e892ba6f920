using ConnectorHost.Abstractions.BatchFiles;
using ConnectorHost.Abstractions.Tests.BatchFiles;
using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using Google.Protobuf;

namespace ConnectorHost.Abstractions.Tests.Parquet;

/// <summary>Writes Parquet batch files into a temp folder and opens them with the reader.</summary>
internal sealed class ParquetFixture : IDisposable
{
    private readonly TempFolder _temp = new();
    private int _files;

    public string Folder => _temp.Path;

    public string NewPath(string extension = "parquet.aes") => _temp.File($"file{++_files}.{extension}");

    /// <summary>Writes <paramref name="rows"/> as a Parquet batch file of <paramref name="table"/>'s columns (all, in order).</summary>
    public (string Path, Dictionary<string, ByteString> Keys) Write(Table table, FileParams fileParams, IEnumerable<object?[]> rows,
        int rowGroupSize = ParquetBatchFileWriter.DefaultRowGroupSize, IReadOnlySet<string>? textColumns = null, IReadOnlyList<Column>? fileColumns = null)
    {
        var path = NewPath();
        using var writer = ParquetBatchFileWriter.Create(path, fileParams, fileColumns ?? table.Columns, rowGroupSize: rowGroupSize, textColumns: textColumns);
        foreach (var row in rows)
        {
            writer.WriteRow(row);
        }
        var keys = new Dictionary<string, ByteString>();
        if (writer.Key is not null)
        {
            keys[path] = writer.KeyBytes;
        }
        return (path, keys);
    }

    public ParquetBatchFileReader WriteAndOpen(Table table, FileParams fileParams, IEnumerable<object?[]> rows,
        int rowGroupSize = ParquetBatchFileWriter.DefaultRowGroupSize, IReadOnlySet<string>? textColumns = null)
    {
        var (path, keys) = Write(table, fileParams, rows, rowGroupSize, textColumns);
        return ParquetBatchFileReader.Open(path, fileParams, keys, table);
    }

    /// <summary>Every row's cells through GetValue, NULL as null and unmodified as "&lt;unmodified&gt;".</summary>
    public static List<object?[]> ReadAll(ParquetBatchFileReader reader)
    {
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.Columns.Count];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.GetState(i) switch
                {
                    CellState.Null => null,
                    CellState.Unmodified => "<unmodified>",
                    _ => reader.GetValue(i),
                };
            }
            rows.Add(row);
        }
        return rows;
    }

    public void Dispose() => _temp.Dispose();
}

internal static class ParquetTables
{
    /// <summary>One column per DataType a batch file can carry (and the system columns).</summary>
    public static Table EveryType() => new()
    {
        Name = "every_type",
        Columns =
        {
            new Column { Name = "id", Type = DataType.Long, PrimaryKey = true },
            new Column { Name = "flag", Type = DataType.Boolean },
            new Column { Name = "small", Type = DataType.Short },
            new Column { Name = "count", Type = DataType.Int },
            new Column { Name = "ratio", Type = DataType.Float },
            new Column { Name = "amount", Type = DataType.Double },
            new Column { Name = "price", Type = DataType.Decimal, Params = new DataTypeParams { Decimal = new DecimalParams { Precision = 20, Scale = 4 } } },
            new Column { Name = "name", Type = DataType.String },
            new Column { Name = "doc", Type = DataType.Json },
            new Column { Name = "markup", Type = DataType.Xml },
            new Column { Name = "day", Type = DataType.NaiveDate },
            new Column { Name = "clock", Type = DataType.NaiveTime },
            new Column { Name = "local", Type = DataType.NaiveDatetime },
            new Column { Name = "blob", Type = DataType.Binary },
            new Column { Name = "_fivetran_synced", Type = DataType.UtcDatetime },
        },
    };
}
