using FivetranSdk.V2;

namespace ConnectorHost.Abstractions.Tests.BatchFiles;

/// <summary>A temp folder deleted with everything in it when the test ends.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = Directory.CreateTempSubdirectory("batchfiles-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

internal static class TestTables
{
    public static Table People() => new()
    {
        Name = "people",
        Columns =
        {
            new Column { Name = "id", Type = DataType.Long, PrimaryKey = true },
            new Column { Name = "name", Type = DataType.String },
            new Column { Name = "note", Type = DataType.String },
            new Column { Name = "_fivetran_synced", Type = DataType.UtcDatetime },
        },
    };
}

/// <summary>Writes CSV text as a batch file and opens it with the reader.</summary>
internal sealed class BatchFileFixture : IDisposable
{
    private readonly TempFolder _temp = new();
    private int _files;

    public string Folder => _temp.Path;

    public string NewPath() => _temp.File($"file{++_files}.csv");

    public (string Path, Dictionary<string, Google.Protobuf.ByteString> Keys) Write(string csv, FileParams fileParams)
    {
        var path = NewPath();
        var key = ConnectorHost.Testing.BatchFiles.BatchFileWriter.WriteRaw(path, fileParams, csv);
        var keys = new Dictionary<string, Google.Protobuf.ByteString>();
        if (key is not null)
        {
            keys[path] = Google.Protobuf.ByteString.CopyFrom(key);
        }
        return (path, keys);
    }

    public ConnectorHost.Abstractions.BatchFiles.BatchFileReader Open(string csv, Table table, FileParams? fileParams = null)
    {
        fileParams ??= ConnectorHost.Testing.BatchFiles.BatchFileWriter.Params(Compression.Off, Encryption.None);
        var (path, keys) = Write(csv, fileParams);
        return ConnectorHost.Abstractions.BatchFiles.BatchFileReader.Open(path, fileParams, keys, table);
    }

    /// <summary>Every row's cells as text, NULL as null and unmodified as "&lt;unmodified&gt;".</summary>
    public static List<string?[]> ReadAll(ConnectorHost.Abstractions.BatchFiles.BatchFileReader reader)
    {
        var rows = new List<string?[]>();
        while (reader.Read())
        {
            var row = new string?[reader.Columns.Count];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.GetState(i) switch
                {
                    ConnectorHost.Abstractions.BatchFiles.CellState.Null => null,
                    ConnectorHost.Abstractions.BatchFiles.CellState.Unmodified => "<unmodified>",
                    _ => reader.GetString(i),
                };
            }
            rows.Add(row);
        }
        return rows;
    }

    public void Dispose() => _temp.Dispose();
}

internal static class Tables
{
    /// <summary>A table of string columns, the first one the primary key.</summary>
    public static Table Strings(params string[] columns)
    {
        var table = new Table { Name = "t" };
        for (var i = 0; i < columns.Length; i++)
        {
            table.Columns.Add(new Column { Name = columns[i], Type = DataType.String, PrimaryKey = i == 0 });
        }
        return table;
    }
}
