using Xunit;
using ConnectorHost.Abstractions.BatchFiles;
using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using Google.Protobuf;

namespace ConnectorHost.Abstractions.Tests.BatchFiles;

public sealed class BatchFileRoundTripTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<Compression, Encryption> AllCombinations()
    {
        var data = new TheoryData<Compression, Encryption>();
        foreach (var compression in new[] { Compression.Off, Compression.Zstd, Compression.Gzip })
        {
            foreach (var encryption in new[] { Encryption.None, Encryption.Aes })
            {
                data.Add(compression, encryption);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(AllCombinations))]
    public void Every_compression_and_encryption_round_trips_rows(Compression compression, Encryption encryption)
    {
        var fileParams = BatchFileWriter.Params(compression, encryption);
        var path = _temp.File("batch.csv");
        var table = TestTables.People();
        byte[]? key;
        using (var writer = BatchFileWriter.Create(path, fileParams, ["name", "id", "note", "_fivetran_synced"]))
        {
            key = writer.Key;
            for (var i = 0; i < 5000; i++)
            {
                writer.WriteRow($"name {i}", (long)i, i % 3 == 0 ? null : i % 3 == 1 ? BatchFileWriter.Unmodified : $"say \"hi\", {i}\nbye",
                    new DateTimeOffset(2024, 1, 1, 10, 0, 0, TimeSpan.Zero).AddMilliseconds(i));
            }
        }
        var keys = new Dictionary<string, ByteString>();
        if (key is not null)
        {
            keys[path] = ByteString.CopyFrom(key);
        }

        using var reader = BatchFileReader.Open(path, fileParams, keys, table);
        Assert.Equal(["name", "id", "note", "_fivetran_synced"], reader.Columns);
        var id = reader.GetOrdinal("id");
        var note = reader.GetOrdinal("note");
        var rows = 0;
        while (reader.Read())
        {
            Assert.Equal(rows + 1, reader.RowNumber);
            Assert.Equal(rows, reader.GetInt64(id));
            Assert.Equal($"name {rows}", reader.GetString(reader.GetOrdinal("name")));
            var expectedState = rows % 3 == 0 ? CellState.Null : rows % 3 == 1 ? CellState.Unmodified : CellState.Value;
            Assert.Equal(expectedState, reader.GetState(note));
            if (expectedState == CellState.Value)
            {
                Assert.Equal($"say \"hi\", {rows}\nbye", reader.GetString(note));
            }
            Assert.Equal(new DateTimeOffset(2024, 1, 1, 10, 0, 0, TimeSpan.Zero).AddMilliseconds(rows), reader.GetUtcDateTime(3));
            rows++;
        }
        Assert.Equal(5000, rows);
        Assert.False(reader.Read());
    }
}
