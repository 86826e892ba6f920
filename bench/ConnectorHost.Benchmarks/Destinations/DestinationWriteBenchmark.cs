using System.Diagnostics;
using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Benchmarks.BatchFiles;
using ConnectorHost.Benchmarks.Sqlite;
using FivetranSdk.V2;
using Google.Protobuf;

namespace ConnectorHost.Benchmarks.Destinations;

/// <summary>
/// The destination targets every SQL destination is held to, with the same files as sqlite-write (zstd + AES):
/// replace N rows into an empty table (peak RSS measured), update 100k rows with 3 of 7 columns unmodified,
/// delete 100k rows, history replace N rows; rows/s for each. The first call into a freshly started host also pays
/// for compiling the code it runs (about a third of a 1M replace's CPU); with <c>warm</c> the same file is first
/// replaced into another table, so the figures are those of a host that has served a sync already.
/// </summary>
internal static class DestinationWriteBenchmark
{
    public const int DefaultTableRows = 1_000_000;
    public const int ChangeRows = 100_000;

    /// <param name="measuredProcessId">The process whose peak RSS is reported: the host's when called through it.</param>
    public static async Task RunAsync(IDestinationConnector destination, Dictionary<string, string> configuration, int tableRows, int replaceTarget, string folder, int measuredProcessId, bool warm = false)
    {
        Console.WriteLine("Preparing batch files...");
        var (replacePath, replaceKey) = BenchBatchFile.GetOrCreate(tableRows);
        var update = SqliteBenchFiles.Update(folder, ChangeRows, tableRows);
        var delete = SqliteBenchFiles.Delete(folder, ChangeRows, tableRows);
        var history = SqliteBenchFiles.HistoryReplace(folder, tableRows);

        var table = BenchBatchFile.Table();
        await CreateAsync(destination, configuration, table);
        await CreateAsync(destination, configuration, SqliteBenchFiles.HistoryTable());

        if (warm)
        {
            var warmUp = BenchBatchFile.Table();
            warmUp.Name = "bench_warm_up";
            await CreateAsync(destination, configuration, warmUp);
            await MeasureAsync(measuredProcessId, $"warm-up: replace {tableRows:N0} rows into another empty table (first call)", tableRows, 0,
                () => destination.WriteBatchAsync(Batch(configuration, warmUp, replacePath, replaceKey, r => r.ReplaceFiles), default));
        }

        GC.Collect();
        var processId = measuredProcessId;
        PeakRss.Reset(processId);
        var baseline = PeakRss.CurrentBytes(processId);
        await MeasureAsync(processId, $"replace {tableRows:N0} rows into an empty table", tableRows, replaceTarget,
            () => destination.WriteBatchAsync(Batch(configuration, table, replacePath, replaceKey, r => r.ReplaceFiles), default));
        var peak = PeakRss.PeakBytes(processId);
        Console.WriteLine($"  peak RSS during the replace: {peak / 1048576.0:F0} MiB (baseline before it {baseline / 1048576.0:F0} MiB, +{(peak - baseline) / 1048576.0:F0} MiB)");

        await MeasureAsync(processId, $"update {ChangeRows:N0} rows (3 of 7 columns unmodified) in a {tableRows:N0}-row table", ChangeRows, 0,
            () => destination.WriteBatchAsync(Batch(configuration, table, update.Path, update.Key, r => r.UpdateFiles), default));
        await MeasureAsync(processId, $"delete {ChangeRows:N0} rows", ChangeRows, 0,
            () => destination.WriteBatchAsync(Batch(configuration, table, delete.Path, delete.Key, r => r.DeleteFiles), default));

        var historyRequest = new WriteHistoryBatchRequest { SchemaName = "bench", Table = SqliteBenchFiles.HistoryTable(), FileParams = BenchBatchFile.Params() };
        historyRequest.Configuration.Add(configuration);
        historyRequest.ReplaceFiles.Add(history.Path);
        historyRequest.Keys[history.Path] = ByteString.CopyFrom(history.Key);
        await MeasureAsync(processId, $"history replace {tableRows:N0} rows", tableRows, 0, () => destination.WriteHistoryBatchAsync(historyRequest, default));
    }

    private static async Task CreateAsync(IDestinationConnector destination, Dictionary<string, string> configuration, Table table)
    {
        var request = new CreateTableRequest { SchemaName = "bench", Table = table };
        request.Configuration.Add(configuration);
        await destination.CreateTableAsync(request, default);
    }

    private static WriteBatchRequest Batch(Dictionary<string, string> configuration, Table table, string path, byte[] key, Func<WriteBatchRequest, Google.Protobuf.Collections.RepeatedField<string>> files)
    {
        var request = new WriteBatchRequest { SchemaName = "bench", Table = table, FileParams = BenchBatchFile.Params() };
        request.Configuration.Add(configuration);
        files(request).Add(path);
        request.Keys[path] = ByteString.CopyFrom(key);
        return request;
    }

    private static async Task MeasureAsync(int processId, string what, int rows, int target, Func<Task> run)
    {
        using var measured = Process.GetProcessById(processId);
        var cpu = measured.TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        await run();
        stopwatch.Stop();
        measured.Refresh();
        cpu = measured.TotalProcessorTime - cpu;
        var rate = rows / stopwatch.Elapsed.TotalSeconds;
        var verdict = target == 0 ? "" : rate >= target ? $" (target >= {target:N0}) OK" : $" (target >= {target:N0}) BELOW TARGET";
        Console.WriteLine($"{what}: {stopwatch.Elapsed.TotalSeconds:F2} s ({cpu.TotalSeconds:F2} s CPU in the plugin's process), {rate:N0} rows/s{verdict}");
    }
}
