using System.Text;
using ConnectorHost.Abstractions;
using ConnectorHost.Testing.BatchFiles;
using ConnectorHost.Testing.Grpc;
using ConnectorHost.Testing.Hosting;
using FivetranSdk.V2;
using Microsoft.Data.Sqlite;
using SqliteDestination.Tests.Support;
using Xunit;
using static SqliteDestination.Tests.Support.DestinationHarness;

namespace SqliteDestination.Tests;

/// <summary>
/// Storage promises of the SQLite destination that involve more than the plugin: another process holding the
/// database lock, the host's temp folder, and the background checkpoint.
/// </summary>
public sealed class StorageThroughHostTests : IDisposable
{
    private static readonly DateTimeOffset T1 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Header = ["id", "note", "_fivetran_synced"];
    private readonly string _watched = Directory.CreateTempSubdirectory("sqlite-watched-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_watched, recursive: true);
    }

    private static Table Notes() => Table("notes", Col("id", DataType.Long, pk: true), Col("note", DataType.String), Col("_fivetran_synced", DataType.UtcDatetime));

    private static Task<HostProcess> StartHostAsync(IReadOnlyDictionary<string, string>? environment = null) =>
        HostProcess.StartAsync(new HostConfig
        {
            PluginsDirectory = RepoPaths.PluginsDirectory,
            DestinationPlugin = "SqliteDestination",
            DestinationSettings = new Dictionary<string, string> { ["allowedDatabaseRoots"] = Path.GetTempPath() },
            // Hot reload runs a shadow copy of native libraries; these tests look at the plugin folder's own files.
            HotReload = false,
            Environment = environment ?? new Dictionary<string, string>(),
        });

    [Fact]
    public async Task The_host_runs_the_plugins_own_native_sqlite_from_the_plugin_folder()
    {
        await using var host = await StartHostAsync();
        using var h = new DestinationHarness(new GrpcDestinationConnector(host.DestinationClient));
        await h.CreateAsync(Notes());

        var pluginFolder = Path.Combine(RepoPaths.PluginsDirectory, "SqliteDestination") + Path.DirectorySeparatorChar;
        var mapped = File.ReadLines($"/proc/{host.ProcessId}/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "")
            .Where(path => Path.GetFileName(path).StartsWith("libe_sqlite3", StringComparison.Ordinal))
            .Distinct()
            .ToList();
        var native = Assert.Single(mapped);
        Assert.StartsWith(pluginFolder, native);
    }

    [Fact]
    public async Task A_write_lock_held_by_another_process_fails_the_batch_after_busy_timeout_with_nothing_applied()
    {
        await using var host = await StartHostAsync();
        using var h = new DestinationHarness(new GrpcDestinationConnector(host.DestinationClient));
        h.Configuration["busy_timeout_ms"] = "200";
        var table = await h.CreateAsync(Notes());
        await h.WriteAsync(table, replace: [h.File(Header, [1L, "before", T1])]);
        var before = h.Snapshot();

        // This test process takes SQLite's write lock on the file; the plugin runs in the host process.
        using (var holder = h.OpenDatabase())
        {
            using (var begin = holder.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE";
                begin.ExecuteNonQuery();
            }

            var error = await Assert.ThrowsAsync<ConnectorException>(() =>
                h.Connector.WriteBatchAsync(h.Batch(table, replace: [h.File(Header, [1L, "after", T1], [2L, "new", T1])]), default));
            Assert.Equal(ConnectorErrorKind.Unavailable, error.Kind);
            Assert.Contains(h.DatabasePath, error.Message);
            Assert.Contains("database is locked", error.Message);
        }

        Assert.Equal(before, h.Snapshot());
        // Once the other process lets go, the same batch goes through.
        await h.WriteAsync(table, replace: [h.File(Header, [1L, "after", T1], [2L, "new", T1])]);
        Assert.Equal([new object?[] { 1L, "after" }, new object?[] { 2L, "new" }], h.Rows("notes", "id, note", "id"));
    }

    [Fact]
    public async Task A_write_waits_for_a_lock_that_another_process_releases_within_busy_timeout()
    {
        await using var host = await StartHostAsync();
        using var h = new DestinationHarness(new GrpcDestinationConnector(host.DestinationClient));
        h.Configuration["busy_timeout_ms"] = "60000";
        var table = await h.CreateAsync(Notes());

        var holder = h.OpenDatabase();
        Task write;
        try
        {
            using (var begin = holder.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE";
                begin.ExecuteNonQuery();
            }

            write = h.WriteAsync(table, replace: [h.File(Header, [1L, "waited", T1])]);
            // The stimulus: keep the lock for a second. A plugin that ignored busy_timeout_ms would have failed
            // with "database is locked" by then (a slow machine only makes this check weaker, never wrong).
            await Task.WhenAny(write, Task.Delay(TimeSpan.FromSeconds(1)));
            Assert.False(write.IsCompleted, $"the write ended while another process held the lock: {write.Exception?.InnerException?.Message}");
        }
        finally
        {
            holder.Dispose();
        }

        await write.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal([new object?[] { 1L, "waited" }], h.Rows("notes", "id, note", "id"));
    }

    [Fact]
    public async Task Decrypted_batch_content_never_reaches_a_file()
    {
        // The host's temp folder, its data folder and the harness's (database, batch files) are watched; the unmodified marker appears
        // only in the decrypted CSV (it never lands), so finding it in any file means plaintext was written out.
        var temp = Directory.CreateDirectory(Path.Combine(_watched, "tmp")).FullName;
        // Diagnostics off: the runtime's debugger pipes would otherwise sit in TMPDIR (a FIFO blocks a reader).
        await using var host = await StartHostAsync(new Dictionary<string, string> { ["TMPDIR"] = temp, ["SQLITE_TMPDIR"] = temp, ["DOTNET_EnableDiagnostics"] = "0" });
        using var h = new DestinationHarness(new GrpcDestinationConnector(host.DestinationClient));
        const string marker = "PLAINTEXT-MARKER-3f9c2e71b8d54a06";
        var fileParams = new FileParams
        {
            Compression = Compression.Off,
            Encryption = Encryption.Aes,
            NullString = BatchFileWriter.DefaultNullString,
            UnmodifiedString = marker,
        };
        var table = await h.CreateAsync(Notes());
        await h.WriteAsync(table, replace: [h.File(Header, Enumerable.Range(0, 20_000).Select(i => new object?[] { (long)i, $"note {i}", T1 }).ToArray())]);

        var update = BatchFileWriter.Write(Path.Combine(_watched, "update.csv.aes"), fileParams, Header,
            Enumerable.Range(0, 20_000).Select(i => new object?[] { (long)i, BatchFileWriter.Unmodified, T1.AddDays(1) }));
        var request = h.Batch(table, update: [update.Path]);
        request.FileParams = fileParams;
        request.Keys[update.Path] = update.Key;
        Assert.True((await h.Connector.WriteBatchAsync(request, default)).Success);

        Assert.Equal([new object?[] { 0L, "note 0", "2024-01-02T00:00:00.000Z" }], h.Rows("notes", "id, note, _fivetran_synced", "id").Take(1));
        var needle = Encoding.UTF8.GetBytes(marker);
        foreach (var folder in new[] { _watched, host.Directory, h.Directory })
        {
            // Length 0 also skips pipes and sockets, which hold no bytes (and would block or refuse a read).
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Where(f => new FileInfo(f).Length > 0))
            {
                Assert.False(File.ReadAllBytes(file).AsSpan().IndexOf(needle) >= 0, $"{file} holds decrypted batch content");
            }
        }
    }
}
