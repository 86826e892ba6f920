using System.Security.Cryptography;
using ConnectorHost.Testing.BatchFiles;
using ConnectorHost.Testing.Hosting;
using FivetranSdk.V2;
using Google.Protobuf;
using Grpc.Core;
using Xunit;

namespace ConnectorHost.Tests.ExampleDestination;

/// <summary>One real host serving the ExampleDestination plugin from artifacts/plugins, shared by the class's tests.</summary>
public sealed class ExampleDestinationHostFixture : HostFixture, IAsyncLifetime
{
    protected override HostConfig Config => new() { PluginsDirectory = RepoPaths.PluginsDirectory, DestinationPlugin = "ExampleDestination" };
}

/// <summary>Every DestinationConnector RPC of the example destination, called on the wire through the host.</summary>
public sealed class ExampleDestinationEndToEndTests(ExampleDestinationHostFixture fixture) : IClassFixture<ExampleDestinationHostFixture>, IDisposable
{
    private static readonly DateTimeOffset Synced = new(2024, 1, 1, 10, 0, 0, TimeSpan.Zero);

    private readonly DestinationConnector.DestinationConnectorClient _client = fixture.Host.DestinationClient;
    private readonly string _folder = Directory.CreateTempSubdirectory("example-destination-e2e-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Table Orders(string name) => new()
    {
        Name = name,
        Columns =
        {
            new Column { Name = "id", Type = DataType.Long, PrimaryKey = true },
            new Column { Name = "note", Type = DataType.String },
            new Column { Name = "amount", Type = DataType.Decimal, Params = new DataTypeParams { Decimal = new DecimalParams { Precision = 38, Scale = 10 } } },
            new Column { Name = "_fivetran_synced", Type = DataType.UtcDatetime },
        },
    };

    private WrittenBatchFile WriteFile(string name, FileParams fileParams, params object?[][] rows) =>
        BatchFileWriter.Write(Path.Combine(_folder, name), fileParams, ["amount", "_fivetran_synced", "id", "note"], rows);

    [Fact]
    public async Task Configuration_form_capabilities_test_and_migrate_answer_on_the_wire()
    {
        var form = await _client.ConfigurationFormAsync(new ConfigurationFormRequest());
        Assert.Equal(["writerType", "conditional_field_for_file", "conditional_field_for_cloud", "conditional_field_for_database", "enableEncryption"],
            form.Fields.Select(f => f.Name));
        Assert.Equal(["connect", "select"], form.Tests.Select(t => t.Name));

        var capabilities = await _client.CapabilitiesAsync(new CapabilitiesRequest());
        Assert.Equal(BatchFileFormat.Csv, capabilities.BatchFileFormat);

        Assert.True((await _client.TestAsync(new TestRequest { Name = "connect" })).Success);
        Assert.True((await _client.TestAsync(new TestRequest { Name = "select" })).Success);
        var unknown = await _client.TestAsync(new TestRequest { Name = "nope" });
        Assert.Equal("Unknown test 'nope'. Known tests: connect, select.", unknown.Failure);

        var migrate = await _client.MigrateAsync(new MigrateRequest { Details = new MigrationDetails { Schema = "s", Table = "t" } });
        Assert.True(migrate.Unsupported);
    }

    [Fact]
    public async Task Table_calls_keep_an_in_memory_registry()
    {
        var describeMissing = await _client.DescribeTableAsync(new DescribeTableRequest { SchemaName = "e2e", TableName = "orders_reg" });
        Assert.True(describeMissing.NotFound);

        Assert.True((await _client.CreateTableAsync(new CreateTableRequest { SchemaName = "e2e", Table = Orders("orders_reg") })).Success);
        var described = await _client.DescribeTableAsync(new DescribeTableRequest { SchemaName = "e2e", TableName = "orders_reg" });
        Assert.Equal(Orders("orders_reg"), described.Table);

        var altered = Orders("orders_reg");
        altered.Columns.Add(new Column { Name = "extra", Type = DataType.Json });
        Assert.True((await _client.AlterTableAsync(new AlterTableRequest { SchemaName = "e2e", Table = altered, DropColumns = true })).Success);
        Assert.Equal(altered, (await _client.DescribeTableAsync(new DescribeTableRequest { SchemaName = "e2e", TableName = "orders_reg" })).Table);

        var truncate = new TruncateRequest
        {
            SchemaName = "e2e",
            TableName = "never_created",
            SyncedColumn = "_fivetran_synced",
            UtcDeleteBefore = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(Synced),
            Soft = new SoftTruncate { DeletedColumn = "_fivetran_deleted" },
        };
        Assert.True((await _client.TruncateAsync(truncate)).Success);
    }

    [Fact]
    public async Task Write_batch_reads_encrypted_compressed_files_and_logs_each()
    {
        var fileParams = BatchFileWriter.Params(Compression.Zstd, Encryption.Aes);
        var replace = WriteFile("e2e-replace.csv.zst.aes", fileParams,
            ["12345678901234567890123456.0123456789", Synced, 1L, "first, \"quoted\"\nmultiline"], ["-0.5", Synced, 2L, null]);
        var update = WriteFile("e2e-update.csv.zst.aes", fileParams, [BatchFileWriter.Unmodified, Synced, 1L, "changed"]);
        var delete = WriteFile("e2e-delete.csv.zst.aes", fileParams, [null, Synced, 2L, null]);
        var request = new WriteBatchRequest
        {
            SchemaName = "e2e",
            Table = Orders("orders_wb"),
            FileParams = fileParams,
            ReplaceFiles = { replace.Path },
            UpdateFiles = { update.Path },
            DeleteFiles = { delete.Path },
            Keys = { [replace.Path] = replace.Key, [update.Path] = update.Key, [delete.Path] = delete.Key },
        };

        var response = await _client.WriteBatchAsync(request);

        Assert.True(response.Success);
        foreach (var (operation, path, rows) in new[] { ("replace", replace.Path, 2), ("update", update.Path, 1), ("delete", delete.Path, 1) })
        {
            var line = await fixture.Host.WaitForLogAsync(l => l.Message == $"Read {operation} file {path} for table e2e.orders_wb: {rows} rows");
            Assert.Equal("INFO", line.Level);
            Assert.Equal("sdk_destination", line.Origin);
        }
    }

    [Fact]
    public async Task Write_history_batch_reads_the_files_in_the_guide_order()
    {
        var fileParams = BatchFileWriter.Params(Compression.Gzip, Encryption.Aes);
        var earliest = WriteFile("h-earliest.csv.gz.aes", fileParams, [null, Synced, 1L, null]);
        var replace = WriteFile("h-replace.csv.gz.aes", fileParams, ["1", Synced, 1L, "a"]);
        var update = WriteFile("h-update.csv.gz.aes", fileParams, [BatchFileWriter.Unmodified, Synced, 1L, "b"]);
        var delete = WriteFile("h-delete.csv.gz.aes", fileParams, [null, Synced, 1L, null]);
        var request = new WriteHistoryBatchRequest
        {
            SchemaName = "e2e",
            Table = Orders("orders_hist"),
            FileParams = fileParams,
            DeleteFiles = { delete.Path },
            UpdateFiles = { update.Path },
            ReplaceFiles = { replace.Path },
            EarliestStartFiles = { earliest.Path },
            Keys = { [earliest.Path] = earliest.Key, [replace.Path] = replace.Key, [update.Path] = update.Key, [delete.Path] = delete.Key },
        };

        Assert.True((await _client.WriteHistoryBatchAsync(request)).Success);

        await fixture.Host.WaitForMessageAsync($"Read delete file {delete.Path}");
        var order = fixture.Host.Logs
            .Select(l => l.Message ?? "")
            .Where(m => m.Contains("for table e2e.orders_hist", StringComparison.Ordinal))
            .Select(m => m.Split(' ')[1])
            .ToList();
        Assert.Equal(["earliest_start", "replace", "update", "delete"], order);
    }

    [Fact]
    public async Task Bad_files_answer_precise_statuses()
    {
        var fileParams = BatchFileWriter.Params(Compression.Zstd, Encryption.Aes);
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var bad = BatchFileWriter.Write(Path.Combine(_folder, "e2e-bad.csv.zst.aes"), fileParams, ["amount", "_fivetran_synced", "id", "note"],
            [["not-a-decimal", Synced, 1L, "x"]], key);
        var badValue = await CallFailingAsync(_client.WriteBatchAsync(Replace(bad.Path, fileParams, bad.Key)));
        Assert.Equal(StatusCode.InvalidArgument, badValue.StatusCode);
        Assert.Equal($"batch file '{bad.Path}', row 1, column 'amount': value 'not-a-decimal' is not a valid DECIMAL (expected a decimal number such as -123.4500)",
            badValue.Status.Detail);

        // Decrypting with a wrong key ends in bad PKCS#7 padding for all but about 1 key in 256: take the first of a fixed
        // sequence of keys that does so for this file, so the outcome never depends on the random IV.
        var wrongKey = await CallFailingAsync(_client.WriteBatchAsync(Replace(bad.Path, fileParams, ByteString.CopyFrom(WrongKeyFailingPadding(bad.Path)))));
        Assert.Equal(StatusCode.InvalidArgument, wrongKey.StatusCode);
        Assert.Contains($"'{bad.Path}'", wrongKey.Status.Detail);
        Assert.Contains("the AES key is wrong or the file was tampered with", wrongKey.Status.Detail);

        // Tampering: flip the second-to-last cipher block so the last plaintext byte (the padding length) becomes 0,
        // which PKCS#7 always rejects, whatever the file's bytes.
        var tampered = Path.Combine(_folder, "e2e-tampered.csv.zst.aes");
        File.WriteAllBytes(tampered, ZeroPaddingByte(File.ReadAllBytes(bad.Path), key));
        var tamperedStatus = await CallFailingAsync(_client.WriteBatchAsync(Replace(tampered, fileParams, bad.Key)));
        Assert.Equal(StatusCode.InvalidArgument, tamperedStatus.StatusCode);
        Assert.Contains($"'{tampered}'", tamperedStatus.Status.Detail);
        Assert.Contains("the AES key is wrong or the file was tampered with", tamperedStatus.Status.Detail);

        var missing = Path.Combine(_folder, "missing.csv.zst.aes");
        var notFound = await CallFailingAsync(_client.WriteHistoryBatchAsync(new WriteHistoryBatchRequest
        {
            SchemaName = "e2e",
            Table = Orders("orders_bad"),
            FileParams = fileParams,
            EarliestStartFiles = { missing },
        }));
        Assert.Equal(StatusCode.NotFound, notFound.StatusCode);
        Assert.Equal($"batch file '{missing}': the file does not exist", notFound.Status.Detail);
    }

    private static WriteBatchRequest Replace(string path, FileParams fileParams, ByteString key) => new()
    {
        SchemaName = "e2e",
        Table = Orders("orders_bad"),
        FileParams = fileParams,
        ReplaceFiles = { path },
        Keys = { [path] = key },
    };

    private static async Task<RpcException> CallFailingAsync<T>(AsyncUnaryCall<T> call)
    {
        using (call)
        {
            return await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        }
    }

    private static byte[] WrongKeyFailingPadding(string path)
    {
        var file = File.ReadAllBytes(path);
        for (var i = 0; ; i++)
        {
            var candidate = SHA256.HashData(BitConverter.GetBytes(i));
            using var aes = Aes.Create();
            aes.Key = candidate;
            try
            {
                aes.DecryptCbc(file.AsSpan(16), file.AsSpan(0, 16), PaddingMode.PKCS7);
            }
            catch (CryptographicException)
            {
                return candidate;
            }
        }
    }

    private static byte[] ZeroPaddingByte(byte[] file, byte[] key)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        var plain = aes.DecryptCbc(file.AsSpan(16), file.AsSpan(0, 16), PaddingMode.None);
        var tampered = (byte[])file.Clone();
        // The last plaintext byte is the previous cipher block's last byte XOR the block cipher output: XOR it away.
        tampered[^17] ^= plain[^1];
        return tampered;
    }
}
