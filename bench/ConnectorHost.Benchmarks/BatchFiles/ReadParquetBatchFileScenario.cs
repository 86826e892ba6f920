using System.Diagnostics;
using System.Globalization;
using ConnectorHost.Abstractions.BatchFiles;
using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;

namespace ConnectorHost.Benchmarks.BatchFiles;

/// <summary>
/// read-parquet-batch-file [rows] [iterations] [--format parquet|parquetsharp|csv] [--row-group N] [--breakdown]: reads the benchmark table's
/// rows (the same rows as read-batch-file) from an AES-encrypted Parquet file (zstd pages) and from the AES + zstd
/// CSV file, every cell touched through the same row API, and prints rows/s for each and the process's peak RSS.
/// Peak RSS is per process: run with <c>--format parquet</c> and <c>--format csv</c> separately to compare it.
/// Thread CPU time is the reading thread's own (see <see cref="ThreadCpuClock"/>); <c>--breakdown</c> times the
/// Parquet read's layers apart (<see cref="ParquetBreakdown"/>).
/// </summary>
public sealed class ReadParquetBatchFileScenario : IScenario
{
    public string Name => "read-parquet-batch-file";

    public string Description => "Read the 1,000,000-row benchmark table as AES Parquet vs AES+zstd CSV, every cell touched (rows/s, peak RSS)";

    public Task<int> RunAsync(string[] args)
    {
        var rows = ScenarioArguments.Number(args, 0, 1_000_000);
        var iterations = ScenarioArguments.Number(args, 1, 5);
        var rowGroup = ScenarioArguments.Option(args, "--row-group", ParquetBatchFileWriter.DefaultRowGroupSize);
        var formatAt = Array.IndexOf(args, "--format");
        var only = formatAt >= 0 && formatAt + 1 < args.Length ? args[formatAt + 1].ToLowerInvariant() : null;
        var table = BenchBatchFile.Table();

        var formats = new List<(string Name, Func<(long Rows, double Checksum)> Read)>();
        if (only is null or "parquet")
        {
            var (path, key) = GetOrCreateParquet(rows, rowGroup);
            var fileParams = ParquetBatchFileWriter.Params(Compression.Zstd, Encryption.Aes);
            Console.WriteLine($"parquet: {path} ({new FileInfo(path).Length / 1e6:F1} MB encrypted, row groups of {rowGroup:N0} rows)");
            formats.Add(("parquet", () =>
            {
                using var reader = ParquetBatchFileReader.Open(path, fileParams, key, table);
                return TouchEveryCell(reader.Read, reader.GetOrdinal, reader.GetInt64, reader.GetDouble, reader.GetBoolean,
                    reader.GetUtcDateTime, o => reader.GetRawUtf8(o).Length, () => reader.RowNumber);
            }));
        }
        if (only is null or "parquetsharp")
        {
            var (path, key) = GetOrCreateParquet(rows, rowGroup);
            var fileParams = ParquetBatchFileWriter.Params(Compression.Zstd, Encryption.Aes);
            formats.Add(("parquetsharp", () => ParquetSharpRead.TouchEveryCell(path, key, fileParams)));
        }
        if (only is null or "csv")
        {
            var (path, key) = BenchBatchFile.GetOrCreate(rows);
            var fileParams = BenchBatchFile.Params();
            Console.WriteLine($"csv:     {path} ({new FileInfo(path).Length / 1e6:F1} MB encrypted)");
            formats.Add(("csv", () =>
            {
                using var reader = BatchFileReader.Open(path, fileParams, key, table);
                return TouchEveryCell(reader.Read, reader.GetOrdinal, reader.GetInt64, reader.GetDouble, reader.GetBoolean,
                    reader.GetUtcDateTime, o => reader.GetRawUtf8(o).Length, () => reader.RowNumber);
            }));
        }

        // Rounds interleave the formats (one read of each per round) so that the machine's changing load hits them alike.
        var checksums = new List<double>();
        foreach (var (_, read) in formats)
        {
            read(); // warm-up: lets tiered JIT reach optimized code first
        }
        var times = formats.Select(_ => new List<double>()).ToArray();
        var cpuTimes = formats.Select(_ => new List<double>()).ToArray();
        var processCpuTimes = formats.Select(_ => new List<double>()).ToArray();
        for (var i = 0; i < iterations; i++)
        {
            for (var f = 0; f < formats.Count; f++)
            {
                var (name, read) = formats[f];
                var cpuStart = ThreadCpuClock.NowSeconds();
                var processCpuStart = ThreadCpuClock.ProcessNowSeconds();
                var watch = Stopwatch.StartNew();
                var (count, checksum) = read();
                watch.Stop();
                cpuTimes[f].Add(ThreadCpuClock.NowSeconds() - cpuStart);
                processCpuTimes[f].Add(ThreadCpuClock.ProcessNowSeconds() - processCpuStart);
                if (count != rows)
                {
                    Console.Error.WriteLine($"{name}: read {count} rows, expected {rows}");
                    return Task.FromResult(1);
                }
                checksums.Add(checksum);
                times[f].Add(watch.Elapsed.TotalSeconds);
            }
        }
        for (var f = 0; f < formats.Count; f++)
        {
            var name = formats[f].Name;
            times[f].Sort();
            cpuTimes[f].Sort();
            var cpu = cpuTimes[f][cpuTimes[f].Count / 2];
            var bestCpu = cpuTimes[f][0];
            processCpuTimes[f].Sort();
            var processCpu = processCpuTimes[f][processCpuTimes[f].Count / 2];
            Console.WriteLine(
                $"{name,-12} best {times[f][0]:F3} s = {rows / times[f][0] / 1e6:F2} M rows/s, median {times[f][times[f].Count / 2]:F3} s = {rows / times[f][times[f].Count / 2] / 1e6:F2} M rows/s;"
                + $" thread CPU median {cpu:F3} s = {cpu / rows * 1e9:F0} ns/row ({rows / cpu / 1e6:F2} M rows/s), best {bestCpu / rows * 1e9:F0} ns/row ({rows / bestCpu / 1e6:F2} M rows/s);"
                + $" process CPU median {processCpu / rows * 1e9:F0} ns/row");
        }
        Console.WriteLine($"peak RSS {PeakRssMiB()} MiB (whole process, all formats)");
        if (ScenarioArguments.Flag(args, "--breakdown") && only is null or "parquet")
        {
            var (path, key) = GetOrCreateParquet(rows, rowGroup);
            ParquetBreakdown.Run(path, key, ParquetBatchFileWriter.Params(Compression.Zstd, Encryption.Aes), table, rows);
        }
        if (ScenarioArguments.Flag(args, "--breakdown") && only is null or "parquetsharp")
        {
            var (path, key) = GetOrCreateParquet(rows, rowGroup);
            ParquetSharpRead.Breakdown(path, key, rows);
        }
        if (checksums.Distinct().Count() != 1)
        {
            Console.Error.WriteLine("the formats gave different cell checksums: " + string.Join(", ", checksums.Distinct()));
            return Task.FromResult(1);
        }
        return Task.FromResult(0);
    }

    /// <summary>Every cell of the benchmark table: typed getters for numbers, booleans and the instant; raw UTF-8 for text.</summary>
    private static (long Rows, double Checksum) TouchEveryCell(Func<bool> read, Func<string, int> ordinal, Func<int, long> getInt64,
        Func<int, double> getDouble, Func<int, bool> getBoolean, Func<int, DateTimeOffset> getUtc, Func<int, int> rawLength, Func<long> rowNumber)
    {
        int id = ordinal("id"), name = ordinal("name"), amount = ordinal("amount"), flag = ordinal("flag"), note = ordinal("note"),
            deleted = ordinal("_fivetran_deleted"), synced = ordinal("_fivetran_synced");
        double checksum = 0;
        long textLength = 0;
        while (read())
        {
            checksum += getInt64(id);
            checksum += getDouble(amount);
            checksum += getBoolean(flag) ? 1 : 0;
            checksum += getBoolean(deleted) ? 1 : 0;
            checksum += getUtc(synced).Millisecond;
            textLength += rawLength(name) + rawLength(note);
        }
        return (rowNumber(), checksum + textLength);
    }

    private static string PeakRssMiB()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        var kib = line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return (kib / 1024).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The benchmark table's rows (exactly BenchBatchFile's) as an AES-encrypted Parquet file, cached with its key.</summary>
    /// <summary>The benchmark table's rows as an AES Parquet file (zstd pages), made once and kept in the temp folder.</summary>
    internal static (string Path, byte[] Key) GetOrCreateParquet(int rows, int rowGroup)
    {
        var folder = Path.Combine(Path.GetTempPath(), "connectorhost-bench");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"batch-v2-{rows}-rg{rowGroup}.parquet.aes");
        var keyPath = path + ".key";
        if (File.Exists(path) && File.Exists(keyPath))
        {
            return (path, File.ReadAllBytes(keyPath));
        }
        using (var writer = ParquetBatchFileWriter.Create(path + ".tmp", ParquetBatchFileWriter.Params(Compression.Zstd, Encryption.Aes),
                   BenchBatchFile.Table(), BenchBatchFile.Columns, rowGroupSize: rowGroup))
        {
            foreach (var row in BenchBatchFile.Rows(rows))
            {
                writer.WriteRow(
                    long.Parse(row[0], CultureInfo.InvariantCulture), row[1], double.Parse(row[2], CultureInfo.InvariantCulture),
                    row[3] == "true", row[4], row[5] == "true", row[6]);
            }
            File.WriteAllBytes(keyPath, writer.Key!);
        }
        File.Move(path + ".tmp", path, overwrite: true);
        return (path, File.ReadAllBytes(keyPath));
    }
}
