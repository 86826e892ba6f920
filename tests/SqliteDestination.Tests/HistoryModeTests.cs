using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using SqliteDestination.Tests.Support;
using Xunit;
using static SqliteDestination.Tests.Support.DestinationHarness;

namespace SqliteDestination.Tests;

/// <summary>The worked examples of how-to-handle-history-mode-batch-files.md, row for row.</summary>
public abstract class HistoryModeScenarios(DestinationHarness harness) : IDisposable
{
    private const string Max = "9999-12-31T23:59:59.999Z";
    private static readonly DateTimeOffset TMax = new(9999, 12, 31, 23, 59, 59, 999, TimeSpan.Zero);
    private static readonly string[] Header = ["id", "col1", "col2", "_fivetran_start", "_fivetran_end", "_fivetran_active", "_fivetran_synced"];
    private const string Columns = "id, col1, col2, _fivetran_start, _fivetran_end, _fivetran_active, _fivetran_synced";
    private readonly DestinationHarness _h = harness;

    public void Dispose() => _h.Dispose();

    /// <summary>T(n): n seconds after a base instant, so T(a) &lt; T(b) when a &lt; b.</summary>
    private static DateTimeOffset T(int n) => new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(n);

    private static string S(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");

    private static string S(int n) => S(T(n));

    private static string Minus1(int n) => S(T(n).AddMilliseconds(-1));

    private static Table History() => Table("history",
        Col("id", DataType.Int, pk: true), Col("col1", DataType.String), Col("col2", DataType.Int),
        Col("_fivetran_start", DataType.UtcDatetime, pk: true), Col("_fivetran_end", DataType.UtcDatetime),
        Col("_fivetran_active", DataType.Boolean), Col("_fivetran_synced", DataType.UtcDatetime));

    [Fact]
    public async Task Earliest_start_removes_overlapping_versions_and_closes_the_previous_ones()
    {
        var table = await _h.CreateAsync(History());
        await _h.WriteHistoryAsync(table, replace: [_h.File(Header,
            [1, "abc", 1, T(100), T(200).AddMilliseconds(-1), false, T(1)],
            [2, "mno", 3, T(102), TMax, true, T(1)],
            [3, "xyz", 4, T(103), TMax, true, T(1)],
            [4, "lmn", 5, T(104), TMax, true, T(1)],
            [1, "pqr", 2, T(200), TMax, true, T(1)])]);

        await _h.WriteHistoryAsync(table, earliest: [_h.File(["id", "_fivetran_start"], [1, T(150)], [2, T(105)], [3, T(105)])]);

        var rows = _h.Rows("history", "id, col1, col2, _fivetran_start, _fivetran_end, _fivetran_active", "id, _fivetran_start");
        Assert.Equal(4, rows.Count);
        Assert.Equal(new object?[] { 1L, "abc", 1L, S(100), Minus1(150), 0L }, rows[0]);
        Assert.Equal(new object?[] { 2L, "mno", 3L, S(102), Minus1(105), 0L }, rows[1]);
        Assert.Equal(new object?[] { 3L, "xyz", 4L, S(103), Minus1(105), 0L }, rows[2]);
        Assert.Equal(new object?[] { 4L, "lmn", 5L, S(104), Max, 1L }, rows[3]);
    }

    [Fact]
    public async Task A_failing_file_after_earliest_start_and_replace_rolls_back_the_versions_they_changed()
    {
        var table = await _h.CreateAsync(History());
        await _h.WriteHistoryAsync(table, replace: [_h.File(Header,
            [1, "abc", 1, T(100), TMax, true, T(1)],
            [2, "mno", 3, T(102), TMax, true, T(1)])]);
        var before = _h.Snapshot();

        // earliest_start closes versions 1 and 2 and replace adds new ones; then the update file has a bad INT.
        var earliest = _h.File(["id", "_fivetran_start"], [1, T(150)], [2, T(150)]);
        var replace = _h.File(Header, [1, "new", 10, T(150), TMax, true, T(2)], [2, "new", 30, T(150), TMax, true, T(2)]);
        var bad = _h.File(Header, [3, "bad", "not-an-int", T(150), TMax, true, T(2)]);
        var request = new WriteHistoryBatchRequest { SchemaName = DestinationHarness.Schema, Table = table, FileParams = _h.FileParams };
        request.Configuration.Add(_h.Configuration);
        request.Keys.Add(_h.Keys);
        request.EarliestStartFiles.Add(earliest);
        request.ReplaceFiles.Add(replace);
        request.UpdateFiles.Add(bad);

        var error = await Assert.ThrowsAnyAsync<ConnectorHost.Abstractions.ConnectorException>(() => _h.Connector.WriteHistoryBatchAsync(request, default));
        Assert.Equal(ConnectorHost.Abstractions.ConnectorErrorKind.InvalidArgument, error.Kind);
        Assert.Contains(bad, error.Message);
        Assert.Contains("column 'col2'", error.Message);
        Assert.Equal(before, _h.Snapshot());
        var rows = _h.Rows("history", "id, col1, _fivetran_end, _fivetran_active", "id, _fivetran_start");
        Assert.Equal([new object?[] { 1L, "abc", Max, 1L }, new object?[] { 2L, "mno", Max, 1L }], rows);
    }

    [Fact]
    public async Task Update_files_fill_unmodified_cells_from_the_last_active_version()
    {
        var table = await _h.CreateAsync(History());
        await _h.WriteHistoryAsync(table, replace: [_h.File(Header,
            [1, "abc", 1, T(1), T(2).AddMilliseconds(-1), false, T(100)],
            [1, "pqr", 2, T(2), TMax, true, T(101)],
            [2, "mno", 3, T(2), TMax, true, T(103)])]);

        var u = BatchFileWriter.Unmodified;
        await _h.WriteHistoryAsync(table,
            earliest: [_h.File(["id", "_fivetran_start"], [1, T(3)], [2, T(4)])],
            update: [_h.File(Header,
                [1, "xyz", u, T(3), T(5).AddMilliseconds(-1), false, T(107)],
                [1, "def", u, T(5), TMax, true, T(109)],
                [2, u, 1000, T(4), TMax, true, T(108)])]);

        var rows = _h.Rows("history", Columns, "id, _fivetran_start");
        Assert.Equal(6, rows.Count);
        Assert.Equal(new object?[] { 1L, "abc", 1L, S(1), Minus1(2), 0L, S(100) }, rows[0]);
        Assert.Equal(new object?[] { 1L, "pqr", 2L, S(2), Minus1(3), 0L, S(101) }, rows[1]);
        Assert.Equal(new object?[] { 1L, "xyz", 2L, S(3), Minus1(5), 0L, S(107) }, rows[2]);
        Assert.Equal(new object?[] { 1L, "def", 2L, S(5), Max, 1L, S(109) }, rows[3]);
        Assert.Equal(new object?[] { 2L, "mno", 3L, S(2), Minus1(4), 0L, S(103) }, rows[4]);
        Assert.Equal(new object?[] { 2L, "mno", 1000L, S(4), Max, 1L, S(108) }, rows[5]);
    }

    [Fact]
    public async Task The_diagram_example_applies_earliest_start_replace_update_delete_in_order()
    {
        var table = await _h.CreateAsync(History());
        await _h.WriteHistoryAsync(table, replace: [_h.File(Header,
            [2, "old", 111, T(0), TMax, true, T(0)],
            [3, "zzz", 333, T(0), TMax, true, T(0)])]);

        var u = BatchFileWriter.Unmodified;
        await _h.WriteHistoryAsync(table,
            earliest: [_h.File(["id", "_fivetran_start"], [1, T(1)], [2, T(3)])],
            replace: [_h.File(Header,
                [1, "abc", 123, T(1), T(4).AddMilliseconds(-1), false, T(7)],
                [1, "ghi", 567, T(4), TMax, true, T(7)],
                [2, "pqr", 98, T(4), TMax, true, T(7)])],
            update: [_h.File(Header, [2, "def", u, T(3), T(4).AddMilliseconds(-1), false, T(7)])],
            delete: [_h.File(Header, [3, null, null, null, T(2), false, T(7)])]);

        var rows = _h.Rows("history", "id, col1, col2, _fivetran_start, _fivetran_end, _fivetran_active", "id, _fivetran_start");
        Assert.Equal(6, rows.Count);
        Assert.Equal(new object?[] { 1L, "abc", 123L, S(1), Minus1(4), 0L }, rows[0]);
        Assert.Equal(new object?[] { 1L, "ghi", 567L, S(4), Max, 1L }, rows[1]);
        Assert.Equal(new object?[] { 2L, "old", 111L, S(0), Minus1(3), 0L }, rows[2]);
        Assert.Equal(new object?[] { 2L, "def", 111L, S(3), Minus1(4), 0L }, rows[3]);
        Assert.Equal(new object?[] { 2L, "pqr", 98L, S(4), Max, 1L }, rows[4]);
        Assert.Equal(new object?[] { 3L, "zzz", 333L, S(0), S(2), 0L }, rows[5]);
    }

    [Fact]
    public async Task A_version_closed_by_a_delete_keeps_its_end_when_the_record_comes_back()
    {
        var table = await _h.CreateAsync(History());
        await _h.WriteHistoryAsync(table, replace: [_h.File(Header, [1, "a", 1, T(0), T(50), false, T(0)])]);
        await _h.WriteHistoryAsync(table,
            earliest: [_h.File(["id", "_fivetran_start"], [1, T(100)])],
            replace: [_h.File(Header, [1, "b", 2, T(100), TMax, true, T(101)])]);

        var rows = _h.Rows("history", "col1, _fivetran_end, _fivetran_active", "_fivetran_start");
        Assert.Equal(new object?[] { "a", S(50), 0L }, rows[0]);
        Assert.Equal(new object?[] { "b", Max, 1L }, rows[1]);
    }
}

/// <summary>The scenarios with the plugin in-process.</summary>
public sealed class HistoryModeTests() : HistoryModeScenarios(new DestinationHarness())
{
}

/// <summary>The same scenarios end to end: the real host loads the plugin, every call goes over gRPC.</summary>
public sealed class HistoryModeThroughHostTests(SqliteHostFixture host)
    : HistoryModeScenarios(new DestinationHarness(host.Connector)), IClassFixture<SqliteHostFixture>
{
}
