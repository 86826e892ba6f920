using ConnectorHost.Testing.BatchFiles;
using ConnectorHost.Testing.Processes;
using FivetranSdk.V2;
using SqliteDestination.Tests.Support;
using Xunit;
using static SqliteDestination.Tests.Support.DestinationHarness;

namespace SqliteDestination.Tests;

public sealed class SafetyTests : IDisposable
{
    private readonly DestinationHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task Concurrent_batches_on_different_tables_and_reads_lose_nothing()
    {
        var tables = new List<Table>();
        for (var t = 0; t < 4; t++)
        {
            tables.Add(await _h.CreateAsync(Table($"c{t}", Col("id", DataType.Long, pk: true), Col("v", DataType.String))));
        }

        // 4 tables x 10 batches x 500 rows, all started at once, with DescribeTable calls in between.
        var requests = new List<WriteBatchRequest>();
        for (var t = 0; t < tables.Count; t++)
        {
            for (var b = 0; b < 10; b++)
            {
                var rows = Enumerable.Range(b * 500, 500).Select(i => new object?[] { (long)i, $"t{t}-{i}" }).ToArray();
                requests.Add(_h.Batch(tables[t], replace: [_h.File(["id", "v"], rows)]));
            }
        }

        var writes = requests.Select(r => Task.Run(() => _h.Connector.WriteBatchAsync(r, default)));
        var reads = Enumerable.Range(0, 20).Select(i => Task.Run(() => _h.DescribeAsync($"c{i % 4}")));
        await Task.WhenAll(writes.Cast<Task>().Concat(reads));

        for (var t = 0; t < tables.Count; t++)
        {
            var rows = _h.Rows($"c{t}", "id, v", "id");
            Assert.Equal(5000, rows.Count);
            Assert.Equal(Enumerable.Range(0, 5000).Select(i => $"t{t}-{i}"), rows.Select(r => (string)r[1]!));
        }

        using var connection = _h.OpenDatabase();
        using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", check.ExecuteScalar());
    }

    [Fact]
    public async Task A_process_killed_in_the_middle_of_a_batch_leaves_the_database_consistent_and_unchanged()
    {
        var table = await _h.CreateAsync(CrashWriterProgram.CrashTable());
        await _h.WriteAsync(table, replace: [_h.File(["id", "note"], Enumerable.Range(0, 1000).Select(i => new object?[] { (long)i, $"before-{i}" }).ToArray())]);
        var before = _h.Snapshot();

        // Big enough that SQLite must spill dirty pages to the WAL long before it could commit.
        var note = new string('x', 400);
        var path = Path.Combine(_h.Directory, "huge.csv.zst.aes");
        string key;
        using (var writer = BatchFileWriter.Create(path, _h.FileParams, ["id", "note"]))
        {
            for (var i = 0; i < 600_000; i++)
            {
                writer.WriteRawRow([i.ToString(System.Globalization.CultureInfo.InvariantCulture), note]);
            }

            key = Convert.ToBase64String(writer.Key!);
        }

        var walPath = _h.DatabasePath + "-wal";
        var walBefore = File.Exists(walPath) ? new FileInfo(walPath).Length : 0;
        var walAtKill = -1L;
        var start = ChildProcess.Start("dotnet", "exec", typeof(CrashWriterProgram).Assembly.Location, "crash-writer", Path.GetDirectoryName(_h.DatabasePath)!, path, key);
        // The plugin reports progress inside its transaction: once 200,000 rows are applied (uncommitted), SIGKILL it
        // (no cleanup, no rollback by the process itself).
        var result = await ChildProcess.RunAsync(start, TimeSpan.FromMinutes(3), (child, line) =>
        {
            if (walAtKill < 0 && line.StartsWith("Applied 200000 rows", StringComparison.Ordinal))
            {
                walAtKill = File.Exists(walPath) ? new FileInfo(walPath).Length : 0;
                child.Kill();
            }
        });

        Assert.True(walAtKill >= 0, $"the writer never reported 200,000 applied rows: {result}");
        Assert.DoesNotContain("committed", result.Output.Split('\n').Select(l => l.Trim()));
        // Uncommitted pages had been spilled into the WAL (the small page cache forces it): recovery must ignore them.
        Assert.True(walAtKill > walBefore + 8 * 1024 * 1024, $"expected uncommitted frames in the WAL (before {walBefore}, at kill {walAtKill})");

        using (var connection = _h.OpenDatabase())
        using (var check = connection.CreateCommand())
        {
            check.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", check.ExecuteScalar());
        }

        Assert.Equal(before, _h.Snapshot());
        // And the destination keeps working on the recovered file.
        await _h.WriteAsync(table, replace: [_h.File(["id", "note"], [5000L, "after"])]);
        Assert.Equal(1001, _h.Rows("crash", "id", "id").Count);
    }
}
