using ConnectorHost.Testing.BatchFiles;
using ConnectorHost.Testing.Grpc;
using ConnectorHost.Testing.Hosting;
using Grpc.Core;
using FivetranSdk.V2;
using Google.Protobuf;
using Xunit;

namespace ConnectorHost.Tests.ExampleDestination;

/// <summary>One real host serving the ExampleDestination plugin from artifacts/plugins, shared by the class's tests.</summary>
public sealed class ExampleDestinationHostFixture : IAsyncLifetime
{
    public HostProcess Host { get; private set; } = null!;

    public GrpcTestClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await HostProcess.StartAsync(new HostConfig { PluginsDirectory = RepoPaths.PluginsDirectory, DestinationPlugin = "ExampleDestination" });
        Client = new GrpcTestClient(Host.DestinationPort);
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }
}

/// <summary>Every DestinationConnector RPC of the example destination, called on the wire through the host.</summary>
public sealed class ExampleDestinationEndToEndTests : IClassFixture<ExampleDestinationHostFixture>, IDisposable
{
    private const string Service = "/fivetran_sdk.v2.DestinationConnector/";
    private static readonly DateTimeOffset Synced = new(2024, 1, 1, 10, 0, 0, TimeSpan.Zero);

    private readonly ExampleDestinationHostFixture _fixture;
    private readonly string _folder = Directory.CreateTempSubdirectory("example-destination-e2e-").FullName;

    public ExampleDestinationEndToEndTests(ExampleDestinationHostFixture fixture)
    {
        _fixture = fixture;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private Task<GrpcCallResult<TResponse>> Call<TRequest, TResponse>(string method, TRequest request, MessageParser<TResponse> parser)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        _fixture.Client.UnaryAsync(Service + method, request, parser);

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

    private (string Path, ByteString Key) WriteFile(string name, FileParams fileParams, params object?[][] rows)
    {
        var path = Path.Combine(_folder, name);
        using var writer = BatchFileWriter.Create(path, fileParams, ["amount", "_fivetran_synced", "id", "note"]);
        foreach (var row in rows)
        {
            writer.WriteRow(row);
        }
        return (path, writer.KeyBytes);
    }

    [Fact]
    public async Task Configuration_form_capabilities_test_and_migrate_answer_on_the_wire()
    {
        var form = (await Call("ConfigurationForm", new ConfigurationFormRequest(), ConfigurationFormResponse.Parser)).ResponseOrThrow();
        Assert.Equal(["writerType", "conditional_field_for_file", "conditional_field_for_cloud", "conditional_field_for_database", "enableEncryption"],
            form.Fields.Select(f => f.Name));
        Assert.Equal(["connect", "select"], form.Tests.Select(t => t.Name));

        var capabilities = (await Call("Capabilities", new CapabilitiesRequest(), CapabilitiesResponse.Parser)).ResponseOrThrow();
        Assert.Equal(BatchFileFormat.Csv, capabilities.BatchFileFormat);

        Assert.True((await Call("Test", new TestRequest { Name = "connect" }, TestResponse.Parser)).ResponseOrThrow().Success);
        Assert.True((await Call("Test", new TestRequest { Name = "select" }, TestResponse.Parser)).ResponseOrThrow().Success);
        var unknown = (await Call("Test", new TestRequest { Name = "nope" }, TestResponse.Parser)).ResponseOrThrow();
        Assert.Equal("Unknown test 'nope'. Known tests: connect, select.", unknown.Failure);

        var migrate = (await Call("Migrate", new MigrateRequest { Details = new MigrationDetails { Schema = "s", Table = "t" } }, MigrateResponse.Parser)).ResponseOrThrow();
        Assert.True(migrate.Unsupported);
    }

    [Fact]
    public async Task Table_calls_keep_an_in_memory_registry()
    {
        var describeMissing = (await Call("DescribeTable", new DescribeTableRequest { SchemaName = "e2e", TableName = "orders_reg" }, DescribeTableResponse.Parser)).ResponseOrThrow();
        Assert.True(describeMissing.NotFound);

        Assert.True((await Call("CreateTable", new CreateTableRequest { SchemaName = "e2e", Table = Orders("orders_reg") }, CreateTableResponse.Parser)).ResponseOrThrow().Success);
        var described = (await Call("DescribeTable", new DescribeTableRequest { SchemaName = "e2e", TableName = "orders_reg" }, DescribeTableResponse.Parser)).ResponseOrThrow();
        Assert.Equal(Orders("orders_reg"), described.Table);

        var altered = Orders("orders_reg");
        altered.Columns.Add(new Column { Name = "extra", Type = DataType.Json });
        Assert.True((await Call("AlterTable", new AlterTableRequest { SchemaName = "e2e", Table = altered, DropColumns = true }, AlterTableResponse.Parser)).ResponseOrThrow().Success);
        Assert.Equal(altered, (await Call("DescribeTable", new DescribeTableRequest { SchemaName = "e2e", TableName = "orders_reg" }, DescribeTableResponse.Parser)).ResponseOrThrow().Table);

        var truncate = new TruncateRequest
        {
            SchemaName = "e2e",
            TableName = "never_created",
            SyncedColumn = "_fivetran_synced",
            UtcDeleteBefore = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(Synced),
            Soft = new SoftTruncate { DeletedColumn = "_fivetran_deleted" },
        };
        Assert.True((await Call("Truncate", truncate, TruncateResponse.Parser)).ResponseOrThrow().Success);
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

        var result = await Call("WriteBatch", request, WriteBatchResponse.Parser);

        Assert.Equal(StatusCode.OK, result.Status);
        Assert.True(result.Response!.Success);
        foreach (var (operation, path, rows) in new[] { ("replace", replace.Path, 2), ("update", update.Path, 1), ("delete", delete.Path, 1) })
        {
            var line = await _fixture.Host.WaitForLogAsync(l => l.Message == $"Read {operation} file {path} for table e2e.orders_wb: {rows} rows");
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

        Assert.True((await Call("WriteHistoryBatch", request, WriteBatchResponse.Parser)).ResponseOrThrow().Success);

        await _fixture.Host.WaitForLogAsync(l => l.Message?.StartsWith($"Read delete file {delete.Path}", StringComparison.Ordinal) == true);
        var order = _fixture.Host.Logs
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
        var bad = WriteFile("e2e-bad.csv.zst.aes", fileParams, ["not-a-decimal", Synced, 1L, "x"]);
        var badValue = await Call("WriteBatch", new WriteBatchRequest
        {
            SchemaName = "e2e",
            Table = Orders("orders_bad"),
            FileParams = fileParams,
            ReplaceFiles = { bad.Path },
            Keys = { [bad.Path] = bad.Key },
        }, WriteBatchResponse.Parser);
        Assert.Equal(StatusCode.InvalidArgument, badValue.Status);
        Assert.Equal($"batch file '{bad.Path}', row 1, column 'amount': value 'not-a-decimal' is not a valid DECIMAL (expected a decimal number such as -123.4500)",
            badValue.Message);

        var wrongKey = await Call("WriteBatch", new WriteBatchRequest
        {
            SchemaName = "e2e",
            Table = Orders("orders_bad"),
            FileParams = fileParams,
            ReplaceFiles = { bad.Path },
            Keys = { [bad.Path] = ByteString.CopyFrom(BatchFileWriter.NewKey()) },
        }, WriteBatchResponse.Parser);
        Assert.Equal(StatusCode.InvalidArgument, wrongKey.Status);
        Assert.Contains("the AES key is wrong or the file was tampered with", wrongKey.Message);

        var missing = Path.Combine(_folder, "missing.csv.zst.aes");
        var notFound = await Call("WriteHistoryBatch", new WriteHistoryBatchRequest
        {
            SchemaName = "e2e",
            Table = Orders("orders_bad"),
            FileParams = fileParams,
            EarliestStartFiles = { missing },
        }, WriteBatchResponse.Parser);
        Assert.Equal(StatusCode.NotFound, notFound.Status);
        Assert.Equal($"batch file '{missing}': the file does not exist", notFound.Message);
    }
}
