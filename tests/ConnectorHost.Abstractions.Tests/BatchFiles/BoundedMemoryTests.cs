using System.Diagnostics;
using ConnectorHost.Abstractions.BatchFiles;
using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using Xunit;

namespace ConnectorHost.Abstractions.Tests.BatchFiles;

[CollectionDefinition(nameof(MemoryMeasurement), DisableParallelization = true)]
public sealed class MemoryMeasurement;

/// <summary>
/// Reading must stay bounded by buffers: a 100 MB CSV (zstd + AES) is read with live managed memory and process
/// memory under 64 MB above the baseline. Buffering the file (or its decrypted form) would keep 100 MB alive.
/// Live memory is measured after a full blocking collection at each sample: garbage awaiting collection depends on
/// when the GC gets the CPU (a busy machine lets it grow well past the budget) and says nothing about the reader.
/// Runs alone so other tests' allocations do not disturb the measurement.
/// </summary>
[Collection(nameof(MemoryMeasurement))]
public sealed class BoundedMemoryTests : IDisposable
{
    private const long CsvBytes = 100L * 1024 * 1024;
    private const long Budget = 64L * 1024 * 1024;

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_100_MB_file_is_read_with_bounded_memory()
    {
        var path = _temp.File("big.csv.zst.aes");
        var fileParams = BatchFileWriter.Params(Compression.Zstd, Encryption.Aes);
        var (key, rowsWritten, csvBytes) = WriteBigFile(path, fileParams);
        Assert.True(csvBytes >= CsvBytes);
        var table = new Table
        {
            Name = "big",
            Columns =
            {
                new Column { Name = "id", Type = DataType.Long, PrimaryKey = true },
                new Column { Name = "payload", Type = DataType.String },
                new Column { Name = "amount", Type = DataType.Double },
            },
        };

        using var process = Process.GetCurrentProcess();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var managedBaseline = GC.GetTotalMemory(forceFullCollection: true);
        process.Refresh();
        var processBaseline = process.PrivateMemorySize64;
        long managedPeak = 0, processPeak = 0, rows = 0, checksum = 0;

        using (var reader = BatchFileReader.Open(path, fileParams, key, table))
        {
            while (reader.Read())
            {
                rows++;
                checksum += reader.GetInt64(0) + reader.GetRawUtf8(1).Length + (long)reader.GetDouble(2);
                if (rows % 20_000 == 0)
                {
                    GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                    managedPeak = Math.Max(managedPeak, GC.GetTotalMemory(forceFullCollection: false) - managedBaseline);
                    process.Refresh();
                    processPeak = Math.Max(processPeak, process.PrivateMemorySize64 - processBaseline);
                }
            }
        }

        Assert.Equal(rowsWritten, rows);
        Assert.True(checksum > 0);
        Assert.True(managedPeak < Budget, $"managed memory grew by {managedPeak / 1e6:F1} MB while reading");
        Assert.True(processPeak < Budget, $"process private memory grew by {processPeak / 1e6:F1} MB while reading");
    }

    private (byte[] Key, long Rows, long CsvBytes) WriteBigFile(string path, FileParams fileParams)
    {
        // Each row has a different 160-character payload so the CSV stays 100 MB; zstd shrinks it on disk.
        var payload = string.Concat(Enumerable.Range(0, 16).Select(i => $"chunk{i:D2}-{i * 7919 % 1000:D3}"));
        long rows = 0, bytes = 0;
        using var writer = BatchFileWriter.Create(path, fileParams, ["id", "payload", "amount"]);
        while (bytes < CsvBytes)
        {
            var row = new[] { rows.ToString(), payload + rows, (rows * 0.25).ToString(System.Globalization.CultureInfo.InvariantCulture) };
            writer.WriteRawRow(row);
            bytes += row.Sum(c => c.Length) + 3;
            rows++;
        }
        return (writer.Key!, rows, bytes);
    }
}
