using System.Globalization;
using System.Diagnostics;
using ConnectorHost.Abstractions.BatchFiles;
using ConnectorHost.Abstractions.BatchFiles.Crypto;
using ConnectorHost.Abstractions.BatchFiles.Decompression;

namespace ConnectorHost.Benchmarks.BatchFiles;

/// <summary>
/// read-batch-file [rows] [iterations]: reads the 1,000,000-row AES+zstd batch file touching every cell (typed
/// getters for numbers, booleans and the timestamp; raw UTF-8 or strings for text) and prints rows/s and MB/s.
/// Also times `openssl enc -d | zstd -d` on the same file for scale when both tools are installed.
/// </summary>
public sealed class ReadBatchFileScenario : IScenario
{
    public string Name => "read-batch-file";

    public string Description => "Read a 1,000,000-row AES-256-CBC + zstd CSV batch file, all cells touched (rows/s, MB/s)";

    public Task<int> RunAsync(string[] args)
    {
        // [rows] [iterations] [--breakdown]
        var rows = ScenarioArguments.Number(args, 0, 1_000_000);
        var iterations = ScenarioArguments.Number(args, 1, 5);
        var (path, key) = BenchBatchFile.GetOrCreate(rows);
        var fileParams = BenchBatchFile.Params();
        var table = BenchBatchFile.Table();
        var csvBytes = MeasureCsvBytes(path, key);
        Console.WriteLine($"file: {path} ({new FileInfo(path).Length / 1e6:F1} MB encrypted, {csvBytes / 1e6:F1} MB CSV, {rows:N0} rows)");

        var decodeTimes = new List<double>();
        var sink = new byte[256 * 1024];
        for (var i = 0; i < iterations; i++)
        {
            var watch = Stopwatch.StartNew();
            using (var stream = new ZstdDecompressingStream(new AesCbcDecryptingStream(File.OpenRead(path), key)))
            {
                while (stream.Read(sink) > 0)
                {
                }
            }
            decodeTimes.Add(watch.Elapsed.TotalSeconds);
        }
        Console.WriteLine($"{"decrypt+zstd only",-22} best {decodeTimes.Min():F3} s (no CSV parsing)");

        foreach (var (mode, strings) in new[] { ("rows only, no cell", (bool?)null), ("raw UTF-8 text cells", false), ("string text cells", true) })
        {
            var times = new List<double>();
            var cpuTimes = new List<double>();
            ReadAll(path, key, fileParams, table, strings); // warm-up: lets tiered JIT reach optimized code first
            for (var i = 0; i < iterations; i++)
            {
                var cpuStart = ThreadCpuClock.NowSeconds();
                var watch = Stopwatch.StartNew();
                var (count, checksum) = ReadAll(path, key, fileParams, table, strings);
                watch.Stop();
                cpuTimes.Add(ThreadCpuClock.NowSeconds() - cpuStart);
                if (count != rows)
                {
                    Console.Error.WriteLine($"read {count} rows, expected {rows}");
                    return Task.FromResult(1);
                }
                times.Add(watch.Elapsed.TotalSeconds);
                GC.KeepAlive(checksum);
            }
            times.Sort();
            var best = times[0];
            var median = times[times.Count / 2];
            cpuTimes.Sort();
            var cpu = cpuTimes[cpuTimes.Count / 2];
            Console.WriteLine(
                $"{mode,-22} wall: best {best:F3} s = {rows / best / 1e6:F2} M rows/s ({csvBytes / best / 1e6:F0} MB/s CSV), median {median:F3} s = {rows / median / 1e6:F2} M rows/s;"
                + $" thread CPU: median {cpu:F3} s = {rows / cpu / 1e6:F2} M rows/s");
        }

        if (ScenarioArguments.Flag(args, "--breakdown"))
        {
            Breakdown(path, key, fileParams, table, rows);
        }
        TimeCommandLineTools(path, key);
        return Task.FromResult(0);
    }

    private static (long Rows, double Checksum) ReadAll(string path, byte[] key, FivetranSdk.V2.FileParams fileParams, FivetranSdk.V2.Table table, bool? strings)
    {
        using var reader = BatchFileReader.Open(path, fileParams, key, table);
        int id = reader.GetOrdinal("id"), name = reader.GetOrdinal("name"), amount = reader.GetOrdinal("amount"),
            flag = reader.GetOrdinal("flag"), note = reader.GetOrdinal("note"), deleted = reader.GetOrdinal("_fivetran_deleted"),
            synced = reader.GetOrdinal("_fivetran_synced");
        double checksum = 0;
        long textLength = 0;
        if (strings is null)
        {
            while (reader.Read())
            {
            }
            return (reader.RowNumber, 0);
        }
        while (reader.Read())
        {
            checksum += reader.GetInt64(id);
            checksum += reader.GetDouble(amount);
            checksum += reader.GetBoolean(flag) ? 1 : 0;
            checksum += reader.GetBoolean(deleted) ? 1 : 0;
            checksum += reader.GetUtcDateTime(synced).Millisecond;
            if (strings.Value)
            {
                textLength += reader.GetString(name).Length + reader.GetString(note).Length;
            }
            else
            {
                textLength += reader.GetRawUtf8(name).Length + reader.GetRawUtf8(note).Length;
            }
        }
        return (reader.RowNumber, checksum + textLength);
    }

    /// <summary>Time of each getter alone on top of bare row reading (best of 3), to see where the time goes.</summary>
    private static void Breakdown(string path, byte[] key, FivetranSdk.V2.FileParams fileParams, FivetranSdk.V2.Table table, int rows)
    {
        var getters = new (string Name, Func<BatchFileReader, double> Touch)[]
        {
            ("none", _ => 0),
            ("GetInt64(id)", r => r.GetInt64(0)),
            ("GetDouble(amount)", r => r.GetDouble(2)),
            ("GetBoolean x2", r => (r.GetBoolean(3) ? 1 : 0) + (r.GetBoolean(5) ? 1 : 0)),
            ("GetUtcDateTime", r => r.GetUtcDateTime(6).Ticks),
            ("GetRawUtf8 x2", r => r.GetRawUtf8(1).Length + r.GetRawUtf8(4).Length),
            ("GetString x2", r => r.GetString(1).Length + r.GetString(4).Length),
        };
        foreach (var (name, touch) in getters)
        {
            var best = double.MaxValue;
            for (var i = 0; i < 4; i++)
            {
                var watch = Stopwatch.StartNew();
                using var reader = BatchFileReader.Open(path, fileParams, key, table);
                double sum = 0;
                while (reader.Read())
                {
                    sum += touch(reader);
                }
                GC.KeepAlive(sum);
                best = i == 0 ? best : Math.Min(best, watch.Elapsed.TotalSeconds);
            }
            Console.WriteLine($"  {name,-20} {best:F3} s ({best / rows * 1e9:F0} ns/row)");
        }
    }

    /// <summary>The exact CSV size: decrypted and decompressed through the reader's own layers, nothing kept.</summary>
    private static long MeasureCsvBytes(string path, byte[] key)
    {
        using var stream = new ZstdDecompressingStream(new AesCbcDecryptingStream(File.OpenRead(path), key));
        var buffer = new byte[256 * 1024];
        long bytes = 0;
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            bytes += read;
        }
        return bytes;
    }

    private static void TimeCommandLineTools(string path, byte[] key)
    {
        if (!File.Exists("/usr/bin/openssl") || !File.Exists("/usr/bin/zstd"))
        {
            return;
        }
        var bytes = File.ReadAllBytes(path);
        var body = path + ".body";
        File.WriteAllBytes(body, bytes[16..]);
        var iv = Convert.ToHexString(bytes, 0, 16);
        var command = $"openssl enc -d -aes-256-cbc -K {Convert.ToHexString(key)} -iv {iv} -in '{body}' | zstd -d -q -c > /dev/null";
        try
        {
            var best = double.MaxValue;
            for (var i = 0; i < 3; i++)
            {
                var watch = Stopwatch.StartNew();
                using var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", command]))!;
                process.WaitForExit();
                watch.Stop();
                best = Math.Min(best, watch.Elapsed.TotalSeconds);
            }
            Console.WriteLine($"openssl enc -d | zstd -d (no CSV parsing): best {best:F3} s");
        }
        finally
        {
            File.Delete(body);
        }
    }
}
