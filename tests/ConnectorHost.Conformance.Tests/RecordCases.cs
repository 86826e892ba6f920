using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using Xunit;
using static ConnectorHost.Conformance.Tests.Support.ConformanceHarness;

namespace ConnectorHost.Conformance.Tests;

/// <summary>Operations on missing records and tables, truncates with their cut-off, keyless and composite-key tables.</summary>
public abstract partial class DestinationConformance
{
    protected static readonly DateTimeOffset S1 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Operations_on_records_and_tables_that_do_not_exist_are_no_ops()
    {
        await ReplayJsonAsync("""
            {
              "create_table": { "t": { "columns": { "id": "INT", "v": "STRING" }, "primary_key": ["id"] },
                                "h": { "columns": { "id": "INT", "v": "STRING" }, "primary_key": ["id"], "history_mode": true } },
              "ops": [
                { "upsert": { "t": [ { "id": 1, "v": "one" } ], "h": [ { "id": 1, "v": "one", "op_time": "2024-01-01T00:00:00Z" } ] } },
                { "update": { "t": [ { "id": 2, "v": "nope" } ], "h": [ { "id": 2, "v": "nope", "op_time": "2024-01-02T00:00:00Z" } ] } },
                { "delete": { "t": [ { "id": 3 } ], "h": [ { "id": 3, "op_time": "2024-01-02T00:00:00Z" } ] } },
                { "soft_delete": { "t": [ { "id": 4 } ] } },
                { "truncate_before": [ "missing_table" ] },
                { "soft_truncate_before": [ "missing_table" ] },
                { "upsert": { "missing_table": [ { "id": 1, "v": "x" } ] } },
                { "update": { "missing_table": [ { "id": 1, "v": "x" } ] } },
                { "delete": { "missing_table": [ { "id": 1 } ] } }
              ]
            }
            """);
        await H.AssertRowsAsync("t", "id, v, _fivetran_deleted", ["1", "one", "false"]);
        await H.AssertRowsAsync("h", "id, v, _fivetran_active, _fivetran_end", ["1", "one", "true", TMax]);
        Assert.True((await H.DescribeAsync("missing_table")).NotFound);
    }

    [Fact]
    public async Task Record_operations_after_a_truncate_removed_every_row_are_no_ops()
    {
        await ReplayJsonAsync("""
            {
              "create_table": { "t": { "columns": { "id": "INT", "v": "STRING" }, "primary_key": ["id"] } },
              "ops": [
                { "upsert": { "t": [ { "id": 1, "v": "one" }, { "id": 2, "v": "two" } ] } },
                { "truncate_before": [ "t" ] },
                { "update": { "t": [ { "id": 1, "v": "changed" } ] } },
                { "delete": { "t": [ { "id": 2 } ] } },
                { "soft_delete": { "t": [ { "id": 1 } ] } },
                { "upsert": { "t": [ { "id": 3, "v": "three" } ] } }
              ]
            }
            """);
        await H.AssertRowsAsync("t", "id, v, _fivetran_deleted, _fivetran_synced", ["3", "three", "false", Synced(6)]);
    }

    [Fact]
    public async Task Truncate_removes_or_flags_only_rows_synced_before_the_cut_off()
    {
        var table = Table("t", Col("id", DataType.Int, pk: true), Col("v", DataType.String), Col("_fivetran_synced", DataType.UtcDatetime), Col("_fivetran_deleted", DataType.Boolean));
        await H.CreateAsync(table);
        var header = new[] { "id", "v", "_fivetran_synced", "_fivetran_deleted" };
        await H.WriteAsync(table, replace: [H.File(table, header, [1, "old", S1, false], [2, "edge", S1.AddSeconds(10), false], [3, "new", S1.AddSeconds(20), false])]);

        await H.TruncateAsync("t", S1.AddSeconds(10), softColumn: "_fivetran_deleted");
        await H.AssertRowsAsync("t", "id, _fivetran_deleted", ["1", "true"], ["2", "false"], ["3", "false"]);

        await H.TruncateAsync("t", S1.AddSeconds(20));
        await H.AssertRowsAsync("t", "id, v", ["3", "new"]);
    }

    [Fact]
    public async Task Keyless_tables_are_matched_by_fivetran_id()
    {
        var table = Table("keyless", Col("_fivetran_id", DataType.String, pk: true), Col("name", DataType.String), Col("n", DataType.Int),
            Col("_fivetran_synced", DataType.UtcDatetime), Col("_fivetran_deleted", DataType.Boolean));
        await H.CreateAsync(table);
        var header = new[] { "_fivetran_id", "name", "n", "_fivetran_synced", "_fivetran_deleted" };
        await H.WriteAsync(table, replace: [H.File(table, header, ["a", "first", 1, S1, false], ["b", "second", 2, S1, false], ["c", "third", 3, S1, false])]);
        var u = BatchFileWriter.Unmodified;
        await H.WriteAsync(table,
            replace: [H.File(table, header, ["a", "first again", 10, S1, false])],
            update: [H.File(table, header, ["b", u, 20, S1, u])],
            delete: [H.File(table, ["_fivetran_id", "_fivetran_synced"], ["c", S1])]);
        await H.AssertRowsAsync("keyless", "_fivetran_id, name, n", ["a", "first again", "10"], ["b", "second", "20"]);
    }

    [Fact]
    public async Task Composite_keys_upsert_update_and_delete_on_every_key_column()
    {
        var table = Table("composite", Col("k1", DataType.Int, pk: true), Col("k2", DataType.String, pk: true), Col("k3", DataType.NaiveDate, pk: true),
            Col("v", DataType.String), Col("w", DataType.Int), Col("_fivetran_synced", DataType.UtcDatetime));
        await H.CreateAsync(table);
        var header = new[] { "k1", "k2", "k3", "v", "w", "_fivetran_synced" };
        var d1 = new DateOnly(2024, 1, 1);
        var d2 = new DateOnly(2024, 1, 2);
        await H.WriteAsync(table, replace: [H.File(table, header, [1, "a", d1, "1a1", 1, S1], [1, "a", d2, "1a2", 2, S1], [1, "b", d1, "1b1", 3, S1], [2, "a", d1, "2a1", 4, S1])]);
        var u = BatchFileWriter.Unmodified;
        await H.WriteAsync(table,
            replace: [H.File(table, header, [1, "a", d1, "1a1 replaced", 10, S1])],
            update: [H.File(table, header, [1, "a", d2, u, 20, S1])],
            delete: [H.File(table, ["k1", "k2", "k3", "_fivetran_synced"], [1, "b", d1, S1], [1, "b", d2, S1])]);
        await H.AssertRowsAsync("composite", "k1, k2, k3, v, w",
            ["1", "a", "2024-01-01", "1a1 replaced", "10"], ["1", "a", "2024-01-02", "1a2", "20"], ["2", "a", "2024-01-01", "2a1", "4"]);
    }

    [Fact]
    public async Task Live_replace_update_and_delete_in_one_batch_keep_unmodified_cells_and_last_row_wins()
    {
        var table = Table("live", Col("id", DataType.Int, pk: true), Col("a", DataType.String), Col("b", DataType.Double), Col("c", DataType.Boolean),
            Col("_fivetran_synced", DataType.UtcDatetime), Col("_fivetran_deleted", DataType.Boolean));
        await H.CreateAsync(table);
        var header = new[] { "id", "a", "b", "c", "_fivetran_synced", "_fivetran_deleted" };
        var u = BatchFileWriter.Unmodified;
        await H.WriteAsync(table, replace: [H.File(table, header, [1, "x", 1.5, true, S1, false], [2, "y", 2.5, false, S1, false], [1, "x2", 1.75, true, S1, false])]);
        await H.WriteAsync(table,
            update: [H.File(table, header, [1, u, null, u, S1.AddSeconds(1), u], [2, "y2", u, u, S1.AddSeconds(1), true], [9, "ghost", 9, true, S1, false])],
            delete: [H.File(table, ["id", "_fivetran_synced"], [3, S1])]);
        await H.AssertRowsAsync("live", "id, a, b, c, _fivetran_synced, _fivetran_deleted",
            ["1", "x2", null, "true", "2024-01-01T00:00:01Z", "false"], ["2", "y2", "2.5", "false", "2024-01-01T00:00:01Z", "true"]);
    }
}
