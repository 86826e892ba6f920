using ConnectorHost.Testing.BatchFiles;
using ConnectorHost.Testing.Grpc;
using ConnectorHost.Testing.Hosting;
using Grpc.Core;
using FivetranSdk.V2;
using Google.Protobuf;
using Microsoft.Data.Sqlite;
using Xunit;

namespace SqliteDestination.Tests;

/// <summary>The plugin loaded by the real host (its own load context, bundled native SQLite) and called over gRPC.</summary>
public sealed class HostEndToEndTests : IAsyncLifetime
{
    private const string Service = "/fivetran_sdk.v2.DestinationConnector/";
    private readonly string _directory = Directory.CreateTempSubdirectory("sqlite-e2e-").FullName;
    private HostProcess _host = null!;
    private GrpcTestClient _client = null!;

    private string DatabasePath => Path.Combine(_directory, "landed.db");

    public async Task InitializeAsync()
    {
        _host = await HostProcess.StartAsync(new HostConfig { PluginsDirectory = RepoPaths.PluginsDirectory, DestinationPlugin = "SqliteDestination" });
        _client = new GrpcTestClient(_host.DestinationPort);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private Task<GrpcCallResult<TResponse>> CallAsync<TRequest, TResponse>(string method, TRequest request, MessageParser<TResponse> parser)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> => _client.UnaryAsync(Service + method, request, parser);

    private Table People() => Support.DestinationHarness.Table("people",
        Support.DestinationHarness.Col("id", DataType.Long, pk: true), Support.DestinationHarness.Col("name", DataType.String),
        Support.DestinationHarness.Col("_fivetran_synced", DataType.UtcDatetime));

    [Fact]
    public async Task Create_write_describe_and_errors_over_grpc_land_in_the_configured_file()
    {
        var test = new TestRequest { Name = "connect" };
        test.Configuration["database_path"] = DatabasePath;
        Assert.True((await CallAsync("Test", test, TestResponse.Parser)).ResponseOrThrow().Success);

        var create = new CreateTableRequest { SchemaName = "e2e", Table = People() };
        create.Configuration["database_path"] = DatabasePath;
        Assert.True((await CallAsync("CreateTable", create, CreateTableResponse.Parser)).ResponseOrThrow().Success);
        var again = await CallAsync("CreateTable", create, CreateTableResponse.Parser);
        Assert.Equal(StatusCode.AlreadyExists, again.Status);

        var fileParams = BatchFileWriter.Params();
        var path = Path.Combine(_directory, "replace.csv.zst.aes");
        ByteString key;
        using (var writer = BatchFileWriter.Create(path, fileParams, ["id", "name", "_fivetran_synced"]))
        {
            writer.WriteRow(1L, "Ada", new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
            writer.WriteRow(2L, "Grace", new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
            key = writer.KeyBytes;
        }

        var write = new WriteBatchRequest { SchemaName = "e2e", Table = People(), FileParams = fileParams };
        write.Configuration["database_path"] = DatabasePath;
        write.ReplaceFiles.Add(path);
        write.Keys[path] = key;
        Assert.True((await CallAsync("WriteBatch", write, WriteBatchResponse.Parser)).ResponseOrThrow().Success);

        var bad = Path.Combine(_directory, "bad.csv.zst.aes");
        using (var writer = BatchFileWriter.Create(bad, fileParams, ["id", "name", "_fivetran_synced"]))
        {
            writer.WriteRow("three", "Bad", new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
            write.Keys[bad] = writer.KeyBytes;
        }

        write.ReplaceFiles.Add(bad);
        var failed = await CallAsync("WriteBatch", write, WriteBatchResponse.Parser);
        Assert.Equal(StatusCode.InvalidArgument, failed.Status);
        Assert.Contains(bad, failed.Message);
        Assert.Contains("column 'id'", failed.Message);

        var describe = new DescribeTableRequest { SchemaName = "e2e", TableName = "people" };
        describe.Configuration["database_path"] = DatabasePath;
        Assert.Equal(People(), (await CallAsync("DescribeTable", describe, DescribeTableResponse.Parser)).ResponseOrThrow().Table);
        describe.TableName = "nobody";
        Assert.True((await CallAsync("DescribeTable", describe, DescribeTableResponse.Parser)).ResponseOrThrow().NotFound);

        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT group_concat(id || ':' || name, ',') FROM (SELECT * FROM \"e2e.people\" ORDER BY id)";
        Assert.Equal("1:Ada,2:Grace", command.ExecuteScalar());
    }
}
