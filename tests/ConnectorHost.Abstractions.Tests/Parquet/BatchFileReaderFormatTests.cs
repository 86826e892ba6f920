using ConnectorHost.Abstractions.BatchFiles;
using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using Xunit;

namespace ConnectorHost.Abstractions.Tests.Parquet;

/// <summary>The one reader plugins use: BatchFileReader.Open reads a Parquet file as well as a CSV one, told apart by the file itself.</summary>
public sealed class BatchFileReaderFormatTests : IDisposable
{
    private readonly ParquetFixture _files = new();

    public void Dispose() => _files.Dispose();

    private static Table Accounts() => new()
    {
        Name = "accounts",
        Columns =
        {
            new Column { Name = "id", Type = DataType.Long, PrimaryKey = true },
            new Column { Name = "name", Type = DataType.String },
            new Column { Name = "amount", Type = DataType.Double },
        },
    };

    [Theory]
    [InlineData(Compression.Zstd, Encryption.Aes)]
    [InlineData(Compression.Off, Encryption.None)]
    public void Open_reads_a_parquet_batch_file_through_the_same_row_api(Compression compression, Encryption encryption)
    {
        var fileParams = ParquetBatchFileWriter.Params(compression, encryption);
        var (path, keys) = _files.Write(Accounts(), fileParams, [[1L, "Ada", 1.5], [2L, null, null]]);

        using var reader = BatchFileReader.Open(path, fileParams, keys, Accounts());

        Assert.Equal(["id", "name", "amount"], reader.Columns);
        Assert.True(reader.Read());
        Assert.Equal((1L, "Ada", 1.5), (reader.GetInt64(0), reader.GetString(reader.GetOrdinal("name")), reader.GetDouble(2)));
        Assert.True(reader.Read());
        Assert.Equal(2L, reader.RowNumber);
        Assert.True(reader.IsNull(1));
        Assert.Null(reader.GetValue(2));
        Assert.False(reader.Read());
    }
}
