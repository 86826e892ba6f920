using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Conformance.Tests.Support;
using ConnectorHost.Testing.Replay;
using FivetranSdk.V2;
using Xunit;

namespace ConnectorHost.Conformance.Tests;

/// <summary>The replay engine itself: its report, its failure handling, every compression and encryption choice.</summary>
public sealed class ReplayEngineTests : IAsyncLifetime
{
    private readonly SqliteUnderTest _sqlite = new(BatchFileFormat.Csv);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _sqlite.DisposeAsync();

    [Theory]
    [InlineData(BatchFileFormat.Csv, Compression.Zstd, Encryption.Aes)]
    [InlineData(BatchFileFormat.Csv, Compression.Gzip, Encryption.Aes)]
    [InlineData(BatchFileFormat.Csv, Compression.Off, Encryption.None)]
    [InlineData(BatchFileFormat.Parquet, Compression.Zstd, Encryption.Aes)]
    [InlineData(BatchFileFormat.Parquet, Compression.Gzip, Encryption.None)]
    [InlineData(BatchFileFormat.Parquet, Compression.Off, Encryption.Aes)]
    public async Task Every_file_format_replays_the_same_rows(BatchFileFormat format, Compression compression, Encryption encryption)
    {
        var replayer = new DestinationReplayer(_sqlite.Connector, new ReplayOptions
        {
            BatchFileFormat = format, Compression = compression, Encryption = encryption, SyncStart = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero),
        });
        var report = await replayer.ReplayAsync(TesterInput.Parse("t.json", """
            { "create_table": { "t": { "columns": { "id": "INT", "v": "STRING", "b": "BINARY" }, "primary_key": ["id"] } },
              "ops": [ { "upsert": { "t": [ { "id": 1, "v": "a,\"b\"", "b": "xyz" }, { "id": 2, "v": null } ] } }, { "update": { "t": [ { "id": 2, "v": "two" } ] } } ],
              "describe_table": ["t"] }
            """));
        Assert.True(report.Succeeded);
        Assert.Equal(["CreateTable", "WriteBatch", "WriteBatch", "DescribeTable"], report.Calls.Select(c => c.Rpc));
        Assert.Contains("id INT key, v STRING, b BINARY, _fivetran_synced UTC_DATETIME, _fivetran_deleted BOOLEAN", report.Calls[^1].Response);
        Assert.All(report.Calls.Where(c => c.Rpc == "WriteBatch"), c => Assert.Contains(format == BatchFileFormat.Parquet ? ".parquet" : ".csv", c.Request));
        var h = new ConformanceHarness(_sqlite);
        await h.AssertRowsAsync("t", "id, v, b, _fivetran_synced", ["1", "a,\"b\"", "eHl6", "2024-01-01T00:00:01Z"], ["2", "two", null, "2024-01-01T00:00:02Z"]);
    }

    [Fact]
    public async Task A_failing_call_is_reported_with_its_status_and_message_and_the_replay_goes_on()
    {
        var failing = new FailingWrites(_sqlite.Connector);
        var report = await new DestinationReplayer(failing).ReplayAsync(TesterInput.Parse("f.json", """
            { "create_table": { "t": { "columns": { "id": "INT" }, "primary_key": ["id"] } },
              "ops": [ { "upsert": { "t": [ { "id": 1 } ] } }, { "truncate_before": ["t"] } ],
              "schema_migration": [ { "migrate_history_to_live": [ { "table": "t", "keep_deleted_rows": true } ] } ] }
            """));
        Assert.False(report.Succeeded);
        var write = Assert.Single(report.Failures);
        Assert.Equal(("upsert", "WriteBatch", "t", ReplayOutcome.Failed, "UNAVAILABLE"), (write.Operation, write.Rpc, write.Table, write.Outcome, write.Status));
        Assert.Equal("disk on fire", write.Message);
        Assert.Contains("replace batch-", write.Request);
        Assert.Equal(["CreateTable", "WriteBatch", "Truncate", "Migrate"], report.Calls.Select(c => c.Rpc));
        var live = report.Calls[^1];
        Assert.Equal(ReplayOutcome.Unsupported, live.Outcome);
        Assert.True(live.Succeeded, "LIVE migrations answering unsupported is the contract's answer");
    }

    [Fact]
    public void Malformed_input_files_name_the_file_and_the_place()
    {
        var error = Assert.Throws<TesterInputException>(() => TesterInput.Parse("bad.json", """{ "create_table": { "t": { "columns": { "id": "INTEGER" } } } }"""));
        Assert.Contains("bad.json", error.Message);
        Assert.Contains("create_table.t.columns.id", error.Message);
        Assert.Contains("'INTEGER'", error.Message);
    }

    private sealed class FailingWrites(IDestinationConnector inner) : IDestinationConnector
    {
        public Task<ConfigurationFormResponse> ConfigurationFormAsync(CancellationToken cancellationToken) => inner.ConfigurationFormAsync(cancellationToken);

        public Task<CapabilitiesResponse> CapabilitiesAsync(CapabilitiesRequest request, CancellationToken cancellationToken) => inner.CapabilitiesAsync(request, cancellationToken);

        public Task<TestResponse> TestAsync(TestRequest request, CancellationToken cancellationToken) => inner.TestAsync(request, cancellationToken);

        public Task<DescribeTableResponse> DescribeTableAsync(DescribeTableRequest request, CancellationToken cancellationToken) => inner.DescribeTableAsync(request, cancellationToken);

        public Task<CreateTableResponse> CreateTableAsync(CreateTableRequest request, CancellationToken cancellationToken) => inner.CreateTableAsync(request, cancellationToken);

        public Task<AlterTableResponse> AlterTableAsync(AlterTableRequest request, CancellationToken cancellationToken) => inner.AlterTableAsync(request, cancellationToken);

        public Task<TruncateResponse> TruncateAsync(TruncateRequest request, CancellationToken cancellationToken) => inner.TruncateAsync(request, cancellationToken);

        public Task<WriteBatchResponse> WriteBatchAsync(WriteBatchRequest request, CancellationToken cancellationToken) =>
            throw new ConnectorException(ConnectorErrorKind.Unavailable, "disk on fire");

        public Task<WriteBatchResponse> WriteHistoryBatchAsync(WriteHistoryBatchRequest request, CancellationToken cancellationToken) => inner.WriteHistoryBatchAsync(request, cancellationToken);

        public Task<MigrateResponse> MigrateAsync(MigrateRequest request, CancellationToken cancellationToken) => inner.MigrateAsync(request, cancellationToken);
    }
}
