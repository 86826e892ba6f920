using FivetranSdk.V2;
using Microsoft.Data.Sqlite;
using SqliteDestination.Tests.Support;
using Xunit;
using static SqliteDestination.Tests.Support.DestinationHarness;

namespace SqliteDestination.Tests;

/// <summary>
/// Other test classes clear every SQLite connection pool of this process when they finish. That closes this
/// plugin's pooled connections too, and SQLite deletes the WAL when its last connection closes, so the WAL sizes
/// this test compares are only meaningful while no other test runs.
/// </summary>
[CollectionDefinition(nameof(WalSizeMeasurement), DisableParallelization = true)]
public sealed class WalSizeMeasurement;

/// <summary>The README's "after each write, a background checkpoint copies the WAL into the database file, outside the call".</summary>
[Collection(nameof(WalSizeMeasurement))]
public sealed class CheckpointTests : IDisposable
{
    private const int RowsPerBatch = 20_000;
    private static readonly string Note = new('x', 200);
    private readonly DestinationHarness _h = new();
    private readonly string _copies = Directory.CreateTempSubdirectory("sqlite-checkpoint-").FullName;

    public void Dispose()
    {
        _h.Dispose();
        Directory.Delete(_copies, recursive: true);
    }

    [Fact]
    public async Task Each_batch_reaches_the_database_file_in_the_background_so_the_next_batch_reuses_the_wal_instead_of_growing_it()
    {
        // Automatic checkpoints are off in the plugin: without its background checkpoint the database file would
        // never receive the rows and the WAL would grow by every batch.
        var table = await _h.CreateAsync(Table("big", Col("id", DataType.Long, pk: true), Col("note", DataType.String)));
        var wal = _h.DatabasePath + "-wal";

        await _h.WriteAsync(table, replace: [Batch(0)]);
        var walAfterFirst = new FileInfo(wal).Length;
        Assert.True(walAfterFirst > 4 * 1024 * 1024, $"the first batch should fill the WAL (it is {walAfterFirst} bytes)");
        await WaitUntilTheDatabaseFileAloneHoldsAsync(RowsPerBatch);

        await _h.WriteAsync(table, replace: [Batch(RowsPerBatch)]);
        await WaitUntilTheDatabaseFileAloneHoldsAsync(2 * RowsPerBatch);
        var walAfterSecond = new FileInfo(wal).Length;

        Assert.True(walAfterSecond < walAfterFirst * 3 / 2,
            $"the WAL grew from {walAfterFirst} to {walAfterSecond} bytes: the second batch did not restart it after the checkpoint");
    }

    private string Batch(int firstId) =>
        _h.File(["id", "note"], Enumerable.Range(firstId, RowsPerBatch).Select(i => new object?[] { (long)i, Note }).ToArray());

    /// <summary>
    /// Copies only the main database file (not the WAL) and counts the rows SQLite finds in it: the count reaches
    /// <paramref name="rows"/> once a checkpoint has copied the batch in. Waits on that condition, bounded.
    /// </summary>
    private async Task WaitUntilTheDatabaseFileAloneHoldsAsync(long rows)
    {
        var copy = Path.Combine(_copies, "main-only.db");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        long found = -1;
        string? lastError = null;
        while (!timeout.IsCancellationRequested)
        {
            foreach (var stale in Directory.EnumerateFiles(_copies))
            {
                File.Delete(stale);
            }

            File.Copy(_h.DatabasePath, copy);
            try
            {
                using var connection = new SqliteConnection($"Data Source={copy};Pooling=False;Mode=ReadOnly");
                connection.Open();
                using var count = connection.CreateCommand();
                count.CommandText = $"SELECT count(*) FROM \"{DestinationHarness.Schema}.big\"";
                found = (long)count.ExecuteScalar()!;
                if (found == rows)
                {
                    return;
                }
            }
            catch (SqliteException e)
            {
                lastError = e.Message; // a copy taken mid-checkpoint, or before the table reached the file
            }

            await Task.Delay(50, CancellationToken.None);
        }

        Assert.Fail($"The database file alone never held {rows} rows (last count {found}, last error {lastError}): no checkpoint copied the WAL in.");
    }
}
