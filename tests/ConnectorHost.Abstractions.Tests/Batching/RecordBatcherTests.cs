using Xunit;
using ConnectorHost.Abstractions.Source;
using ConnectorHost.Testing.Logging;
using ConnectorHost.Testing.Source;
using FivetranSdk.V2;
using Microsoft.Extensions.Logging;
using Record = FivetranSdk.V2.Record;

namespace ConnectorHost.Abstractions.Tests.Batching;

public class RecordBatcherTests
{
    private const int KiB100 = 100 * 1024;

    private readonly InMemoryUpdateSink _sink = new();
    private readonly CapturingLoggerFactory _loggers = new();

    private RecordBatcher NewBatcher(RecordBatchOptions? options = null) => new(_sink, options, _loggers.CreateLogger("RecordBatcher"));

    private static async Task WriteSmall(RecordBatcher batcher, int count, int start = 0)
    {
        for (int i = start; i < start + count; i++)
        {
            await batcher.WriteRecordAsync(TestRecords.Small(i));
        }
    }

    [Fact]
    public async Task Exactly_100_records_go_out_as_one_batch_as_soon_as_the_batch_is_full()
    {
        var batcher = NewBatcher();
        await WriteSmall(batcher, 100);

        Assert.Equal(["records(100)"], _sink.Shape());
        await batcher.FlushAsync();
        Assert.Equal(["records(100)"], _sink.Shape());
    }

    [Fact]
    public async Task Record_101_starts_a_second_batch()
    {
        var batcher = NewBatcher();
        await WriteSmall(batcher, 101);
        await batcher.FlushAsync();

        Assert.Equal(["records(100)", "records(1)"], _sink.Shape());
        Assert.Equal(Enumerable.Range(0, 101).Select(i => TestRecords.Small(i)), _sink.AllRecords());
    }

    [Fact]
    public async Task A_record_of_exactly_100_KiB_framed_fits_in_a_batch()
    {
        var record = TestRecords.OfFramedSize(KiB100);
        var batcher = NewBatcher();
        await batcher.WriteRecordAsync(record);
        await batcher.FlushAsync();

        Assert.Equal(["records(1)"], _sink.Shape());
        Assert.Equal(KiB100, _sink.Responses[0].Records.CalculateSize());
        Assert.Empty(_loggers.Lines);
    }

    [Fact]
    public async Task A_record_of_100_KiB_plus_one_byte_goes_alone_as_a_single_record_with_a_warning_naming_the_table()
    {
        var record = TestRecords.OfFramedSize(KiB100 + 1, table: "huge_table");
        var batcher = NewBatcher();
        await WriteSmall(batcher, 2);
        await batcher.WriteRecordAsync(record);
        await WriteSmall(batcher, 1, start: 2);
        await batcher.FlushAsync();

        Assert.Equal(["records(2)", "record", "records(1)"], _sink.Shape());
        Assert.Same(record, _sink.Responses[1].Record);
        var warning = Assert.Single(_loggers.Lines);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("huge_table", warning.Message);
        Assert.Contains((KiB100 + 1).ToString(), warning.Message);
    }

    [Fact]
    public async Task The_oversize_warning_names_the_schema_too()
    {
        var record = TestRecords.OfFramedSize(KiB100 + 1, table: "t");
        record.SchemaName = "sales";
        await NewBatcher().WriteRecordAsync(record);

        Assert.Contains("sales.t", Assert.Single(_loggers.Lines).Message);
    }

    [Fact]
    public async Task Records_summing_to_exactly_100_KiB_share_a_batch_and_one_byte_more_splits_it()
    {
        var batcher = NewBatcher();
        await batcher.WriteRecordAsync(TestRecords.OfFramedSize(60 * 1024));
        await batcher.WriteRecordAsync(TestRecords.OfFramedSize(40 * 1024));
        await batcher.WriteRecordAsync(TestRecords.OfFramedSize(60 * 1024));
        await batcher.WriteRecordAsync(TestRecords.OfFramedSize(40 * 1024 + 1));
        await batcher.FlushAsync();

        Assert.Equal(["records(2)", "records(1)", "records(1)"], _sink.Shape());
        Assert.Equal(KiB100, _sink.Responses[0].Records.CalculateSize());
    }

    [Fact]
    public async Task The_byte_cap_can_close_a_batch_before_the_count_cap()
    {
        var batcher = NewBatcher();
        for (int i = 0; i < 10; i++)
        {
            await batcher.WriteRecordAsync(TestRecords.OfFramedSize(30 * 1024));
        }

        await batcher.FlushAsync();

        Assert.Equal(["records(3)", "records(3)", "records(3)", "records(1)"], _sink.Shape());
        Assert.All(_sink.Responses, r => Assert.Equal(r.Records.Records_.Count * 30 * 1024, r.Records.CalculateSize()));
    }

    [Fact]
    public async Task Every_record_written_before_another_operation_is_sent_before_it()
    {
        var batcher = NewBatcher();
        await WriteSmall(batcher, 3);
        await batcher.CheckpointAsync("{\"cursor\": 3}");
        await WriteSmall(batcher, 2, start: 3);
        await batcher.WarningAsync("careful");
        await batcher.SchemaChangeAsync(new SchemaChange { WithoutSchema = new TableList() });
        await WriteSmall(batcher, 1, start: 5);
        await batcher.WriteSingleRecordAsync(TestRecords.Small(6));
        await WriteSmall(batcher, 1, start: 7);
        await batcher.TaskAsync("reconnect the account");

        Assert.Equal(
            ["records(3)", "checkpoint", "records(2)", "warning", "schema_change", "records(1)", "record", "records(1)", "task"],
            _sink.Shape());
        Assert.Equal("{\"cursor\": 3}", _sink.Responses[1].Checkpoint.StateJson);
        Assert.Equal("careful", _sink.Responses[3].Warning.Message);
        Assert.Equal("reconnect the account", _sink.Responses[^1].Task.Message);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => TestRecords.Small(i)), _sink.AllRecords());
    }

    [Fact]
    public async Task A_task_ends_the_stream_and_later_writes_throw_a_clear_error()
    {
        var batcher = NewBatcher();
        await batcher.TaskAsync("stop");
        Assert.True(batcher.IsEnded);

        var recordError = await Assert.ThrowsAsync<InvalidOperationException>(() => batcher.WriteRecordAsync(TestRecords.Small(1)).AsTask());
        Assert.Contains("task", recordError.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => batcher.WriteSingleRecordAsync(TestRecords.Small(1)).AsTask());
        await Assert.ThrowsAsync<InvalidOperationException>(() => batcher.CheckpointAsync("{}").AsTask());
        await Assert.ThrowsAsync<InvalidOperationException>(() => batcher.WarningAsync("w").AsTask());
        await Assert.ThrowsAsync<InvalidOperationException>(() => batcher.TaskAsync("again").AsTask());
        await Assert.ThrowsAsync<InvalidOperationException>(() => batcher.SchemaChangeAsync(new SchemaChange()).AsTask());
        await batcher.FlushAsync();
        Assert.Equal(["task"], _sink.Shape());
    }

    [Fact]
    public async Task A_single_record_flushes_the_pending_batch_first_and_is_never_batched()
    {
        var batcher = NewBatcher();
        await WriteSmall(batcher, 4);
        await batcher.WriteSingleRecordAsync(TestRecords.Small(4));
        await batcher.WriteSingleRecordAsync(TestRecords.Small(5));
        await batcher.FlushAsync();

        Assert.Equal(["records(4)", "record", "record"], _sink.Shape());
        Assert.Equal(6, batcher.RecordCount);
        Assert.Equal(3, batcher.ResponseCount);
    }

    [Fact]
    public async Task Flush_with_nothing_pending_sends_nothing()
    {
        var batcher = NewBatcher();
        await batcher.FlushAsync();
        await WriteSmall(batcher, 100);
        await batcher.FlushAsync();

        Assert.Equal(["records(100)"], _sink.Shape());
    }

    [Fact]
    public async Task Lower_caps_can_be_configured()
    {
        var batcher = NewBatcher(new RecordBatchOptions { MaxRecordsPerBatch = 10, MaxBatchBytes = 1024 });
        await WriteSmall(batcher, 25);
        await batcher.WriteRecordAsync(TestRecords.OfFramedSize(1024));
        await batcher.WriteRecordAsync(TestRecords.OfFramedSize(1025));
        await batcher.FlushAsync();

        Assert.Equal(["records(10)", "records(10)", "records(5)", "records(1)", "record"], _sink.Shape());
        Assert.Single(_loggers.Lines);
    }

    [Theory]
    [InlineData(101, KiB100)]
    [InlineData(100, KiB100 + 1)]
    [InlineData(0, KiB100)]
    [InlineData(100, 0)]
    [InlineData(-1, KiB100)]
    public void Caps_can_never_exceed_Fivetran_limits_or_drop_below_one(int maxRecords, int maxBytes)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new RecordBatchOptions { MaxRecordsPerBatch = maxRecords, MaxBatchBytes = maxBytes });
        Assert.Contains("Fivetran", error.Message);
    }

    [Fact]
    public void Defaults_are_Fivetran_limits()
    {
        var options = new RecordBatchOptions();
        Assert.Equal(RecordBatchLimits.MaxRecordsPerBatch, options.MaxRecordsPerBatch);
        Assert.Equal(RecordBatchLimits.MaxBatchBytes, options.MaxBatchBytes);
    }

    [Fact]
    public async Task Random_records_are_batched_greedily_within_both_caps_and_in_order()
    {
        var random = new Random(20261121);
        var options = new RecordBatchOptions { MaxRecordsPerBatch = 50, MaxBatchBytes = 20_000 };
        var batcher = NewBatcher(options);
        var written = new List<Record>();
        for (int i = 0; i < 3000; i++)
        {
            var record = TestRecords.Padded(random.Next(0, 20) == 0 ? random.Next(15_000, 25_000) : random.Next(0, 600));
            written.Add(record);
            await batcher.WriteRecordAsync(record);
        }

        await batcher.FlushAsync();

        Assert.Equal(written, _sink.AllRecords());
        var responses = _sink.Responses;
        for (int i = 0; i < responses.Count; i++)
        {
            if (responses[i].OperationCase == UpdateResponse.OperationOneofCase.Record)
            {
                Assert.True(TestRecords.FramedSize(responses[i].Record) > options.MaxBatchBytes);
                continue;
            }

            var batch = responses[i].Records;
            Assert.InRange(batch.Records_.Count, 1, options.MaxRecordsPerBatch);
            Assert.InRange(batch.CalculateSize(), 1, options.MaxBatchBytes);
            // Greedy: a batch closed early (under the count cap) was closed because the next record did not fit.
            if (i + 1 < responses.Count && batch.Records_.Count < options.MaxRecordsPerBatch)
            {
                var next = responses[i + 1].OperationCase == UpdateResponse.OperationOneofCase.Records
                    ? responses[i + 1].Records.Records_[0]
                    : responses[i + 1].Record;
                Assert.True(batch.CalculateSize() + TestRecords.FramedSize(next) > options.MaxBatchBytes);
            }
        }
    }

    [Fact]
    public async Task A_cancelled_token_reaches_the_sink_on_flush()
    {
        var batcher = NewBatcher();
        await WriteSmall(batcher, 5);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => batcher.FlushAsync(cancelled.Token).AsTask());
    }
}
