using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using Xunit;
using static ConnectorHost.Conformance.Tests.Support.ConformanceHarness;

namespace ConnectorHost.Conformance.Tests;

/// <summary>The history-mode guide's worked examples (how-to-handle-history-mode-batch-files.md), table for table.</summary>
public abstract partial class DestinationConformance
{
    private static readonly DateTimeOffset THistory = new(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset HistoryMax = new(9999, 12, 31, 23, 59, 59, 999, TimeSpan.Zero);

    /// <summary>"Tn": n seconds after a base time, so T200 &gt; T150 &gt; T105 as in the guide.</summary>
    private static DateTimeOffset T(int n) => THistory.AddSeconds(n);

    private static string Tx(int n, int minusMs = 0) => T(n).AddMilliseconds(-minusMs).UtcDateTime.ToString(minusMs == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.fff'Z'");

    private static Table HistoryTable() => Table("history",
        Col("id", DataType.Int, pk: true), Col("col1", DataType.String), Col("col2", DataType.Int),
        Col("_fivetran_start", DataType.UtcDatetime, pk: true), Col("_fivetran_end", DataType.UtcDatetime),
        Col("_fivetran_active", DataType.Boolean), Col("_fivetran_synced", DataType.UtcDatetime));

    private static readonly string[] HistoryHeader = ["id", "col1", "col2", "_fivetran_start", "_fivetran_end", "_fivetran_active", "_fivetran_synced"];

    [Fact]
    public async Task History_guide_earliest_start_files_remove_overlaps_and_close_active_versions()
    {
        var table = await H.CreateAsync(HistoryTable());
        await H.WriteHistoryAsync(table, replace: [H.File(table, HistoryHeader,
            [1, "abc", 1, T(100), T(200).AddMilliseconds(-1), false, T(1)], [2, "mno", 3, T(102), HistoryMax, true, T(1)],
            [3, "xyz", 4, T(103), HistoryMax, true, T(1)], [4, "lmn", 5, T(104), HistoryMax, true, T(1)], [1, "pqr", 2, T(200), HistoryMax, true, T(1)])]);

        await H.WriteHistoryAsync(table,
            earliest: [H.File(table, ["id", "_fivetran_start"], [1, T(150)], [2, T(105)], [3, T(105)])],
            replace: [H.File(table, HistoryHeader, [1, "efg", 6, T(150), HistoryMax, true, T(2)], [2, "hij", 7, T(105), HistoryMax, true, T(2)], [3, "pqr", 8, T(105), HistoryMax, true, T(2)])]);

        await H.AssertRowsAsync("history", "id, col1, col2, _fivetran_start, _fivetran_end, _fivetran_active",
            ["1", "abc", "1", Tx(100), Tx(150, 1), "false"],
            ["2", "mno", "3", Tx(102), Tx(105, 1), "false"],
            ["3", "xyz", "4", Tx(103), Tx(105, 1), "false"],
            ["4", "lmn", "5", Tx(104), TMax, "true"],
            ["1", "efg", "6", Tx(150), TMax, "true"],
            ["2", "hij", "7", Tx(105), TMax, "true"],
            ["3", "pqr", "8", Tx(105), TMax, "true"]);
    }

    [Fact]
    public async Task History_guide_update_files_fill_unmodified_cells_from_the_previous_version()
    {
        var table = await H.CreateAsync(HistoryTable());
        await H.WriteHistoryAsync(table, replace: [H.File(table, HistoryHeader,
            [1, "abc", 1, T(1), T(2).AddMilliseconds(-1), false, T(100)], [1, "pqr", 2, T(2), HistoryMax, true, T(101)], [2, "mno", 3, T(2), HistoryMax, true, T(103)])]);

        var u = BatchFileWriter.Unmodified;
        await H.WriteHistoryAsync(table,
            earliest: [H.File(table, ["id", "_fivetran_start"], [1, T(3)], [2, T(4)])],
            update: [H.File(table, HistoryHeader,
                [1, "xyz", u, T(3), T(5).AddMilliseconds(-1), false, T(107)], [1, "def", u, T(5), HistoryMax, true, T(109)], [2, u, 1000, T(4), HistoryMax, true, T(108)])]);

        await H.AssertRowsAsync("history", "id, col1, col2, _fivetran_start, _fivetran_end, _fivetran_active, _fivetran_synced",
            ["1", "abc", "1", Tx(1), Tx(2, 1), "false", Tx(100)],
            ["1", "pqr", "2", Tx(2), Tx(3, 1), "false", Tx(101)],
            ["2", "mno", "3", Tx(2), Tx(4, 1), "false", Tx(103)],
            ["1", "def", "2", Tx(5), TMax, "true", Tx(109)],
            ["1", "xyz", "2", Tx(3), Tx(5, 1), "false", Tx(107)],
            ["2", "mno", "1000", Tx(4), TMax, "true", Tx(108)]);
    }

    [Fact]
    public async Task History_guide_delete_files_close_the_active_version_at_the_files_end_time()
    {
        var table = await H.CreateAsync(HistoryTable());
        await H.WriteHistoryAsync(table, replace: [H.File(table, HistoryHeader,
            [1, "a", 1, T(1), T(2).AddMilliseconds(-1), false, T(10)], [1, "b", 2, T(2), HistoryMax, true, T(10)], [2, "c", 3, T(2), HistoryMax, true, T(10)])]);
        await H.WriteHistoryAsync(table, delete: [H.File(table, ["id", "_fivetran_start", "_fivetran_end", "_fivetran_active", "_fivetran_synced"],
            [1, null, T(50), false, T(20)], [99, null, T(50), false, T(20)])]);
        await H.AssertRowsAsync("history", "id, col1, _fivetran_start, _fivetran_end, _fivetran_active",
            ["1", "a", Tx(1), Tx(2, 1), "false"], ["1", "b", Tx(2), Tx(50), "false"], ["2", "c", Tx(2), TMax, "true"]);
    }
}
