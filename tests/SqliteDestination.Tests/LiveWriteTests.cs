using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using SqliteDestination.Tests.Support;
using Xunit;
using static SqliteDestination.Tests.Support.DestinationHarness;

namespace SqliteDestination.Tests;

public sealed class LiveWriteTests : IDisposable
{
    private static readonly DateTimeOffset T1 = new(2024, 1, 1, 10, 0, 0, 123, TimeSpan.Zero);
    private static readonly DateTimeOffset T2 = new(2024, 1, 2, 10, 0, 0, 456, TimeSpan.Zero);
    private readonly DestinationHarness _h = new();

    private static readonly string[] Header = ["id", "name", "amount", "_fivetran_deleted", "_fivetran_synced"];

    private static Table People() => Table("people",
        Col("id", DataType.Long, pk: true), Col("name", DataType.String), Col("amount", DataType.Double),
        Col("_fivetran_deleted", DataType.Boolean), Col("_fivetran_synced", DataType.UtcDatetime));

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task Replace_upserts_whole_rows_and_the_last_row_of_a_key_wins()
    {
        var table = await _h.CreateAsync(People());
        await _h.WriteAsync(table, replace: [_h.File(Header, [1L, "a", 1.5, false, T1], [2L, "b", 2.5, false, T1])]);
        await _h.WriteAsync(table, replace: [_h.File(Header, [2L, "b2", null, false, T2], [3L, "c", 3.5, false, T2], [3L, "c-last", 4.5, false, T2])]);

        var rows = _h.Rows("people", "id, name, amount, _fivetran_deleted, _fivetran_synced", "id");
        Assert.Equal(3, rows.Count);
        Assert.Equal(new object?[] { 1L, "a", 1.5, 0L, "2024-01-01T10:00:00.123Z" }, rows[0]);
        Assert.Equal(new object?[] { 2L, "b2", null, 0L, "2024-01-02T10:00:00.456Z" }, rows[1]);
        Assert.Equal(new object?[] { 3L, "c-last", 4.5, 0L, "2024-01-02T10:00:00.456Z" }, rows[2]);
    }

    [Fact]
    public async Task Update_changes_only_modified_cells_sets_nulls_and_applies_soft_deletes()
    {
        var table = await _h.CreateAsync(People());
        await _h.WriteAsync(table, replace: [_h.File(Header, [1L, "a", 1.5, false, T1], [2L, "b", 2.5, false, T1])]);
        var u = BatchFileWriter.Unmodified;
        await _h.WriteAsync(table, update: [_h.File(Header,
            [1L, "a-new", u, u, T2],          // name changed, amount kept
            [2L, u, null, true, T2],          // amount set NULL, soft-deleted
            [99L, "ghost", 9.0, false, T2])]); // missing row: no-op

        var rows = _h.Rows("people", "id, name, amount, _fivetran_deleted, _fivetran_synced", "id");
        Assert.Equal(2, rows.Count);
        Assert.Equal(new object?[] { 1L, "a-new", 1.5, 0L, "2024-01-02T10:00:00.456Z" }, rows[0]);
        Assert.Equal(new object?[] { 2L, "b", null, 1L, "2024-01-02T10:00:00.456Z" }, rows[1]);
    }

    [Fact]
    public async Task Delete_removes_rows_by_key_and_ignores_missing_keys()
    {
        var table = await _h.CreateAsync(People());
        await _h.WriteAsync(table, replace: [_h.File(Header, [1L, "a", 1.5, false, T1], [2L, "b", 2.5, false, T1])]);
        await _h.WriteAsync(table, delete: [_h.File(["id", "_fivetran_synced"], [1L, T2], [42L, T2])]);

        var rows = _h.Rows("people", "id", "id");
        Assert.Equal([2L], rows.Select(r => r[0]));
    }

    [Fact]
    public async Task Keyless_tables_use_fivetran_id_and_composite_keys_match_all_parts()
    {
        var campaign = await _h.CreateAsync(Table("campaign", Col("_fivetran_id", DataType.String, pk: true), Col("name", DataType.String), Col("_fivetran_synced", DataType.UtcDatetime)));
        await _h.WriteAsync(campaign, replace: [_h.File(["_fivetran_id", "name", "_fivetran_synced"], ["x1", "A", T1], ["x2", "B", T1])]);
        await _h.WriteAsync(campaign, delete: [_h.File(["_fivetran_id", "_fivetran_synced"], ["x1", T2])]);
        Assert.Equal(["x2"], _h.Rows("campaign", "_fivetran_id", "1").Select(r => r[0]));

        var composite = await _h.CreateAsync(Table("composite", Col("pk1", DataType.Int, pk: true), Col("pk2", DataType.String, pk: true), Col("value", DataType.String)));
        await _h.WriteAsync(composite, replace: [_h.File(["pk1", "pk2", "value"], [1, "A", "v1"], [1, "B", "v2"])]);
        await _h.WriteAsync(composite, update: [_h.File(["pk1", "pk2", "value"], [1, "B", "v2-new"])], delete: [_h.File(["pk1", "pk2"], [1, "A"])]);
        var rows = _h.Rows("composite", "pk1, pk2, value", "pk1, pk2");
        Assert.Single(rows);
        Assert.Equal(new object?[] { 1L, "B", "v2-new" }, rows[0]);
    }

    [Fact]
    public async Task Header_order_is_read_from_the_file_not_assumed()
    {
        var table = await _h.CreateAsync(People());
        await _h.WriteAsync(table, replace: [_h.File(["_fivetran_synced", "amount", "name", "_fivetran_deleted", "id"], [T1, 7.25, "x", false, 5L])]);
        Assert.Equal(new object?[] { 5L, "x", 7.25 }, _h.Rows("people", "id, name, amount", "id").Single());
    }

    [Fact]
    public async Task Writes_to_a_table_that_does_not_exist_are_no_ops()
    {
        await _h.CreateAsync(People());
        var before = _h.Snapshot();
        await _h.WriteAsync(Table("nope", Col("id", DataType.Long, pk: true)), replace: [_h.File(["id"], [1L])]);
        await _h.TruncateAsync("nope", DateTime.UtcNow);
        Assert.Equal(before, _h.Snapshot());
    }

    [Fact]
    public async Task Truncate_hard_deletes_and_soft_flags_rows_synced_before_the_cutoff_with_millisecond_precision()
    {
        var table = await _h.CreateAsync(People());
        var cutoff = new DateTime(2024, 1, 1, 10, 0, 0, 124, DateTimeKind.Utc);
        await _h.WriteAsync(table, replace: [_h.File(Header, [1L, "a", 1.0, false, T1 /* .123: before */], [2L, "b", 2.0, false, new DateTimeOffset(cutoff) /* equal: kept */], [3L, "c", 3.0, false, T2])]);

        await _h.TruncateAsync("people", cutoff, softColumn: "_fivetran_deleted");
        Assert.Equal([1L, 0L, 0L], _h.Rows("people", "_fivetran_deleted", "id").Select(r => r[0]));

        await _h.TruncateAsync("people", cutoff);
        Assert.Equal([2L, 3L], _h.Rows("people", "id", "id").Select(r => r[0]));
    }
}
