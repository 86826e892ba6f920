using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using Grpc.Core;
using Microsoft.Data.Sqlite;
using SqliteDestination.Tests.Support;
using Xunit;

namespace SqliteDestination.Tests;

/// <summary>The plugin loaded by the real host (its own load context, bundled native SQLite) and called over gRPC.</summary>
public sealed class HostEndToEndTests(SqliteHostFixture fixture) : IClassFixture<SqliteHostFixture>, IDisposable
{
    private static readonly DateTimeOffset Synced = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Header = ["id", "name", "_fivetran_synced"];

    private readonly DestinationConnector.DestinationConnectorClient _client = fixture.Host.DestinationClient;
    private readonly string _directory = Directory.CreateTempSubdirectory("sqlite-e2e-").FullName;

    private string DatabasePath => Path.Combine(_directory, "landed.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static Table People() => DestinationHarness.Table("people",
        DestinationHarness.Col("id", DataType.Long, pk: true), DestinationHarness.Col("name", DataType.String),
        DestinationHarness.Col("_fivetran_synced", DataType.UtcDatetime));

    [Fact]
    public async Task Create_write_describe_and_errors_over_grpc_land_in_the_configured_file()
    {
        var test = new TestRequest { Name = "connect" };
        test.Configuration["database_path"] = DatabasePath;
        Assert.True((await _client.TestAsync(test)).Success);

        var create = new CreateTableRequest { SchemaName = "e2e", Table = People() };
        create.Configuration["database_path"] = DatabasePath;
        Assert.True((await _client.CreateTableAsync(create)).Success);
        var again = await Assert.ThrowsAsync<RpcException>(() => _client.CreateTableAsync(create).ResponseAsync);
        Assert.Equal(StatusCode.AlreadyExists, again.StatusCode);

        var fileParams = BatchFileWriter.Params();
        var first = BatchFileWriter.Write(Path.Combine(_directory, "replace.csv.zst.aes"), fileParams, Header, [[1L, "Ada", Synced], [2L, "Grace", Synced]]);
        var write = new WriteBatchRequest { SchemaName = "e2e", Table = People(), FileParams = fileParams, ReplaceFiles = { first.Path }, Keys = { [first.Path] = first.Key } };
        write.Configuration["database_path"] = DatabasePath;
        Assert.True((await _client.WriteBatchAsync(write)).Success);
        Assert.Equal("1:Ada,2:Grace", LandedRows());

        // A batch whose first file is good and would change every row, then a bad file: all or nothing, so the
        // table must still hold the first batch (a partial apply would show Ann, Carol or Dan).
        var good = BatchFileWriter.Write(Path.Combine(_directory, "good.csv.zst.aes"), fileParams, Header, [[1L, "Ann", Synced], [3L, "Carol", Synced]]);
        var update = BatchFileWriter.Write(Path.Combine(_directory, "update.csv.zst.aes"), fileParams, Header, [[2L, "Dan", Synced]]);
        var bad = BatchFileWriter.Write(Path.Combine(_directory, "bad.csv.zst.aes"), fileParams, Header, [["three", "Bad", Synced]]);
        var failing = new WriteBatchRequest
        {
            SchemaName = "e2e",
            Table = People(),
            FileParams = fileParams,
            ReplaceFiles = { good.Path },
            UpdateFiles = { update.Path, bad.Path },
            Keys = { [good.Path] = good.Key, [update.Path] = update.Key, [bad.Path] = bad.Key },
        };
        failing.Configuration["database_path"] = DatabasePath;
        var failed = await Assert.ThrowsAsync<RpcException>(() => _client.WriteBatchAsync(failing).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, failed.StatusCode);
        Assert.Contains(bad.Path, failed.Status.Detail);
        Assert.Contains("column 'id'", failed.Status.Detail);
        Assert.Equal("1:Ada,2:Grace", LandedRows());

        var describe = new DescribeTableRequest { SchemaName = "e2e", TableName = "people" };
        describe.Configuration["database_path"] = DatabasePath;
        Assert.Equal(People(), (await _client.DescribeTableAsync(describe)).Table);
        describe.TableName = "nobody";
        Assert.True((await _client.DescribeTableAsync(describe)).NotFound);
    }

    private string? LandedRows()
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT group_concat(id || ':' || name, ',') FROM (SELECT * FROM \"e2e.people\" ORDER BY id)";
        return command.ExecuteScalar() as string;
    }
}
