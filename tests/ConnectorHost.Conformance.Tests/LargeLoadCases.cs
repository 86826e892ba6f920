using ConnectorHost.Abstractions;
using FivetranSdk.V2;
using Xunit;
using static ConnectorHost.Conformance.Tests.Support.ConformanceHarness;

namespace ConnectorHost.Conformance.Tests;

/// <summary>
/// The initial-sync path: a replace file of at least 10,000 rows into an empty table skips the delete, may drop and
/// rebuild the key index, and skips the duplicate-key query when its keys arrive in increasing order. Each case is
/// large enough to take that path and checks what must hold whichever way the file arrives.
/// </summary>
public abstract partial class DestinationConformance
{
    private const int LargeLoadRows = 12_000;

    private static readonly string[] LargeLoadHeader = ["id", "v"];

    private static Table LargeLoadTable() => Table("big", Col("id", DataType.Long, pk: true), Col("v", DataType.String));

    [Fact]
    public async Task A_large_replace_in_key_order_into_an_empty_table_lands_every_row()
    {
        // The file orders its columns unlike the table and lacks one of them: that column lands NULL.
        var table = await H.CreateAsync(Table("big", Col("id", DataType.Long, pk: true), Col("extra", DataType.String), Col("v", DataType.String)));
        var rows = Enumerable.Range(1, LargeLoadRows).Select(i => new object?[] { $"v{i}", (long)i }).ToArray();
        await H.WriteAsync(table, replace: [H.File(table, ["v", "id"], rows)]);

        var landed = await H.LandedAsync("big", "id, v, extra");
        Assert.Equal(LargeLoadRows, landed.Count);
        Assert.Equal(Enumerable.Range(1, LargeLoadRows).Select(i => $"{i}|v{i}|").Order(StringComparer.Ordinal), landed.Select(r => $"{r[0]}|{r[1]}|{r[2]}").Order(StringComparer.Ordinal));

        // The table is no longer empty: the next replace of the same keys overwrites instead of adding rows.
        await H.WriteAsync(table, replace: [H.File(table, LargeLoadHeader, Enumerable.Range(1, LargeLoadRows).Select(i => new object?[] { (long)i, $"w{i}" }).ToArray())]);
        landed = await H.LandedAsync("big", "id, v");
        Assert.Equal(LargeLoadRows, landed.Count);
        Assert.All(landed, r => Assert.Equal($"w{r[0]}", r[1]));
    }

    [Fact]
    public async Task A_large_replace_out_of_order_into_an_empty_table_keeps_the_last_row_of_a_repeated_key()
    {
        var table = await H.CreateAsync(LargeLoadTable());
        var rows = Enumerable.Range(1, LargeLoadRows).Reverse().Select(i => new object?[] { (long)i, $"v{i}" })
            .Append([5L, "last"]).ToArray();
        await H.WriteAsync(table, replace: [H.File(table, LargeLoadHeader, rows)]);

        var landed = await H.LandedAsync("big", "id, v");
        Assert.Equal(LargeLoadRows, landed.Count);
        Assert.Equal("last", Assert.Single(landed, r => r[0] == "5")[1]);
    }

    [Fact]
    public async Task A_large_replace_into_an_empty_table_that_fails_later_leaves_it_empty_and_usable()
    {
        var table = await H.CreateAsync(LargeLoadTable());
        var good = H.File(table, LargeLoadHeader, Enumerable.Range(1, LargeLoadRows).Select(i => new object?[] { (long)i, $"v{i}" }).ToArray());
        var bad = H.File(table, LargeLoadHeader, [1L, "x"], ["not-a-number", "y"]);
        var ex = await Assert.ThrowsAnyAsync<ConnectorException>(() => H.Destination.Connector.WriteBatchAsync(H.Batch(table, replace: [good, bad]), default));
        Assert.Equal(ConnectorErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains(bad, ex.Message);
        Assert.Empty(await H.LandedAsync("big", "id, v"));

        await H.WriteAsync(table, replace: [H.File(table, LargeLoadHeader, [7L, "seven"])]);
        await H.AssertRowsAsync("big", "id, v", ["7", "seven"]);
    }

    /// <remarks>Row 9,000 lies past the first chunks a destination's direct load (DuckDB's table function, read by several threads) has handed on.</remarks>
    [Fact]
    public async Task A_bad_value_deep_in_a_large_replace_into_an_empty_table_is_reported_at_its_row_and_nothing_lands()
    {
        var table = await H.CreateAsync(LargeLoadTable());
        var file = H.File(table, LargeLoadHeader, Enumerable.Range(1, LargeLoadRows).Select(i => new object?[] { i == 9_000 ? "nine thousand" : (long)i, $"v{i}" }).ToArray());
        var ex = await Assert.ThrowsAnyAsync<ConnectorException>(() => H.Destination.Connector.WriteBatchAsync(H.Batch(table, replace: [file]), default));
        Assert.Equal(ConnectorErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains(file, ex.Message);
        Assert.Contains("row 9000", ex.Message);
        Assert.Contains("nine thousand", ex.Message);
        Assert.Empty(await H.LandedAsync("big", "id, v"));
    }
}
