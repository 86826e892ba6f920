using BenchmarkDotNet.Attributes;
using ConnectorHost.Abstractions.Source;
using FivetranSdk.V2;

namespace ConnectorHost.Benchmarks.Batching;

/// <summary>
/// Records/s through <see cref="RecordBatcher"/> into a sink that only counts (issue 3 target: ≥ 5,000,000 records/s).
/// Run: dotnet run -c Release --project bench/ConnectorHost.Benchmarks -- --filter '*RecordBatcherBenchmarks*'
/// Each operation is one record (OperationsPerInvoke), so records/s = 1e9 / Mean(ns).
/// </summary>
[MemoryDiagnoser]
public class RecordBatcherBenchmarks
{
    private const int RecordsPerInvoke = 100_000;

    private Record[] _records = [];
    private CountingSink _sink = new();

    [GlobalSetup]
    public void Setup()
    {
        // Rows shaped like the example source's table1: a string key and a double.
        _records = Enumerable.Range(0, 1000)
            .Select(t => SourceRecords.Upsert("table1", new Dictionary<string, object?> { ["a1"] = $"a-{t}", ["a2"] = t * 0.234 }))
            .ToArray();
        _sink = new CountingSink();
    }

    [Benchmark(OperationsPerInvoke = RecordsPerInvoke, Description = "WriteRecordAsync (pre-built records)")]
    public long WritePrebuiltRecords()
    {
        var batcher = new RecordBatcher(_sink);
        var records = _records;
        for (int i = 0; i < RecordsPerInvoke; i++)
        {
            Wait(batcher.WriteRecordAsync(records[i % records.Length]));
        }

        Wait(batcher.FlushAsync());
        return _sink.Records;
    }

    [Benchmark(OperationsPerInvoke = RecordsPerInvoke, Description = "UpsertAsync (row dictionary → record → batch)")]
    public long UpsertRows()
    {
        IUpdateOutput batcher = new RecordBatcher(_sink);
        var row = new Dictionary<string, object?>(2);
        for (int i = 0; i < RecordsPerInvoke; i++)
        {
            row["a1"] = "a-0";
            row["a2"] = i * 0.234;
            Wait(batcher.UpsertAsync("table1", row));
        }

        Wait(batcher.FlushAsync());
        return _sink.Records;
    }

    private static void Wait(ValueTask pending)
    {
        if (!pending.IsCompletedSuccessfully)
        {
            pending.AsTask().GetAwaiter().GetResult();
        }
    }

    private sealed class CountingSink : IUpdateResponseSink
    {
        public long Records { get; private set; }

        public ValueTask WriteAsync(UpdateResponse response, CancellationToken cancellationToken)
        {
            Records += response.OperationCase == UpdateResponse.OperationOneofCase.Records ? response.Records.Records_.Count : 1;
            return default;
        }
    }
}
