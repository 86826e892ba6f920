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
