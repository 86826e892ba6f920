using System.Diagnostics;
using ConnectorHost.Abstractions.BatchFiles;
using ConnectorHost.Abstractions.BatchFiles.Crypto;
using ConnectorHost.Abstractions.BatchFiles.Parquet;
using FivetranSdk.V2;
using Parquet;

namespace ConnectorHost.Benchmarks.BatchFiles;

/// <summary>
/// read-parquet-batch-file --breakdown: where a Parquet read's time goes, layer by layer (best of 4, first run
/// dropped as warm-up): decryption alone, the file's pages as Parquet.Net sees them (each column through Parquet.Net,
/// which the reader no longer uses: for comparison), then the reader's (ParquetSharp's) rows with no cell touched and
/// each getter on top.
/// </summary>
internal static class ParquetBreakdown
{
    public static void Run(string path, byte[] key, FileParams fileParams, Table table, int rows)
    {
        Console.WriteLine("parquet breakdown (best of 3 after a warm-up):");
        var buffer = new byte[1 << 20];
        Time("decrypt only (1 MiB reads)", rows, () =>
        {
            using var stream = new SeekableAesCbcStream(File.OpenRead(path), key);
            long total = 0;
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                total += read;
            }
            return total;
        });
        DescribeFile(path, key);
        ColumnDecode(path, key, rows);
        var getters = new (string Name, Func<ParquetBatchFileReader, double> Touch)[]
        {
            ("rows, no cell", _ => 0),
            ("+ GetInt64(id)", r => r.GetInt64(0)),
            ("+ GetDouble(amount)", r => r.GetDouble(2)),
            ("+ GetBoolean x2", r => (r.GetBoolean(3) ? 1 : 0) + (r.GetBoolean(5) ? 1 : 0)),
            ("+ GetUtcDateTime", r => r.GetUtcDateTime(6).Ticks),
            ("+ GetRawUtf8 x2", r => r.GetRawUtf8(1).Length + r.GetRawUtf8(4).Length),
            ("+ GetString x2", r => r.GetString(1).Length + r.GetString(4).Length),
        };
        foreach (var (name, touch) in getters)
        {
            Time(name, rows, () =>
            {
                using var reader = ParquetBatchFileReader.Open(path, fileParams, key, table);
                double sum = 0;
                while (reader.Read())
                {
                    sum += touch(reader);
                }
                return sum;
            });
        }
    }

    internal static void Time(string name, int rows, Func<double> work)
    {
        var best = double.MaxValue;
        var bestCpu = double.MaxValue;
        for (var i = 0; i < 4; i++)
        {
            var cpuStart = ThreadCpuClock.NowSeconds();
            var watch = Stopwatch.StartNew();
            GC.KeepAlive(work());
            var wall = watch.Elapsed.TotalSeconds;
            var cpu = ThreadCpuClock.NowSeconds() - cpuStart;
            if (i > 0)
            {
                best = Math.Min(best, wall);
                bestCpu = Math.Min(bestCpu, cpu);
            }
        }
        Console.WriteLine($"  {name,-28} wall {best:F3} s ({best / rows * 1e9:F0} ns/row), thread CPU {bestCpu:F3} s ({bestCpu / rows * 1e9:F0} ns/row)");
    }

    /// <summary>Each column alone through Parquet.Net's ReadRawAsync (text also as UTF-8 bytes, through a byte[] field of the same path).</summary>
    private static void ColumnDecode(string path, byte[] key, int rows)
    {
        using var probe = new SeekableAesCbcStream(File.OpenRead(path), key);
        var probeReader = ParquetReader.CreateAsync(probe, leaveStreamOpen: true).GetAwaiter().GetResult();
        var fields = probeReader.Schema.DataFields;
        probeReader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        foreach (var field in fields)
        {
            var asBytes = field.ClrType == typeof(ReadOnlyMemory<char>) ? new[] { false, true } : new[] { false };
            foreach (var bytes in asBytes)
            {
                var readField = bytes ? new Parquet.Schema.ParquetSchema(new Parquet.Schema.DataField<byte[]>(field.Name, field.IsNullable)).DataFields[0] : field;
                Time($"Parquet.Net {field.Name}{(bytes ? " as bytes" : "")}", rows, () =>
                {
                    using var stream = new SeekableAesCbcStream(File.OpenRead(path), key);
                    var parquet = ParquetReader.CreateAsync(stream, leaveStreamOpen: true).GetAwaiter().GetResult();
                    var levels = new int[rows];
                    long total = 0;
                    for (var g = 0; g < parquet.RowGroupCount; g++)
                    {
                        using var group = parquet.OpenRowGroupReader(g);
                        var n = (int)group.RowCount;
                        Memory<int>? dl = readField.MaxDefinitionLevel > 0 ? levels.AsMemory(0, n) : null;
                        if (readField.ClrType == typeof(long)) group.ReadRawAsync(readField, new long[n].AsMemory(), dl, null).AsTask().GetAwaiter().GetResult();
                        else if (readField.ClrType == typeof(double)) group.ReadRawAsync(readField, new double[n].AsMemory(), dl, null).AsTask().GetAwaiter().GetResult();
                        else if (readField.ClrType == typeof(bool)) group.ReadRawAsync(readField, new bool[n].AsMemory(), dl, null).AsTask().GetAwaiter().GetResult();
                        else if (readField.ClrType == typeof(ReadOnlyMemory<char>)) group.ReadRawAsync(readField, new ReadOnlyMemory<char>[n].AsMemory(), dl, null).AsTask().GetAwaiter().GetResult();
                        else group.ReadRawAsync(readField, new ReadOnlyMemory<byte>[n].AsMemory(), dl, null).AsTask().GetAwaiter().GetResult();
                        total += n;
                    }
                    parquet.DisposeAsync().AsTask().GetAwaiter().GetResult();
                    return total;
                });
            }
        }
    }

    /// <summary>Row groups, and each column chunk's codec, encodings and sizes (first row group).</summary>
    private static void DescribeFile(string path, byte[] key)
    {
        using var stream = new SeekableAesCbcStream(File.OpenRead(path), key);
        var parquet = ParquetReader.CreateAsync(stream, leaveStreamOpen: true).GetAwaiter().GetResult();
        Console.WriteLine($"  {parquet.RowGroupCount} row groups; first one's column chunks:");
        using var group = parquet.OpenRowGroupReader(0);
        foreach (var chunk in group.RowGroup.Columns)
        {
            var meta = chunk.MetaData!;
            Console.WriteLine(
                $"    {string.Join('.', meta.PathInSchema),-18} {meta.Type,-10} {meta.Codec,-6} [{string.Join(",", meta.Encodings)}] "
                + $"{meta.TotalCompressedSize / 1024.0:F0} KiB compressed, {meta.TotalUncompressedSize / 1024.0:F0} KiB plain, dictionary page {(meta.DictionaryPageOffset is > 0 ? "yes" : "no")}");
        }
    }
}
