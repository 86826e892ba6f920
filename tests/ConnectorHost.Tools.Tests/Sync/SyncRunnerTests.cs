using ConnectorHost.Abstractions.Plugins;
using ConnectorHost.Testing.Sync;
using FivetranSdk.V2;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using static ConnectorHost.Tools.Tests.Sync.ScriptedSource;

namespace ConnectorHost.Tools.Tests.Sync;

public sealed class SyncRunnerTests : IDisposable
{
    private readonly SyncFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private static InProcessSyncSource ExampleSource(string directory) =>
        new(new ExampleSource.ExampleSourceConnector(new PluginContext("ExampleSource", directory, directory, NullLoggerFactory.Instance)));

    [Fact]
    public async Task Example_source_lands_exactly_the_rows_its_stream_implies()
    {
        var report = await new SyncRunner(ExampleSource(_fixture.Directory), _fixture.Destination, _fixture.Options()).RunAsync(CancellationToken.None);

        // Upserts a-0, a-1, a-2 (a2 = t * 0.234), then UPDATE a-0 → 110.234, then DELETE a-2 (soft: the row stays, flagged).
        Assert.Equal(["a-0|110.234|0", "a-1|0.234|0", "a-2|0.468|1"], _fixture.Rows("debug.table1", "a1", "a2", "_fivetran_deleted"));
        Assert.Equal(["b1|ben|0"], _fixture.Rows("debug.table2", "b1", "b2", "_fivetran_deleted"));
        Assert.Equal(["2026-12-01T10:00:00.000Z"], _fixture.Rows("debug.table1", "_fivetran_synced").Distinct());
        Assert.Equal("{\"cursor\": 6}", File.ReadAllText(_fixture.StateFile));

        var table1 = Assert.Single(report.Tables, t => t.TableName == "table1");
        Assert.Equal((3, 1, 1, 1), (table1.Upserts, table1.Updates, table1.Deletes, table1.Checkpoints));
        Assert.Equal(1, report.Checkpoints);
        Assert.Equal(0, report.RecordsAfterLastCheckpoint);
        Assert.Empty(report.Warnings);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_fixture.Directory, "work")));
    }

    [Fact]
    public async Task A_second_sync_resumes_from_the_saved_state()
    {
        await new SyncRunner(ExampleSource(_fixture.Directory), _fixture.Destination, _fixture.Options()).RunAsync(CancellationToken.None);
        var report = await new SyncRunner(ExampleSource(_fixture.Directory), _fixture.Destination, _fixture.Options()).RunAsync(CancellationToken.None);

        Assert.Equal("{\"cursor\": 12}", report.SavedState);
        Assert.Equal("{\"cursor\": 12}", File.ReadAllText(_fixture.StateFile));
        Assert.Equal(3, _fixture.Rows("debug.table1", "a1").Count);
    }

    [Fact]
    public async Task A_destination_failure_leaves_the_state_at_the_last_accepted_checkpoint()
    {
        var source = new ScriptedSource(Tables(Table("t", new Column { Name = "id", Type = DataType.Int, PrimaryKey = true }, new Column { Name = "v", Type = DataType.String })),
            Record("t", RecordType.Upsert, ("id", 1), ("v", "first")),
            Checkpoint("{\"page\": 1}"),
            Record("t", RecordType.Upsert, ("id", 2), ("v", "second")),
            Checkpoint("{\"page\": 2}"));

        var failure = await Assert.ThrowsAsync<SyncException>(() =>
            new SyncRunner(source, new FailingDestination(_fixture.Destination, failingWriteBatch: 2), _fixture.Options()).RunAsync(CancellationToken.None));

        Assert.Contains("WriteBatch debug.t failed: Unavailable: the warehouse went away", failure.Message);
        Assert.Equal("{\"page\": 1}", File.ReadAllText(_fixture.StateFile));
        Assert.Equal(["1|first"], _fixture.Rows("debug.t", "id", "v"));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_fixture.Directory, "work")));
    }

    [Fact]
    public async Task An_upsert_after_an_update_of_the_same_row_keeps_the_source_order()
    {
        var source = new ScriptedSource(Tables(Table("t", new Column { Name = "id", Type = DataType.Int, PrimaryKey = true }, new Column { Name = "v", Type = DataType.String })),
            Record("t", RecordType.Upsert, ("id", 1), ("v", "one")),
            Record("t", RecordType.Update, ("id", 1), ("v", "updated")),
            Record("t", RecordType.Upsert, ("id", 1), ("v", "upserted last")),
            Checkpoint("{}"));

        await new SyncRunner(source, _fixture.Destination, _fixture.Options()).RunAsync(CancellationToken.None);

        Assert.Equal(["1|upserted last"], _fixture.Rows("debug.t", "id", "v"));
    }

    [Fact]
    public async Task Undeclared_columns_are_added_and_keyless_tables_get_a_fivetran_id()
    {
        var source = new ScriptedSource(Tables(Table("events", new Column { Name = "name", Type = DataType.Unspecified })),
            Record("events", RecordType.Upsert, ("name", "start")),
            Checkpoint("{\"n\": 1}"),
            Record("events", RecordType.Upsert, ("name", "stop"), ("code", 7L)),
            Checkpoint("{\"n\": 2}"));

        var report = await new SyncRunner(source, _fixture.Destination, _fixture.Options()).RunAsync(CancellationToken.None);

        Assert.Equal(["start|NULL", "stop|7"], _fixture.Rows("debug.events", "name", "code"));
        Assert.Equal(2, _fixture.Rows("debug.events", "_fivetran_id").Distinct().Count());
        var described = await _fixture.Destination.DescribeTableAsync(new DescribeTableRequest { SchemaName = "debug", TableName = "events" }, CancellationToken.None);
        Assert.Equal(
            ["name:String:False", "_fivetran_synced:UtcDatetime:False", "_fivetran_deleted:Boolean:False", "_fivetran_id:String:True", "code:Long:False"],
            described.Table.Columns.Select(c => $"{c.Name}:{c.Type}:{c.PrimaryKey}"));
        Assert.Equal(2, Assert.Single(report.Tables).SchemaChanges);
    }

    [Fact]
    public async Task A_truncate_record_soft_deletes_the_rows_synced_before_this_sync()
    {
        var table = Table("t", new Column { Name = "id", Type = DataType.Int, PrimaryKey = true });
        var first = _fixture.Options() ;
        await new SyncRunner(new ScriptedSource(Tables(table), Record("t", RecordType.Upsert, ("id", 1)), Checkpoint("{}")), _fixture.Destination,
            new SyncOptions { SourceConfiguration = first.SourceConfiguration, DestinationConfiguration = first.DestinationConfiguration, StateFile = first.StateFile,
                WorkDirectory = first.WorkDirectory, SyncStart = first.SyncStart!.Value.AddHours(-1) }).RunAsync(CancellationToken.None);

        var report = await new SyncRunner(new ScriptedSource(Tables(table),
                Record("t", RecordType.Truncate), Record("t", RecordType.Upsert, ("id", 2)), Checkpoint("{}")),
            _fixture.Destination, _fixture.Options()).RunAsync(CancellationToken.None);

        Assert.Equal(["1|1", "2|0"], _fixture.Rows("debug.t", "id", "_fivetran_deleted"));
        Assert.Equal(1, Assert.Single(report.Tables).Truncates);
    }

    [Fact]
    public async Task Records_after_the_last_checkpoint_land_with_a_warning()
    {
        var source = new ScriptedSource(Tables(Table("t", new Column { Name = "id", Type = DataType.Int, PrimaryKey = true })),
            Record("t", RecordType.Upsert, ("id", 1)),
            Checkpoint("{\"n\": 1}"),
            Record("t", RecordType.Upsert, ("id", 2)));

        var report = await new SyncRunner(source, _fixture.Destination, _fixture.Options()).RunAsync(CancellationToken.None);

        Assert.Equal(["1", "2"], _fixture.Rows("debug.t", "id"));
        Assert.Equal("{\"n\": 1}", File.ReadAllText(_fixture.StateFile));
        Assert.Equal(1, report.RecordsAfterLastCheckpoint);
        Assert.Contains(report.Warnings, w => w.Contains("1 record(s) after its last checkpoint", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_table_is_written_in_bounded_batches_without_waiting_for_a_checkpoint()
    {
        var records = Enumerable.Range(1, 25).Select(i => Record("t", RecordType.Upsert, ("id", i))).Append(Checkpoint("{}")).ToArray();
        var source = new ScriptedSource(Tables(Table("t", new Column { Name = "id", Type = DataType.Int, PrimaryKey = true })), records);
        var batches = new List<long>();

        await new SyncRunner(source, _fixture.Destination, _fixture.Options(maxRowsPerBatch: 10), new BatchRecorder(batches)).RunAsync(CancellationToken.None);

        Assert.Equal([10, 10, 5], batches);
        Assert.Equal(25, _fixture.Rows("debug.t", "id").Count);
    }

    private sealed class BatchRecorder(List<long> batches) : ISyncObserver
    {
        public void Step(string message)
        {
        }

        public void RecordsRead(long total)
        {
        }

        public void BatchWritten(TableProgress table, long rows, TimeSpan elapsed) => batches.Add(rows);

        public void CheckpointSaved(string stateJson)
        {
        }

        public void Warning(string message)
        {
        }
    }
}
