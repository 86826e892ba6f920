using FivetranSdk.V2;
using Xunit;
using static SqliteDestination.Tests.Hardening.PluginUnderTest;

namespace SqliteDestination.Tests.Hardening;

/// <summary>Counts the process's file descriptors, so nothing else may open files meanwhile.</summary>
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
        var before = Directory.GetFiles("/proc/self/fd").Length;
        for (var i = 0; i < 60; i++)
        {
            _p.Configuration["database_path"] = $"many/db-{i}.db";
            await _p.CreateAsync(table);
            await _p.WriteAsync(table, _p.File(["id"], [i]));
        }
        await WaitForAsync(() => _p.Connector.KnownDatabaseCount <= 8);
        var after = Directory.GetFiles("/proc/self/fd").Length;
        // 60 databases left open would hold about 180 descriptors; 8 kept (3 each) plus other tests' files hold far fewer.
        Assert.True(after - before < 8 * 3 + 24, $"file descriptors grew from {before} to {after}");
        Assert.True(_p.Connector.KnownDatabaseCount <= 8, $"{_p.Connector.KnownDatabaseCount} databases kept");
        // An evicted database opens again on the next call, data intact.
        _p.Configuration["database_path"] = "many/db-0.db";
        await _p.WriteAsync(table, _p.File(["id"], [100]));
        Assert.Equal([[0L], [100L]], _p.Rows("t", "id", "id", Path.Combine(_p.DataDirectory, "many", "db-0.db")));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 30 s");
            await Task.Yield();
        }
    }

}
