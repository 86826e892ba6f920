using ConnectorHost.Testing.Processes;
using System.Security.Cryptography;
using ConnectorHost.Abstractions.BatchFiles;
using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using Google.Protobuf;
using Xunit;

namespace ConnectorHost.Abstractions.Tests.BatchFiles;

/// <summary>
/// Files made with Debian's zstd, gzip and openssl command-line tools, independently of our own writer, read back
/// with the reader: the interoperability check for the encryption and compression layers.
/// </summary>
public sealed class CommandLineToolFilesTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private const string Csv =
        "_fivetran_synced,note,id,amount\n" +
        "2024-01-01T10:00:00Z,\"plain, with comma\",1,1.5\n" +
        "2024-01-01T10:00:00.123Z,\"say \"\"hi\"\"\nnext line\",2,-2.25\n" +
        "2024-01-01T10:00:01Z,null-m8yilkvPsNulehxl2G6pmSQ3G3WWdLP,3,1E+3\n";

    [Theory]
    [InlineData(Compression.Zstd, Encryption.Aes)]
    [InlineData(Compression.Zstd, Encryption.None)]
    [InlineData(Compression.Gzip, Encryption.Aes)]
    [InlineData(Compression.Off, Encryption.Aes)]
    public void Files_made_with_zstd_gzip_and_openssl_are_read(Compression compression, Encryption encryption)
    {
        var csvPath = _temp.File("in.csv");
        File.WriteAllText(csvPath, Csv);
        if (compression == Compression.Zstd)
        {
            Run("zstd", "-q", "-3", csvPath, "-o", _temp.File("in.csv.zst"));
        }
        else if (compression == Compression.Gzip)
        {
            Run("sh", "-c", $"gzip -c '{csvPath}' > '{_temp.File("in.csv.gz")}'");
        }
        var compressed = compression switch
        {
            Compression.Zstd => _temp.File("in.csv.zst"),
            Compression.Gzip => _temp.File("in.csv.gz"),
            _ => csvPath,
        };
        var batchPath = _temp.File("batch");
        var keys = new Dictionary<string, ByteString>();
        if (encryption == Encryption.Aes)
        {
            var key = RandomNumberGenerator.GetBytes(32);
            var iv = RandomNumberGenerator.GetBytes(16);
            var body = _temp.File("body");
            Run("openssl", "enc", "-aes-256-cbc", "-K", Convert.ToHexString(key), "-iv", Convert.ToHexString(iv), "-in", compressed, "-out", body);
            File.WriteAllBytes(batchPath, [.. iv, .. File.ReadAllBytes(body)]);
            keys[batchPath] = ByteString.CopyFrom(key);
        }
        else
        {
            File.Copy(compressed, batchPath);
        }

        var table = new Table
        {
            Name = "t",
            Columns =
            {
                new Column { Name = "id", Type = DataType.Int, PrimaryKey = true },
                new Column { Name = "note", Type = DataType.String },
                new Column { Name = "amount", Type = DataType.Decimal },
                new Column { Name = "_fivetran_synced", Type = DataType.UtcDatetime },
            },
        };
        using var reader = BatchFileReader.Open(batchPath, BatchFileWriter.Params(compression, encryption), keys, table);
        var id = reader.GetOrdinal("id");
        var note = reader.GetOrdinal("note");
        var amount = reader.GetOrdinal("amount");
        var synced = reader.GetOrdinal("_fivetran_synced");

        Assert.True(reader.Read());
        Assert.Equal(1, reader.GetInt32(id));
        Assert.Equal("plain, with comma", reader.GetString(note));
        Assert.Equal("1.5", reader.GetDecimalString(amount));
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 10, 0, 0, TimeSpan.Zero), reader.GetUtcDateTime(synced));
        Assert.True(reader.Read());
        Assert.Equal("say \"hi\"\nnext line", reader.GetString(note));
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 10, 0, 0, 123, TimeSpan.Zero), reader.GetUtcDateTime(synced));
        Assert.Equal("-2.25", reader.GetValue(amount));
        Assert.True(reader.Read());
        Assert.Equal(CellState.Null, reader.GetState(note));
        Assert.Equal("1000", reader.GetDecimalString(amount));
        Assert.False(reader.Read());
    }

    [Fact]
    public void Our_writer_makes_files_the_command_line_tools_decode()
    {
        var path = _temp.File("ours");
        var fileParams = BatchFileWriter.Params(Compression.Zstd, Encryption.Aes);
        var key = BatchFileWriter.WriteRaw(path, fileParams, Csv)!;
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(_temp.File("body"), bytes[16..]);
        Run("sh", "-c",
            $"openssl enc -d -aes-256-cbc -K {Convert.ToHexString(key)} -iv {Convert.ToHexString(bytes, 0, 16)} -in '{_temp.File("body")}' | zstd -d -q -c > '{_temp.File("out.csv")}'");
        Assert.Equal(Csv, File.ReadAllText(_temp.File("out.csv")));
    }

    private static void Run(string fileName, params string[] arguments)
    {
        var result = ChildProcess.RunAsync(ChildProcess.Start(fileName, arguments), TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        Assert.True(result.ExitCode == 0, $"{fileName} {string.Join(' ', arguments)} failed: {result.StandardError}");
    }
}
