using ConnectorHost.Abstractions;
using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using SqliteDestination.Tests.Support;
using Xunit;
using static SqliteDestination.Tests.Support.DestinationHarness;

namespace SqliteDestination.Tests;

/// <summary>Every bad input fails with a precise message and leaves the database exactly as it was.</summary>
public sealed class BadInputTests : IDisposable
{
    private static readonly DateTimeOffset T1 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly DestinationHarness _h = new();
    private Table _table = null!;
    private string _before = null!;

    public void Dispose() => _h.Dispose();

    private async Task SeedAsync()
    {
        _table = await _h.CreateAsync(Table("t", Col("id", DataType.Int, pk: true), Col("n", DataType.Int), Col("s", DataType.String), Col("_fivetran_synced", DataType.UtcDatetime)));
        await _h.WriteAsync(_table, replace: [_h.File(["id", "n", "s", "_fivetran_synced"], [1, 1, "one", T1], [2, 2, "two", T1])]);
        _before = _h.Snapshot();
    }

    private async Task<ConnectorException> FailsAsync(WriteBatchRequest request, ConnectorErrorKind kind, params string[] fragments)
    {
        var ex = await Assert.ThrowsAnyAsync<ConnectorException>(() => _h.Connector.WriteBatchAsync(request, default));
        Assert.Equal(kind, ex.Kind);
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, ex.Message);
        }

        Assert.Equal(_before, _h.Snapshot());
        return ex;
    }

    [Fact]
    public async Task A_value_that_does_not_parse_rolls_back_every_file_of_the_batch()
    {
        await SeedAsync();
        var good = _h.File(["id", "n", "s", "_fivetran_synced"], [3, 3, "three", T1], [1, 100, "changed", T1]);
        var bad = _h.File(["id", "n", "s", "_fivetran_synced"], [4, 4, "four", T1], [5, "not-a-number", "five", T1]);
        await FailsAsync(_h.Batch(_table, replace: [good, bad]), ConnectorErrorKind.InvalidArgument, bad, "row 2", "column 'n'", "not-a-number");
    }

    [Fact]
    public async Task An_error_in_the_delete_files_undoes_the_replace_and_update_files()
    {
        await SeedAsync();
        var replace = _h.File(["id", "n", "s", "_fivetran_synced"], [3, 3, "three", T1]);
        var update = _h.File(["id", "n", "s", "_fivetran_synced"], [1, BatchFileWriter.Unmodified, "x", T1]);
        var delete = _h.File(["id", "_fivetran_synced"], [2, T1], [null, T1]);
        await FailsAsync(_h.Batch(_table, replace: [replace], update: [update], delete: [delete]), ConnectorErrorKind.InvalidArgument, delete, "row 2", "column 'id'", "NULL");
    }

    [Fact]
    public async Task Missing_key_missing_file_unknown_column_and_missing_key_column_are_reported()
    {
        await SeedAsync();
        var file = _h.File(["id", "n", "s", "_fivetran_synced"], [3, 3, "three", T1]);
        var request = _h.Batch(_table, replace: [file]);
        request.Keys.Remove(file);
        await FailsAsync(request, ConnectorErrorKind.InvalidArgument, file, "key");

        var missing = Path.Combine(_h.Directory, "nope.csv.zst.aes");
        await FailsAsync(_h.Batch(_table, replace: [missing]), ConnectorErrorKind.NotFound, missing, "does not exist");

        var unknown = _h.File(["id", "n", "surprise"], [3, 3, "x"]);
        await FailsAsync(_h.Batch(_table, replace: [unknown]), ConnectorErrorKind.InvalidArgument, unknown, "no column 'surprise'");

        var noKey = _h.File(["n", "s"], [3, "x"]);
        await FailsAsync(_h.Batch(_table, update: [noKey]), ConnectorErrorKind.InvalidArgument, noKey, "'id'");
    }

    [Fact]
    public async Task A_batch_file_that_cannot_be_read_is_reported_by_name_and_nothing_is_applied()
    {
        await SeedAsync();
        var good = _h.File(["id", "n", "s", "_fivetran_synced"], [3, 3, "three", T1]);
        // Something that exists but is not a file to read, whatever the permissions: a Unix socket sits at the path.
        // It is refused before any read (open(2) would fail on it even for root).
        var unreadable = Path.Combine(_h.Directory, "unreadable.csv.zst.aes");
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(unreadable));
        var request = _h.Batch(_table, replace: [good, unreadable]);
        request.Keys[unreadable] = request.Keys[good];
        await FailsAsync(request, ConnectorErrorKind.InvalidArgument, unreadable, "a socket");
    }

    [Fact]
    public async Task Unmodified_markers_are_refused_in_replace_files()
    {
        await SeedAsync();
        var file = _h.File(["id", "n", "s", "_fivetran_synced"], [3, BatchFileWriter.Unmodified, "x", T1]);
        await FailsAsync(_h.Batch(_table, replace: [file]), ConnectorErrorKind.InvalidArgument, file, "row 1", "column 'n'", "unmodified");
    }

    [Fact]
    public async Task A_tampered_file_is_reported_and_nothing_is_applied()
    {
        await SeedAsync();
        var file = _h.File(["id", "n", "s", "_fivetran_synced"], [3, 3, "three", T1]);
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[^1] ^= 0x5A;
        await File.WriteAllBytesAsync(file, bytes);
        await FailsAsync(_h.Batch(_table, replace: [file]), ConnectorErrorKind.InvalidArgument, file);
    }

    [Fact]
    public async Task History_batches_need_a_history_table_and_migrations_a_known_table()
    {
        await SeedAsync();
        var request = new WriteHistoryBatchRequest { SchemaName = DestinationHarness.Schema, Table = _table, FileParams = _h.FileParams };
        request.ReplaceFiles.Add(_h.File(["id", "n", "s", "_fivetran_synced"], [3, 3, "three", T1]));
        request.Keys.Add(_h.Keys);
        var ex = await Assert.ThrowsAnyAsync<ConnectorException>(() => _h.Connector.WriteHistoryBatchAsync(request, default));
        Assert.Equal(ConnectorErrorKind.FailedPrecondition, ex.Kind);
        Assert.Contains("not in history mode", ex.Message);

        var migrate = new MigrationDetails { Schema = DestinationHarness.Schema, Table = "missing", UpdateColumnValue = new UpdateColumnValueOperation { Column = "n", Value = "1" } };
        var notFound = await Assert.ThrowsAnyAsync<ConnectorException>(() => _h.MigrateAsync(migrate));
        Assert.Equal(ConnectorErrorKind.NotFound, notFound.Kind);

        var badValue = new MigrationDetails { Schema = DestinationHarness.Schema, Table = "t", UpdateColumnValue = new UpdateColumnValueOperation { Column = "n", Value = "twelve" } };
        var invalid = await Assert.ThrowsAnyAsync<ConnectorException>(() => _h.MigrateAsync(badValue));
        Assert.Equal(ConnectorErrorKind.InvalidArgument, invalid.Kind);
        Assert.Contains("'twelve'", invalid.Message);
        Assert.Equal(_before, _h.Snapshot());
    }
}
