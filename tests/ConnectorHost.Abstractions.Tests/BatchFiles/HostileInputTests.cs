using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using ConnectorHost.Abstractions.BatchFiles;
using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using Google.Protobuf;
using Xunit;

namespace ConnectorHost.Abstractions.Tests.BatchFiles;

/// <summary>
/// Issue 14: paths and bytes an attacker or an unlucky operator could hand the reader. Each failure is a
/// BatchFileException naming the file, with no file content beyond a short escaped excerpt.
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    private static readonly FileParams Plain = BatchFileWriter.Params(Compression.Off, Encryption.None);
    private static readonly Dictionary<string, ByteString> NoKeys = new();
    private readonly BatchFileFixture _files = new();

    public void Dispose() => _files.Dispose();

    private static BatchFileException ReadFails(string path, FileParams fileParams, IReadOnlyDictionary<string, ByteString> keys, Table table, int maxRowBytes = BatchFileReader.DefaultMaxRowBytes) =>
        Assert.Throws<BatchFileException>(() =>
        {
            using var reader = BatchFileReader.Open(path, fileParams, keys, table, maxRowBytes);
            while (reader.Read())
            {
            }
        });

    // --- item 1: no file content in messages ---

    [Fact]
    public void A_file_whose_first_line_is_not_a_header_is_described_by_shape_not_quoted()
    {
        var path = _files.NewPath();
        File.WriteAllText(path, "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n");
        foreach (var table in new[] { Tables.Strings("id", "v"), KeylessTable("v") })
        {
            var error = ReadFails(path, Plain, NoKeys, table);
            Assert.Equal(ConnectorErrorKind.InvalidArgument, error.Kind);
            Assert.Equal($"batch file '{path}': the first row is not a CSV header of table 't': it has 1 cell (31 bytes) and names none of the table's columns",
                error.Message);
        }
    }

    [Fact]
    public void The_real_etc_passwd_named_as_a_batch_file_is_not_quoted()
    {
        Assert.True(File.Exists("/etc/passwd"), "this test runs on Linux");
        var error = ReadFails("/etc/passwd", Plain, NoKeys, Tables.Strings("id", "v"));
        Assert.StartsWith("batch file '/etc/passwd': the first row is not a CSV header of table 't'", error.Message);
        Assert.DoesNotContain("root", error.Message);
        Assert.DoesNotContain(":x:", error.Message);
    }

    [Fact]
    public void A_plausible_header_is_quoted_only_as_a_short_escaped_excerpt()
    {
        var table = Tables.Strings("id", "v");
        table.Columns.Add(new Column { Name = "k2", Type = DataType.String, PrimaryKey = true });
        var longName = "secret\u0001" + new string('s', 500);
        var (path, keys) = _files.Write($"id,v,\"{longName}\"\n1,a,b\n", Plain);
        var error = ReadFails(path, Plain, keys, table);
        Assert.Contains("the header has no column 'k2'", error.Message);
        Assert.Contains("(header: 'id, v, secret\\u0001sss", error.Message);
        Assert.DoesNotContain(new string('s', 200), error.Message);
        Assert.DoesNotContain("\u0001", error.Message);
    }

    [Fact]
    public void A_header_column_name_in_a_message_is_escaped_and_cut()
    {
        var name = "v\nINJECTED LOG LINE" + new string('x', 300);
        var (path, keys) = _files.Write($"id,\"{name}\",\"{name}\"\n1,a,b\n", Plain);
        var error = Assert.Throws<BatchFileException>(() => BatchFileReader.Open(path, Plain, keys, Tables.Strings("id", "v")).Dispose());
        Assert.Contains("column 'v\\nINJECTED LOG LINExxx", error.Message);
        Assert.DoesNotContain("\n", error.Message);
        Assert.True(error.Message.Length < 400, error.Message);
    }

    [Fact]
    public void A_control_character_after_a_closing_quote_is_escaped()
    {
        var (path, keys) = _files.Write("id,v\n1,\"a\"\u001b[31m\n", Plain);
        var error = ReadFails(path, Plain, keys, Tables.Strings("id", "v"));
        Assert.Contains("unexpected character '\\u001b' after the closing quote", error.Message);
        Assert.DoesNotContain("\u001b", error.Message);
    }

    // --- item 2: only regular files are opened ---

    [Fact]
    public async Task A_fifo_is_refused_without_opening_it()
    {
        var path = Path.Combine(_files.Folder, "batch.fifo");
        using (var mkfifo = Process.Start("mkfifo", [path]))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }
        // Opening a FIFO with no writer blocks forever: the refusal must come without an open.
        var error = await Task.Run(() => Assert.Throws<BatchFileException>(() => BatchFileReader.Open(path, Plain, NoKeys, Tables.Strings("id", "v")).Dispose()))
            .WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal($"batch file '{path}': the path is a FIFO (named pipe), not a regular file; a batch file must be a regular file", error.Message);
        Assert.Equal(ConnectorErrorKind.InvalidArgument, error.Kind);
    }

    [Theory]
    [InlineData("/dev/zero", "a character device")]
    [InlineData("/dev/null", "a character device")]
    [InlineData("/proc/self/environ", "a kernel pseudo-file (/proc/)")]
    [InlineData("/proc/self/status", "a kernel pseudo-file (/proc/)")]
    [InlineData("/tmp", "a directory")]
    public void Devices_directories_and_proc_entries_are_refused_naming_what_they_are(string path, string what)
    {
        foreach (var fileParams in new[] { Plain, BatchFileWriter.Params(Compression.Gzip, Encryption.None), BatchFileWriter.Params(Compression.Zstd, Encryption.Aes) })
        {
            var keys = new Dictionary<string, ByteString> { [path] = ByteString.CopyFrom(new byte[32]) };
            var error = Assert.Throws<BatchFileException>(() => BatchFileReader.Open(path, fileParams, keys, Tables.Strings("id", "v")).Dispose());
            Assert.Equal($"batch file '{path}': the path is {what}, not a regular file; a batch file must be a regular file", error.Message);
        }
    }

    [Fact]
    public void A_symlink_to_a_proc_entry_is_refused()
    {
        var link = Path.Combine(_files.Folder, "innocent.csv");
        File.CreateSymbolicLink(link, "/proc/self/environ");
        var error = Assert.Throws<BatchFileException>(() => BatchFileReader.Open(link, Plain, NoKeys, Tables.Strings("id", "v")).Dispose());
        Assert.Equal($"batch file '{link}': the path is a kernel pseudo-file (/proc/), not a regular file; a batch file must be a regular file", error.Message);
    }

    // --- item 5: a cut compressed stream is an error, never short data ---

    public static TheoryData<Compression, Encryption, double> Cuts()
    {
        var data = new TheoryData<Compression, Encryption, double>();
        foreach (var compression in new[] { Compression.Gzip, Compression.Zstd })
        {
            foreach (var encryption in new[] { Encryption.None, Encryption.Aes })
            {
                foreach (var cut in new[] { 0.3, 0.6, 0.99 })
                {
                    data.Add(compression, encryption, cut);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cuts))]
    public void A_compressed_stream_cut_short_is_an_error_naming_the_file(Compression compression, Encryption encryption, double keep)
    {
        // The compressed bytes are cut, then (for AES) encrypted whole: the AES layer is intact, only the stream inside ends early.
        var csv = "id,v\n" + string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{i},row {i} {i * 7919 % 10007}\n"));
        var compressed = Compress(compression, Encoding.UTF8.GetBytes(csv));
        var cut = compressed[..(int)(compressed.Length * keep)];
        var path = _files.NewPath();
        var fileParams = BatchFileWriter.Params(compression, encryption);
        var keys = new Dictionary<string, ByteString>();
        if (encryption == Encryption.Aes)
        {
            var key = DeterministicFiles.Key(7);
            using var aes = System.Security.Cryptography.Aes.Create();
            aes.Key = key;
            var iv = new byte[16];
            File.WriteAllBytes(path, [.. iv, .. aes.EncryptCbc(cut, iv)]);
            keys[path] = ByteString.CopyFrom(key);
        }
        else
        {
            File.WriteAllBytes(path, cut);
        }

        var error = ReadFails(path, fileParams, keys, Tables.Strings("id", "v"));
        Assert.Equal(ConnectorErrorKind.InvalidArgument, error.Kind);
        Assert.StartsWith($"batch file '{path}'", error.Message);
        Assert.Contains(compression == Compression.Gzip
            ? "the gzip data ends before its end-of-stream trailer (truncated file)"
            : "the zstd data ends in the middle of a frame (truncated file)", error.Message);
    }

    [Theory]
    [InlineData(Compression.Gzip)]
    [InlineData(Compression.Zstd)]
    public void A_whole_compressed_stream_reads_every_row(Compression compression)
    {
        var csv = "id,v\n" + string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{i},row {i}\n"));
        var path = _files.NewPath();
        File.WriteAllBytes(path, Compress(compression, Encoding.UTF8.GetBytes(csv)));
        using var reader = BatchFileReader.Open(path, BatchFileWriter.Params(compression, Encryption.None), NoKeys, Tables.Strings("id", "v"));
        var rows = 0;
        while (reader.Read())
        {
            Assert.Equal($"row {rows}", reader.GetString(1));
            rows++;
        }
        Assert.Equal(20_000, rows);
    }

    [Theory]
    [InlineData(Compression.Gzip, "the gzip data is empty (no gzip header)")]
    [InlineData(Compression.Zstd, "the zstd data is empty (no zstd frame)")]
    public void An_empty_compressed_file_is_an_error(Compression compression, string problem)
    {
        var path = _files.NewPath();
        File.WriteAllBytes(path, []);
        var error = ReadFails(path, BatchFileWriter.Params(compression, Encryption.None), NoKeys, Tables.Strings("id", "v"));
        Assert.Equal($"batch file '{path}': the header row cannot be read: {problem}", error.Message);
    }

    private static byte[] Compress(Compression compression, byte[] data)
    {
        var output = new MemoryStream();
        using (Stream stream = compression == Compression.Gzip
                   ? new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)
                   : new ZstdSharp.CompressionStream(output, 3, leaveOpen: true))
        {
            stream.Write(data);
        }
        return output.ToArray();
    }

    // --- item 9: bounded rows ---

    [Fact]
    public void A_row_beyond_the_limit_is_refused_naming_the_row_and_the_limit()
    {
        var (path, keys) = _files.Write($"id,v\n1,short\n2,{new string('x', 5000)}\n3,c\n", Plain);
        using var reader = BatchFileReader.Open(path, Plain, keys, Tables.Strings("id", "v"), maxRowBytes: 1024);
        Assert.True(reader.Read());
        Assert.Equal("short", reader.GetString(1));
        var error = Assert.Throws<BatchFileException>(() => reader.Read());
        Assert.Equal($"batch file '{path}', row 2: the row is longer than the limit of 1,024 bytes per row", error.Message);
        Assert.Equal(ConnectorErrorKind.InvalidArgument, error.Kind);
    }

    [Fact]
    public void A_row_at_the_limit_is_read()
    {
        var value = new string('x', 1024 - "2,\n".Length);
        var (path, keys) = _files.Write($"id,v\n1,a\n2,{value}\n", Plain);
        using var reader = BatchFileReader.Open(path, Plain, keys, Tables.Strings("id", "v"), maxRowBytes: 1024);
        Assert.True(reader.Read());
        Assert.True(reader.Read());
        Assert.Equal(value, reader.GetString(1));
        Assert.False(reader.Read());
    }

    [Fact]
    public void A_huge_row_is_refused_without_buffering_it()
    {
        // 32 MiB in one cell (compressed to almost nothing) against a 1 MiB limit: the reader stops at the limit.
        var path = _files.NewPath();
        using (var writer = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        {
            writer.Write("id,v\n1,"u8);
            var chunk = new byte[1 << 20];
            chunk.AsSpan().Fill((byte)'y');
            for (var i = 0; i < 32; i++)
            {
                writer.Write(chunk);
            }
            writer.Write("\n"u8);
        }
        var fileParams = BatchFileWriter.Params(Compression.Gzip, Encryption.None);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = ReadFails(path, fileParams, NoKeys, Tables.Strings("id", "v"), maxRowBytes: 1 << 20);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(1, error.Row);
        Assert.Contains("the row is longer than the limit of 1,048,576 bytes per row", error.Message);
        Assert.True(allocated < 8L << 20, $"reading allocated {allocated:N0} bytes; the row buffer should stop near the 1 MiB limit");
    }

    private static Table KeylessTable(params string[] columns)
    {
        var table = new Table { Name = "t" };
        foreach (var column in columns)
        {
            table.Columns.Add(new Column { Name = column, Type = DataType.String });
        }
        return table;
    }
}
