using System.Text;
using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using SqliteDestination.Tests.Support;
using Xunit;
using static SqliteDestination.Tests.Support.DestinationHarness;

namespace SqliteDestination.Tests;

/// <summary>
/// The tester's input.json, as the destination tester would send it (system columns added, history-mode table
/// written through WriteHistoryBatch), with the final rows reasoned out operation by operation.
/// </summary>
public abstract class TesterInputScenarios(DestinationHarness harness) : IDisposable
{
    private const string Max = "9999-12-31T23:59:59.999Z";
    private static readonly DateTimeOffset TMax = new(9999, 12, 31, 23, 59, 59, 999, TimeSpan.Zero);
    private static readonly DateTimeOffset Sync1 = new(2024, 6, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Sync2 = Sync1.AddMinutes(5);
    private static readonly byte[] Binary = Encoding.UTF8.GetBytes("[B@7d4991ad");
    private readonly DestinationHarness _h = harness;

    public void Dispose() => _h.Dispose();

    private static Column[] TransactionColumns(uint scale, string lastColumn) =>
    [
        Col("id", DataType.Int, pk: true), Col("amount_double", DataType.Double), Col("amount_float", DataType.Float),
        Decimal("amount_decimal", 38, scale), Col("flag", DataType.Boolean), Col("short_val", DataType.Short),
        Col("long_val", DataType.Long), Col("time_val", DataType.NaiveTime), Col("date_val", DataType.NaiveDate),
        Col("datetime_val", DataType.NaiveDatetime), Col("utc_val", DataType.UtcDatetime), Col("binary_val", DataType.Binary),
        Col("xml_val", DataType.Xml), Col("string_val", DataType.String), Col("json_val", DataType.Json), Col(lastColumn, DataType.String),
        Col("_fivetran_start", DataType.UtcDatetime, pk: true), Col("_fivetran_end", DataType.UtcDatetime),
        Col("_fivetran_active", DataType.Boolean), Col("_fivetran_synced", DataType.UtcDatetime),
    ];

    private static readonly string[] TransactionHeader =
    [
        "id", "amount_double", "amount_float", "amount_decimal", "flag", "short_val", "long_val", "time_val", "date_val",
        "datetime_val", "utc_val", "binary_val", "xml_val", "string_val", "json_val", "new_column",
        "_fivetran_start", "_fivetran_end", "_fivetran_active", "_fivetran_synced",
    ];

    [Fact]
    public async Task Input_json_create_alter_upsert_truncate_update_delete_soft_delete_and_describe()
    {
        // create_table
        await _h.CreateAsync(Table("transaction", TransactionColumns(10, "old_column")));
        await _h.CreateAsync(Table("campaign", Col("_fivetran_id", DataType.String, pk: true), Col("name", DataType.String), Decimal("num_decimal", 6, 3),
            Col("start_date", DataType.NaiveDate), Col("end_datetime", DataType.UtcDatetime), Col("is_active", DataType.Boolean),
            Col("_fivetran_synced", DataType.UtcDatetime), Col("_fivetran_deleted", DataType.Boolean)));
        await _h.CreateAsync(Table("composite_table", Col("pk1", DataType.Int, pk: true), Col("pk2", DataType.String, pk: true), Col("old_pk", DataType.String, pk: true),
            Col("value", DataType.String), Col("_fivetran_synced", DataType.UtcDatetime), Col("_fivetran_deleted", DataType.Boolean)));

        // alter_table (drop_columns is false: old_column and old_pk stay, no longer in the key)
        var transaction = Table("transaction", TransactionColumns(15, "new_column"));
        await _h.AlterAsync(transaction);
        var composite = Table("composite_table", Col("pk1", DataType.Int, pk: true), Col("pk2", DataType.String, pk: true), Col("new_pk", DataType.String, pk: true),
            Col("value", DataType.String), Col("_fivetran_synced", DataType.UtcDatetime), Col("_fivetran_deleted", DataType.Boolean));
        await _h.AlterAsync(composite);

        // upsert: three transaction versions (id 1 twice), one campaign row, two composite rows
        var t2057 = new DateTimeOffset(2005, 5, 23, 20, 57, 0, TimeSpan.Zero);
        var t2058 = new DateTimeOffset(2005, 5, 23, 20, 58, 0, TimeSpan.Zero);
        await _h.WriteHistoryAsync(transaction,
            earliest: [_h.File(["id", "_fivetran_start"], [1, t2057], [2, t2057])],
            replace: [_h.File(TransactionHeader,
                [1, 100.123456789, 10.12f, "12345.123456789012345", true, (short)123, 1234567890123L, new TimeOnly(10, 15, 30), new DateOnly(2023, 10, 27),
                    new DateTime(2023, 10, 27, 15, 0, 0), new DateTimeOffset(2023, 10, 27, 15, 0, 0, TimeSpan.Zero), Binary, "<tag>This is xml</tag>", "Some text", "{\"a\":123}", "New data",
                    t2057, t2058.AddMilliseconds(-1), false, Sync1],
                [2, 200.987654321, 20.34f, "12345678901234567890123.12345", false, (short)-123, 9876543210123L, new TimeOnly(11, 11, 11), new DateOnly(2023, 10, 28),
                    new DateTime(2023, 10, 28, 11, 0, 0), new DateTimeOffset(2023, 10, 28, 11, 0, 0, TimeSpan.Zero), Binary, "<tag>XML test</tag>", "Another text", "{\"b\":456}", "New data 1",
                    t2057, TMax, true, Sync1],
                [1, 300.111, 30.22f, "12345.123456789012345", true, (short)0, 0L, new TimeOnly(12, 12, 12), new DateOnly(2023, 10, 29),
                    new DateTime(2023, 10, 29, 12, 0, 0), new DateTimeOffset(2023, 10, 29, 12, 0, 0, TimeSpan.Zero), Binary, "<tag>Duplicate PK</tag>", "Duplicate text", "{\"c\":789}", "New data 2",
                    t2058, TMax, true, Sync1])]);
        var campaign = Table("campaign");
        await _h.WriteAsync(campaign, replace: [_h.File(["_fivetran_id", "name", "num_decimal", "start_date", "end_datetime", "is_active", "_fivetran_synced", "_fivetran_deleted"],
            ["abc-123-xyz", "Campaign A", "100.123", new DateOnly(2023, 1, 1), new DateTimeOffset(2023, 12, 31, 23, 59, 59, TimeSpan.Zero), true, Sync1, false])]);
        await _h.WriteAsync(composite, replace: [_h.File(["pk1", "pk2", "new_pk", "value", "_fivetran_synced", "_fivetran_deleted"],
            [1, "A", "1", "Value 1", Sync1, false], [1, "B", "2", "Value 2", Sync1, false])]);

        // truncate_before campaign (hard), soft_truncate_before composite_table
        await _h.TruncateAsync("campaign", Sync2.UtcDateTime);
        await _h.TruncateAsync("composite_table", Sync2.UtcDateTime, softColumn: "_fivetran_deleted");

        // update id 1 (amount_double, flag) at 2023-10-30T15:00Z: a new version from the active one
        var u = BatchFileWriter.Unmodified;
        var t1500 = new DateTimeOffset(2023, 10, 30, 15, 0, 0, TimeSpan.Zero);
        await _h.WriteHistoryAsync(transaction,
            earliest: [_h.File(["id", "_fivetran_start"], [1, t1500])],
            update: [_h.File(TransactionHeader, [1, 400.555, u, u, false, u, u, u, u, u, u, u, u, u, u, u, t1500, TMax, true, Sync2])]);

        // delete id 2 at 16:00, soft_delete id 1 at 16:30 (history mode: both close the active version)
        var historyDeleteHeader = new[] { "id", "_fivetran_start", "_fivetran_end", "_fivetran_active", "_fivetran_synced" };
        await _h.WriteHistoryAsync(transaction, delete: [_h.File(historyDeleteHeader, [2, null, new DateTimeOffset(2023, 10, 30, 16, 0, 0, TimeSpan.Zero), false, Sync2])]);
        await _h.WriteHistoryAsync(transaction, delete: [_h.File(historyDeleteHeader, [1, null, new DateTimeOffset(2023, 10, 30, 16, 30, 0, TimeSpan.Zero), false, Sync2])]);

        // Final rows, cell by cell.
        var rows = _h.Rows("transaction",
            "id, amount_double, amount_float, amount_decimal, flag, short_val, long_val, time_val, date_val, datetime_val, utc_val, binary_val, xml_val, string_val, json_val, new_column, old_column, _fivetran_start, _fivetran_end, _fivetran_active",
            "id, _fivetran_start");
        Assert.Equal(4, rows.Count);
        Assert.Equal(new object?[]
        {
            1L, 100.123456789, (double)10.12f, "12345.123456789012345", 1L, 123L, 1234567890123L, "10:15:30", "2023-10-27", "2023-10-27T15:00:00", "2023-10-27T15:00:00.000Z",
            Binary, "<tag>This is xml</tag>", "Some text", "{\"a\":123}", "New data", null, "2005-05-23T20:57:00.000Z", "2005-05-23T20:57:59.999Z", 0L,
        }, rows[0]);
        Assert.Equal(new object?[]
        {
            1L, 300.111, (double)30.22f, "12345.123456789012345", 1L, 0L, 0L, "12:12:12", "2023-10-29", "2023-10-29T12:00:00", "2023-10-29T12:00:00.000Z",
            Binary, "<tag>Duplicate PK</tag>", "Duplicate text", "{\"c\":789}", "New data 2", null, "2005-05-23T20:58:00.000Z", "2023-10-30T14:59:59.999Z", 0L,
        }, rows[1]);
        Assert.Equal(new object?[]
        {
            1L, 400.555, (double)30.22f, "12345.123456789012345", 0L, 0L, 0L, "12:12:12", "2023-10-29", "2023-10-29T12:00:00", "2023-10-29T12:00:00.000Z",
            Binary, "<tag>Duplicate PK</tag>", "Duplicate text", "{\"c\":789}", "New data 2", null, "2023-10-30T15:00:00.000Z", "2023-10-30T16:30:00.000Z", 0L,
        }, rows[2]);
        Assert.Equal(new object?[]
        {
            2L, 200.987654321, (double)20.34f, "12345678901234567890123.12345", 0L, -123L, 9876543210123L, "11:11:11", "2023-10-28", "2023-10-28T11:00:00", "2023-10-28T11:00:00.000Z",
            Binary, "<tag>XML test</tag>", "Another text", "{\"b\":456}", "New data 1", null, "2005-05-23T20:57:00.000Z", "2023-10-30T16:00:00.000Z", 0L,
        }, rows[3]);

        Assert.Empty(_h.Rows("campaign", "*", "1"));
        var compositeRows = _h.Rows("composite_table", "pk1, pk2, new_pk, old_pk, value, _fivetran_deleted", "pk2");
        Assert.Equal(new object?[] { 1L, "A", "1", null, "Value 1", 1L }, compositeRows[0]);
        Assert.Equal(new object?[] { 1L, "B", "2", null, "Value 2", 1L }, compositeRows[1]);

        // describe_table
        var described = (await _h.DescribeAsync("transaction")).Table;
        Assert.Equal([.. TransactionHeader.Take(16), "_fivetran_start", "_fivetran_end", "_fivetran_active", "_fivetran_synced", "old_column"], described.Columns.Select(c => c.Name));
        Assert.Equal(15u, described.Columns.Single(c => c.Name == "amount_decimal").Params.Decimal.Scale);
        Assert.Equal(["id", "_fivetran_start"], described.Columns.Where(c => c.PrimaryKey).Select(c => c.Name));
        Assert.Equal(8, (await _h.DescribeAsync("campaign")).Table.Columns.Count);
        var describedComposite = (await _h.DescribeAsync("composite_table")).Table;
        Assert.Equal(["pk1", "pk2", "new_pk"], describedComposite.Columns.Where(c => c.PrimaryKey).Select(c => c.Name));
        Assert.Equal("old_pk", describedComposite.Columns.Last().Name);
    }
}

/// <summary>The scenarios with the plugin in-process.</summary>
public sealed class TesterInputScenarioTests() : TesterInputScenarios(new DestinationHarness())
{
}

/// <summary>The same scenarios end to end: the real host loads the plugin, every call goes over gRPC.</summary>
public sealed class TesterInputScenarioThroughHostTests(SqliteHostFixture host)
    : TesterInputScenarios(new DestinationHarness(host.Connector)), IClassFixture<SqliteHostFixture>
{
}
