using System.Diagnostics;
using System.Text;
using ConnectorHost.Abstractions.BatchFiles;
using ConnectorHost.Abstractions.Tests.BatchFiles;
using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using Xunit;

namespace ConnectorHost.Abstractions.Tests.Parquet;

/// <summary>
/// A Parquet batch file is read one row group at a time through a seekable decrypting stream: memory stays bounded
/// by a row group, and no decrypted byte reaches the disk. Runs alone (memory measurement).
/// </summary>
[Collection(nameof(MemoryMeasurement))]
public sealed class ParquetBoundedReadTests : IDisposable
{
    private const int Rows = 100_000;
    private const int RowGroupSize = 5_000;
    private const int PayloadLength = 200;
    private const long Budget = 24L * 1024 * 1024; // the file's text alone is 20 MB (40 MB as .NET chars)

    private readonly ParquetFixture _files = new();

    public void Dispose() => _files.Dispose();

    private static Table Table() => new()
    {
        Name = "big",
        Columns =
        {
            new Column { Name = "id", Type = DataType.Long, PrimaryKey = true },
            new Column { Name = "payload", Type = DataType.String },
            new Column { Name = "amount", Type = DataType.Double },
        },
    };

    private static IEnumerable<object?[]> BigRows(string? canary = null)
    {
        var random = new Random(2024);
        var chars = new char[PayloadLength];
        for (long i = 0; i < Rows; i++)
        {
            for (var c = 0; c < chars.Length; c++)
            {
                chars[c] = (char)('a' + random.Next(26));
            }
            yield return [i, canary is not null && i % 1000 == 0 ? canary + i : new string(chars), i * 0.25];
        }
    }

    // Run on the thread pool, off the test runner's synchronization context: the library's async calls are waited on
    // synchronously, and the runner's few context threads must never be the ones blocked.
    [Fact]
    public Task A_100k_row_file_is_read_with_memory_bounded_by_a_row_group() => Task.Run(ReadBigFileWithBoundedMemory);

    private void ReadBigFileWithBoundedMemory()
    {
        var fileParams = ParquetBatchFileWriter.Params(Compression.Zstd, Encryption.Aes);
        var (path, keys) = _files.Write(Table(), fileParams, BigRows(), rowGroupSize: RowGroupSize);

        using var process = Process.GetCurrentProcess();
        var managedBaseline = GC.GetTotalMemory(forceFullCollection: true);
        process.Refresh();
        var processBaseline = process.PrivateMemorySize64;
        long managedPeak = 0, processPeak = 0, rows = 0, textBytes = 0;
        double amounts = 0;

        using (var reader = ParquetBatchFileReader.Open(path, fileParams, keys, Table()))
        {
            Assert.Equal(Rows / RowGroupSize, reader.RowGroupCount);
            while (reader.Read())
            {
                Assert.Equal(rows, reader.GetInt64(0));
                textBytes += reader.GetRawUtf8(1).Length;
                amounts += reader.GetDouble(2);
                rows++;
                if (rows % 5_000 == 2_500) // mid-group: the current group is live
                {
                    // The live heap: each row group's decoding garbage is collectable and not what "bounded" is about.
                    managedPeak = Math.Max(managedPeak, GC.GetTotalMemory(forceFullCollection: true) - managedBaseline);
                    process.Refresh();
                    processPeak = Math.Max(processPeak, process.PrivateMemorySize64 - processBaseline);
                }
            }
        }

        Assert.Equal(Rows, rows);
        Assert.Equal((long)Rows * PayloadLength, textBytes);
        Assert.Equal(Enumerable.Range(0, Rows).Sum(i => i * 0.25), amounts);
        Assert.True(managedPeak < Budget, $"managed memory grew by {managedPeak / 1e6:F1} MB while reading");
        Assert.True(processPeak < Budget, $"process private memory grew by {processPeak / 1e6:F1} MB while reading");
    }

    [Fact]
    public Task Reading_writes_no_plaintext_to_the_temp_folder_or_beside_the_file() => Task.Run(ReadWithoutPlaintextOnDisk);

    private void ReadWithoutPlaintextOnDisk()
    {
        var canary = "plaintext-canary-" + Guid.NewGuid().ToString("N");
        var fileParams = ParquetBatchFileWriter.Params(Compression.Off, Encryption.Aes); // uncompressed pages: plaintext would show the canary
        var (path, keys) = _files.Write(Table(), fileParams, BigRows(canary).Take(20_000), rowGroupSize: RowGroupSize);
        var started = DateTime.UtcNow.AddSeconds(-1);
        Assert.False(ContainsCanary(path, canary), "the encrypted file itself must not show the canary");

        var seen = 0;
        using (var reader = ParquetBatchFileReader.Open(path, fileParams, keys, Table()))
        {
            while (reader.Read())
            {
                if (reader.GetString(1).StartsWith(canary, StringComparison.Ordinal))
                {
                    seen++;
                }
            }
        }

        Assert.Equal(20, seen); // the canary really was in the decrypted data
        var written = new[] { Path.GetTempPath(), Path.GetDirectoryName(path)! }
            .SelectMany(FilesIn)
            .Where(f => File.GetLastWriteTimeUtc(f) >= started)
            .Where(f => ContainsCanary(f, canary))
            .ToList();
        Assert.Empty(written);
    }

    private static IEnumerable<string> FilesIn(string folder)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        try
        {
            // Only regular files: other tests leave FIFOs in the temp folder, and opening one blocks until a writer comes.
            return Directory.EnumerateFiles(folder, "*", options).Where(f => FileKind.WhyNotARegularFile(f) is null).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static bool ContainsCanary(string file, string canary)
    {
        var needle = Encoding.UTF8.GetBytes(canary);
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var buffer = new byte[1 << 20];
            var carried = 0;
            int read;
            while ((read = stream.Read(buffer, carried, buffer.Length - carried)) > 0)
            {
                var filled = carried + read;
                if (buffer.AsSpan(0, filled).IndexOf(needle) >= 0)
                {
                    return true;
                }
                carried = Math.Min(needle.Length - 1, filled);
                buffer.AsSpan(filled - carried, carried).CopyTo(buffer);
            }
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // sockets, FIFOs and files gone meanwhile hold no plaintext of ours
        }
    }
}
