using ConnectorHost.Abstractions;
using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using Xunit;
using static ConnectorHost.Conformance.Tests.Support.ConformanceHarness;

namespace ConnectorHost.Conformance.Tests;

/// <summary>Types and their DescribeTable round trip, awkward names, migrations beyond the tester files, parallel calls.</summary>
public abstract partial class DestinationConformance
{
    private static Table AllTypes(bool withBinary) => Table("types", [..
        new[]
        {
            Col("id", DataType.Int, pk: true), Col("b", DataType.Boolean), Col("s", DataType.Short), Col("i", DataType.Int),
            Col("l", DataType.Long), Decimal("dec", 38, 37), Decimal("money", 10, 2), Col("f", DataType.Float), Col("d", DataType.Double),
            Col("date", DataType.NaiveDate), Col("time", DataType.NaiveTime), Col("dt", DataType.NaiveDatetime),
            Col("utc", DataType.UtcDatetime), Col("bin", DataType.Binary), Col("json", DataType.Json), Col("xml", DataType.Xml),
            Col("str", DataType.String), new Column { Name = "code", Type = DataType.String, Params = new DataTypeParams { StringByteLength = 12 } },
        }.Where(c => withBinary || c.Type != DataType.Binary)]);

    /// <remarks>
    /// Without the BINARY column the replace into the empty table takes a destination's direct load where it has one
    /// (DuckDB's table function, PostgreSQL's COPY into the table), so both load paths are held to the same rows.
    /// </remarks>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Every_data_type_round_trips_through_DescribeTable_and_lands_exactly(bool withBinary)
    {
        var table = await H.CreateAsync(AllTypes(withBinary));
        Assert.Equal(AllTypes(withBinary), (await H.DescribeAsync("types")).Table);

        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        const string unicode = "héllo 世界 🎉 \"quoted\", comma\nnew line \\ backslash";
        const int binary = 13; // the position of "bin" in every row below
        string[] header = ["id", "b", "s", "i", "l", "dec", "money", "f", "d", "date", "time", "dt", "utc", "bin", "json", "xml", "str", "code"];
        object?[][] rows =
        [
            [1, true, short.MinValue, int.MinValue, long.MinValue, "-9.9999999999999999999999999999999999999", "-12345678.99", float.MaxValue, double.MaxValue,
                new DateOnly(2007, 12, 3), new TimeOnly(10, 15, 30), new DateTime(2007, 12, 3, 10, 15, 30), new DateTimeOffset(2007, 12, 3, 10, 15, 30, 123, TimeSpan.Zero),
                bytes, "{\"b\": [1, 2], \"a\": 123}", "<tag>This is xml</tag>", unicode, "ABCDEFGHIJKL"],
            [2, false, short.MaxValue, int.MaxValue, long.MaxValue, "1.2345678901234567890123456789012345678", "0.01", float.Epsilon, -2.2250738585072014E-308,
                new DateOnly(1, 1, 1), new TimeOnly(23, 59, 59, 999), new DateTime(9999, 12, 31, 23, 59, 59, 999), new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.Zero),
                Array.Empty<byte>(), "[]", "<a/>", "", ""],
            [3, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null],
            [4, true, (short)-1, -1, -1L, "-0.0000000000000000000000000000000000001", "-0.01", -1.5f, -0.5,
                new DateOnly(1969, 12, 31), new TimeOnly(0, 0, 0, 1), new DateTime(1969, 12, 31, 23, 59, 59, 500), new DateTimeOffset(1900, 1, 1, 0, 0, 0, 250, TimeSpan.Zero),
                new byte[] { 0 }, "{}", "<b></b>", "thirteen char", "ABCDEFGHIJK"],
        ];
        string?[][] expected =
        [
            ["1", "true", "-32768", "-2147483648", "-9223372036854775808", "-9.9999999999999999999999999999999999999", "-12345678.99", float.MaxValue.ToString("R"), double.MaxValue.ToString("R"),
                "2007-12-03", "10:15:30", "2007-12-03T10:15:30", "2007-12-03T10:15:30.123Z", Convert.ToBase64String(bytes), "{\"a\":123,\"b\":[1,2]}", "<tag>This is xml</tag>", unicode, "ABCDEFGHIJKL"],
            ["2", "false", "32767", "2147483647", "9223372036854775807", "1.2345678901234567890123456789012345678", "0.01", float.Epsilon.ToString("R"), "-2.2250738585072014E-308",
                "0001-01-01", "23:59:59.999", "9999-12-31T23:59:59.999", "1970-01-01T00:00:00Z", "", "[]", "<a/>", "", ""],
            ["3", null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null],
            ["4", "true", "-1", "-1", "-1", "-0.0000000000000000000000000000000000001", "-0.01", "-1.5", "-0.5",
                "1969-12-31", "00:00:00.001", "1969-12-31T23:59:59.5", "1900-01-01T00:00:00.25Z", "AA==", "{}", "<b></b>", "thirteen char", "ABCDEFGHIJK"],
        ];
        if (!withBinary)
        {
            header = [.. header.Where((_, i) => i != binary)];
            rows = [.. rows.Select(row => row.Where((_, i) => i != binary).ToArray())];
            expected = [.. expected.Select(row => row.Where((_, i) => i != binary).ToArray())];
        }

        await H.WriteAsync(table, replace: [H.File(table, header, rows)]);
        await H.AssertRowsAsync("types", string.Join(", ", header), expected);
    }

    [Fact]
    public async Task Names_with_quotes_dots_spaces_and_unicode_work_everywhere()
    {
        const string schema = "sch.ema \"q\" é";
        const string tableName = "tab.le \"quoted\" ; DROP TABLE x; 表";
        var table = Table(tableName, Col("i\"d", DataType.Int, pk: true), Col("va.lue é 値", DataType.String), Col("_fivetran_synced", DataType.UtcDatetime));
        await H.CreateAsync(table, schema);
        await H.WriteAsync(table, replace: [H.File(table, ["i\"d", "va.lue é 値", "_fivetran_synced"], [1, "one", S1], [2, "two", S1])], schema: schema);
        await H.WriteAsync(table, delete: [H.File(table, ["i\"d", "_fivetran_synced"], [2, S1])], schema: schema);
        Assert.Equal(table, (await H.DescribeAsync(tableName, schema)).Table);
        var rows = await H.Destination.ReadRowsAsync(schema, tableName);
        Assert.Equal(["1|one"], rows.Select(r => $"{r["i\"d"]}|{r["va.lue é 値"]}"));
        Assert.True((await H.DescribeAsync(tableName)).NotFound, "the table lives in its own schema only");
    }

    [Fact]
    public async Task Add_column_with_default_on_an_existing_column_still_sets_every_row()
    {
        var table = Table("t", Col("id", DataType.Int, pk: true), Col("v", DataType.String), Col("_fivetran_synced", DataType.UtcDatetime));
        await H.CreateAsync(table);
        await H.WriteAsync(table, replace: [H.File(table, ["id", "v", "_fivetran_synced"], [1, "a", S1], [2, null, S1])]);
        var add = new MigrationDetails { Schema = Support.ConformanceHarness.Schema, Table = "t", Add = new AddOperation { AddColumnWithDefaultValue = new AddColumnWithDefaultValue { Column = "v", ColumnType = DataType.String, DefaultValue = "d" } } };
        Assert.True((await H.MigrateAsync(add)).Success);
        var addNew = new MigrationDetails { Schema = Support.ConformanceHarness.Schema, Table = "t", Add = new AddOperation { AddColumnWithDefaultValue = new AddColumnWithDefaultValue { Column = "n", ColumnType = DataType.Long, DefaultValue = "42" } } };
        Assert.True((await H.MigrateAsync(addNew)).Success);
        await H.AssertRowsAsync("t", "id, v, n", ["1", "d", "42"], ["2", "d", "42"]);
        Assert.Equal(DataType.Long, (await H.DescribeAsync("t")).Table.Columns.Single(c => c.Name == "n").Type);
    }

    [Theory]
    [InlineData(TableSyncModeMigrationType.SoftDeleteToLive)]
    [InlineData(TableSyncModeMigrationType.HistoryToLive)]
    [InlineData(TableSyncModeMigrationType.LiveToSoftDelete)]
    [InlineData(TableSyncModeMigrationType.LiveToHistory)]
    public async Task Live_sync_mode_migrations_answer_unsupported_and_change_nothing(TableSyncModeMigrationType type)
    {
        var table = Table("t", Col("id", DataType.Int, pk: true), Col("_fivetran_synced", DataType.UtcDatetime), Col("_fivetran_deleted", DataType.Boolean));
        await H.CreateAsync(table);
        await H.WriteAsync(table, replace: [H.File(table, ["id", "_fivetran_synced", "_fivetran_deleted"], [1, S1, true])]);
        var before = await H.SnapshotAsync("t");
        var details = new MigrationDetails { Schema = Support.ConformanceHarness.Schema, Table = "t", TableSyncModeMigration = new TableSyncModeMigrationOperation { Type = type, SoftDeletedColumn = "_fivetran_deleted", KeepDeletedRows = true } };
        Assert.True((await H.MigrateAsync(details)).Unsupported);
        Assert.Equal(before, await H.SnapshotAsync("t"));
    }

    [Fact]
    public async Task AlterTable_adds_changes_type_and_key_and_drops_only_when_asked()
    {
        var table = Table("t", Col("id", DataType.Int, pk: true), Col("n", DataType.Int), Col("gone", DataType.String), Col("_fivetran_synced", DataType.UtcDatetime));
        await H.CreateAsync(table);
        await H.WriteAsync(table, replace: [H.File(table, ["id", "n", "gone", "_fivetran_synced"], [1, 10, "g", S1], [2, 20, "h", S1])]);

        var widened = Table("t", Col("id", DataType.Long, pk: true), Col("n", DataType.String), Col("added", DataType.Boolean), Col("_fivetran_synced", DataType.UtcDatetime));
        await H.AlterAsync(widened);
        await H.AssertRowsAsync("t", "id, n, gone, added", ["1", "10", "g", null], ["2", "20", "h", null]);
        var described = (await H.DescribeAsync("t")).Table;
        Assert.Equal(["id", "n", "added", "_fivetran_synced", "gone"], described.Columns.Select(c => c.Name));
        Assert.Equal([DataType.Long, DataType.String, DataType.Boolean, DataType.UtcDatetime, DataType.String], described.Columns.Select(c => c.Type));

        await H.AlterAsync(widened, dropColumns: true);
        Assert.Equal(["id", "n", "added", "_fivetran_synced"], (await H.DescribeAsync("t")).Table.Columns.Select(c => c.Name));
        await H.AssertRowsAsync("t", "id, n, added", ["1", "10", null], ["2", "20", null]);
    }

    [Fact]
    public async Task Parallel_CreateTable_DescribeTable_and_WriteBatch_on_different_tables_all_land()
    {
        const int tables = 6;
        Table Numbered(int i) => Table($"p{i}", Col("id", DataType.Int, pk: true), Col("v", DataType.String), Col("_fivetran_synced", DataType.UtcDatetime));
        await Task.WhenAll(Enumerable.Range(0, tables).Select(async i =>
        {
            await Task.Yield();
            await H.CreateAsync(Numbered(i));
            Assert.Equal(Numbered(i), (await H.DescribeAsync($"p{i}")).Table);
        }));
        var files = Enumerable.Range(0, tables).Select(i => H.File(Numbered(i), ["id", "v", "_fivetran_synced"], Enumerable.Range(1, 50).Select(r => new object?[] { r, $"t{i} r{r}", S1 }).ToArray())).ToList();
        await Task.WhenAll(Enumerable.Range(0, tables).Select(async i =>
        {
            await Task.Yield();
            await H.WriteAsync(Numbered(i), replace: [files[i]]);
            _ = await H.DescribeAsync($"p{(i + 1) % tables}");
        }));
        for (var i = 0; i < tables; i++)
        {
            var rows = await H.LandedAsync($"p{i}", "id, v");
            Assert.Equal(50, rows.Count);
            Assert.All(rows, r => Assert.StartsWith($"t{i} ", r[1]));
        }
    }
}
