using System.Diagnostics;
using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Abstractions.Plugins;
using ConnectorHost.Benchmarks.BatchFiles;
using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using SqliteDestination;

namespace ConnectorHost.Benchmarks.Sqlite;

/// <summary>
/// The SQLite destination's targets, through WriteBatch/WriteHistoryBatch with encrypted + compressed files:
/// 1M-row replace into an empty table, 100k-row update (half the columns unmodified) into it, 100k-row delete,
/// 1M-row history replace; prints rows/s and the peak RSS during the 1M replace.
/// This variant runs the plugin in-process (no gRPC): the figures are the plugin's own cost.
/// </summary>
public sealed class SqliteWriteScenario : IScenario
{
    private const int DefaultTableRows = 1_000_000;
    private const int ChangeRows = 100_000;

    public string Name => "sqlite-write";

    public string Description => "SQLite destination: 1M replace, 100k update, 100k delete, 1M history replace (rows/s, peak RSS); --host through the host over gRPC, --rows N for another table size, --parquet to replace from a Parquet file";

    public async Task<int> RunAsync(string[] args)
    {
        // --rows N: another table size, e.g. to show the replace's peak RSS does not grow with the file.
        var tableRows = ScenarioArguments.Option(args, "--rows", DefaultTableRows);
        var folder = Path.Combine(Path.GetTempPath(), "connectorhost-bench", "sqlite-" + Environment.ProcessId);
        Directory.CreateDirectory(folder);
        try
        {
            Console.WriteLine("Preparing batch files...");
            // --parquet: the replace reads the same rows from an AES Parquet file instead of the AES + zstd CSV file.
            var parquet = ScenarioArguments.Flag(args, "--parquet");
            var (replacePath, replaceKey) = parquet
                ? ReadParquetBatchFileScenario.GetOrCreateParquet(tableRows, ParquetBatchFileWriter.DefaultRowGroupSize)
                : BenchBatchFile.GetOrCreate(tableRows);
            var replaceParams = parquet ? ParquetBatchFileWriter.Params(Compression.Zstd, Encryption.Aes) : BenchBatchFile.Params();
            var update = SqliteBenchFiles.Update(folder, ChangeRows, tableRows);
            var delete = SqliteBenchFiles.Delete(folder, ChangeRows, tableRows);
            var history = SqliteBenchFiles.HistoryReplace(folder, tableRows);

            // --host: through the running host over gRPC (peak RSS is then the host process's); default: in-process.
            await using var target = ScenarioArguments.Flag(args, "--host") ? await HostTarget.StartAsync() : null;
            var destination = target?.Connector
                ?? new SqliteDestinationConnector(new PluginContext("SqliteDestination", folder, folder, NullLoggerFactory.Instance));
            var processId = target?.ProcessId ?? Environment.ProcessId;
            Console.WriteLine(target is null ? "In-process plugin" : $"Through the host (pid {processId}) over gRPC");
            var configuration = new Dictionary<string, string> { ["database_path"] = Path.Combine(folder, "bench.db") };
            var table = BenchBatchFile.Table();
            await Create(destination, configuration, table);
            await Create(destination, configuration, SqliteBenchFiles.HistoryTable());

            ReadOnly(replacePath, replaceParams, replaceKey, table);
            GC.Collect();
            PeakRss.Reset(processId);
            var baseline = PeakRss.CurrentBytes(processId);
            await Measure($"replace {tableRows:N0} rows into an empty table", tableRows, 300_000,
                () => destination.WriteBatchAsync(Batch(configuration, table, replacePath, replaceKey, r => r.ReplaceFiles, replaceParams), default));
            var peak = PeakRss.PeakBytes(processId);
            Console.WriteLine($"  peak RSS during the replace: {peak / 1048576.0:F0} MiB (baseline before it {baseline / 1048576.0:F0} MiB, +{(peak - baseline) / 1048576.0:F0} MiB)");

            Checkpoint(configuration["database_path"]);
            await Measure($"update {ChangeRows:N0} rows (3 of 7 columns unmodified) in a {tableRows:N0}-row table", ChangeRows, 150_000,
                () => destination.WriteBatchAsync(Batch(configuration, table, update.Path, update.Key, r => r.UpdateFiles), default));
            Checkpoint(configuration["database_path"]);
            await Measure($"delete {ChangeRows:N0} rows", ChangeRows, 300_000,
                () => destination.WriteBatchAsync(Batch(configuration, table, delete.Path, delete.Key, r => r.DeleteFiles), default));

            var historyRequest = new WriteHistoryBatchRequest { SchemaName = "bench", Table = SqliteBenchFiles.HistoryTable(), FileParams = BenchBatchFile.Params() };
            historyRequest.Configuration.Add(configuration);
            historyRequest.ReplaceFiles.Add(history.Path);
            historyRequest.Keys[history.Path] = ByteString.CopyFrom(history.Key);
            Checkpoint(configuration["database_path"]);
            await Measure($"history replace {tableRows:N0} rows", tableRows, 150_000,
                () => destination.WriteHistoryBatchAsync(historyRequest, default));
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Setup between steps (not timed): the previous step's WAL copied into the database, as at rest. The plugin's own
    /// background checkpoint may hold the checkpoint lock (SQLite then answers busy = 1 without waiting), so repeat
    /// until a TRUNCATE checkpoint has completed.
    /// </summary>
    private static void Checkpoint(string databasePath)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={databasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout = 60000";
        command.ExecuteNonQuery();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        for (var attempt = 0; ; attempt++)
        {
            using var reader = command.ExecuteReader();
            if (reader.Read() && reader.GetInt64(0) == 0)
            {
                return;
            }

            if (attempt == 6000)
            {
                throw new InvalidOperationException($"The WAL of {databasePath} could not be checkpointed within a minute.");
            }

            Thread.Sleep(10);
        }
    }

    private static async Task Create(IDestinationConnector destination, Dictionary<string, string> configuration, Table table)
    {
        var request = new CreateTableRequest { SchemaName = "bench", Table = table };
        request.Configuration.Add(configuration);
        await destination.CreateTableAsync(request, default);
    }

    private static WriteBatchRequest Batch(Dictionary<string, string> configuration, Table table, string path, byte[] key, Func<WriteBatchRequest, Google.Protobuf.Collections.RepeatedField<string>> files, FileParams? fileParams = null)
    {
        var request = new WriteBatchRequest { SchemaName = "bench", Table = table, FileParams = fileParams ?? BenchBatchFile.Params() };
        request.Configuration.Add(configuration);
        files(request).Add(path);
        request.Keys[path] = ByteString.CopyFrom(key);
        return request;
    }

    private static async Task Measure(string what, int rows, int target, Func<Task> run)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        await run();
        stopwatch.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var rate = rows / stopwatch.Elapsed.TotalSeconds;
        Console.WriteLine($"{what}: {stopwatch.Elapsed.TotalSeconds:F2} s ({cpu.TotalSeconds:F2} s CPU), {rate:N0} rows/s (target >= {target:N0}) {(rate >= target ? "OK" : "BELOW TARGET")}");
    }

    /// <summary>The file-reading share of the replace: every cell read typed, nothing written.</summary>
    private static void ReadOnly(string path, FileParams fileParams, byte[] key, Table table)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        using var reader = ConnectorHost.Abstractions.BatchFiles.BatchFileReader.Open(path, fileParams, key, table);
        long sink = 0;
        while (reader.Read())
        {
            sink += reader.GetInt64(0) + reader.GetRawUtf8(1).Length + (long)reader.GetDouble(2) + (reader.GetBoolean(3) ? 1 : 0)
                + reader.GetRawUtf8(4).Length + (reader.GetBoolean(5) ? 1 : 0) + reader.GetUtcDateTime(6).Ticks % 2;
        }

        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Console.WriteLine($"(reading the replace file alone: {stopwatch.Elapsed.TotalSeconds:F2} s, {cpu.TotalSeconds:F2} s CPU; checksum {sink % 10})");
    }
}

/// <summary>Linux peak resident set size of this process (VmHWM), resettable through /proc/self/clear_refs.</summary>
internal static class PeakRss
{
    public static void Reset(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public static long PeakBytes(int pid) => Read(pid, "VmHWM:");

    public static long CurrentBytes(int pid) => Read(pid, "VmRSS:");

    private static long Read(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0]) * 1024;
            }
        }

        return 0;
    }
}
