using FivetranSdk.V2;
using Xunit;
using static SqliteDestination.Tests.Hardening.PluginUnderTest;

namespace SqliteDestination.Tests.Hardening;

/// <summary>Counts the process's file descriptors; runs alone so no other test's databases open or close meanwhile.</summary>
[CollectionDefinition(nameof(FileDescriptorCounting), DisableParallelization = true)]
public sealed class FileDescriptorCounting;

/// <summary>Issue 14 item 4: no sequence of calls can exhaust file descriptors.</summary>
[Collection(nameof(FileDescriptorCounting))]
public sealed class OpenDatabaseBoundTests : IDisposable
{
    private readonly PluginUnderTest _p = new();

    public void Dispose() => _p.Dispose();

    [Fact]
    public async Task Many_database_paths_keep_a_bounded_number_of_file_descriptors()
    {
        var table = Table("t", Col("id", DataType.Int, pk: true));
        await _p.CreateAsync(table); // warm up: the first database, SQLite's library, the pool
        var manyFolder = Path.Combine(_p.DataDirectory, "many") + Path.DirectorySeparatorChar;
        for (var i = 0; i < 60; i++)
        {
            _p.Configuration["database_path"] = $"many/db-{i}.db";
            await _p.CreateAsync(table);
            await _p.WriteAsync(table, _p.File(["id"], [i]));
            if (i == 0)
                Assert.NotEmpty(DescriptorsUnder(manyFolder)); // the count below sees the databases it is about
        }
        // Only descriptors on this test's database files count: the test process's own pipes, logs and the
        // runtime's files come and go with the machine's load and say nothing about the plugin. An evicted database
        // is forgotten first and its connections closed right after, on the thread that released it: wait for both.
        await WaitForAsync(() => _p.Connector.KnownDatabaseCount <= 8 && DatabasesWithOpenFiles(manyFolder).Count <= 8,
            () => $"{_p.Connector.KnownDatabaseCount} databases kept, files open for: {string.Join(", ", DatabasesWithOpenFiles(manyFolder))}");
        var open = DescriptorsUnder(manyFolder);
        // Each kept database pools a writer and a checkpoint connection: database, -wal and -shm files each.
        Assert.True(open.Count <= 8 * 2 * 3, $"{open.Count} descriptors open on database files");
        Assert.True(_p.Connector.KnownDatabaseCount <= 8, $"{_p.Connector.KnownDatabaseCount} databases kept");
        // An evicted database opens again on the next call, data intact.
        _p.Configuration["database_path"] = "many/db-0.db";
        await _p.WriteAsync(table, _p.File(["id"], [100]));
        Assert.Equal([[0L], [100L]], _p.Rows("t", "id", "id", Path.Combine(_p.DataDirectory, "many", "db-0.db")));
    }

    private static List<string> DatabasesWithOpenFiles(string folder) =>
        DescriptorsUnder(folder).Select(name => name.Replace("-wal", "").Replace("-shm", "")).Distinct().ToList();

    private static List<string> DescriptorsUnder(string folder)
    {
        var targets = new List<string>();
        foreach (var descriptor in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(descriptor).LinkTarget is { } target && target.StartsWith(folder, StringComparison.Ordinal))
                    targets.Add(Path.GetFileName(target));
            }
            catch (IOException)
            {
                // closed between listing and reading the link
            }
        }
        return targets;
    }

    private static async Task WaitForAsync(Func<bool> condition, Func<string> state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within 30 s: {state()}");
            await Task.Yield();
        }
    }
}
