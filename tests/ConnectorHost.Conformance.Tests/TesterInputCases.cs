using System.Text;
using ConnectorHost.Testing.Replay;
using FivetranSdk.V2;
using Xunit;

namespace ConnectorHost.Conformance.Tests;

/// <summary>Fivetran's public tester inputs, replayed as the tester would, with every landed row asserted.</summary>
public abstract partial class DestinationConformance
{
    protected static readonly DateTimeOffset SyncStart = new(2024, 6, 1, 8, 0, 0, TimeSpan.Zero);
    protected const string TMax = "9999-12-31T23:59:59.999Z";

    /// <summary>The sync time of the n-th operation of a replayed file (the replayer ticks one second per operation).</summary>
    protected static string Synced(int operation) => SyncStart.AddSeconds(operation).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

    protected async Task<ReplayReport> ReplayAsync(TesterInput input, bool expectSuccess = true)
    {
        var replayer = new DestinationReplayer(H.Destination.Connector, new ReplayOptions
        {
            BatchFileFormat = H.Destination.BatchFileFormat,
            Configuration = new Dictionary<string, string>(H.Destination.Configuration),
            SyncStart = SyncStart,
            WorkingDirectory = Path.Combine(H.Destination.WorkDirectory, "replay"),
        });
        var report = await replayer.ReplayAsync(input);
        if (expectSuccess)
        {
            Assert.True(report.Succeeded, "replay failed:\n" + string.Join("\n", report.InputErrors.Select(e => $"{e.Key}: {e.Value}")
                .Concat(report.Failures.Select(f => $"{f.Operation} {f.Rpc} {f.Table}: {f.Outcome} {f.Status} {f.Message} {f.Response} [{f.Request}]"))));
        }

        return report;
    }

    protected Task<ReplayReport> ReplayFileAsync(string name) =>
        ReplayAsync(TesterInput.Load(Path.Combine(AppContext.BaseDirectory, "TesterInputs", name)));

    protected Task<ReplayReport> ReplayJsonAsync(string json, bool expectSuccess = true) =>
        ReplayAsync(TesterInput.Parse("inline.json", json), expectSuccess);

    private static readonly string Bin = Convert.ToBase64String(Encoding.UTF8.GetBytes("[B@7d4991ad"));

    [Fact]
    public async Task Tester_input_json_lands_history_versions_truncates_and_soft_deletes()
    {
        var report = await ReplayFileAsync("input.json");
        Assert.Equal(
            ["CreateTable", "CreateTable", "CreateTable", "AlterTable", "AlterTable", "WriteHistoryBatch", "WriteBatch", "WriteBatch", "Truncate", "Truncate",
                "WriteHistoryBatch", "WriteHistoryBatch", "WriteHistoryBatch", "DescribeTable", "DescribeTable", "DescribeTable"],
            report.Calls.Select(c => c.Rpc));

        await H.AssertRowsAsync("transaction",
            "id, amount_double, amount_float, amount_decimal, flag, short_val, long_val, time_val, date_val, datetime_val, utc_val, binary_val, xml_val, string_val, json_val, new_column, old_column, _fivetran_start, _fivetran_end, _fivetran_active",
            ["1", "100.123456789", "10.12", "12345.123456789012345", "true", "123", "1234567890123", "10:15:30", "2023-10-27", "2023-10-27T15:00:00", "2023-10-27T15:00:00Z",
                Bin, "<tag>This is xml</tag>", "Some text", "{\"a\":123}", "New data", null, "2005-05-23T20:57:00Z", "2005-05-23T20:57:59.999Z", "false"],
            ["1", "300.111", "30.22", "12345.123456789012345", "true", "0", "0", "12:12:12", "2023-10-29", "2023-10-29T12:00:00", "2023-10-29T12:00:00Z",
                Bin, "<tag>Duplicate PK</tag>", "Duplicate text", "{\"c\":789}", "New data 2", null, "2005-05-23T20:58:00Z", "2023-10-30T14:59:59.999Z", "false"],
            ["1", "400.555", "30.22", "12345.123456789012345", "false", "0", "0", "12:12:12", "2023-10-29", "2023-10-29T12:00:00", "2023-10-29T12:00:00Z",
                Bin, "<tag>Duplicate PK</tag>", "Duplicate text", "{\"c\":789}", "New data 2", null, "2023-10-30T15:00:00Z", "2023-10-30T16:30:00Z", "false"],
            ["2", "200.987654321", "20.34", "12345678901234567890123.12345", "false", "-123", "9876543210123", "11:11:11", "2023-10-28", "2023-10-28T11:00:00", "2023-10-28T11:00:00Z",
                Bin, "<tag>XML test</tag>", "Another text", "{\"b\":456}", "New data 1", null, "2005-05-23T20:57:00Z", "2023-10-30T16:00:00Z", "false"]);
        await H.AssertRowsAsync("campaign", "_fivetran_id, name");
        await H.AssertRowsAsync("composite_table", "pk1, pk2, new_pk, old_pk, value, _fivetran_deleted, _fivetran_synced",
            ["1", "A", "1", null, "Value 1", "true", Synced(1)],
            ["1", "B", "2", null, "Value 2", "true", Synced(1)]);

        var transaction = (await H.DescribeAsync("transaction")).Table;
        Assert.Equal(
            ["id", "amount_double", "amount_float", "amount_decimal", "flag", "short_val", "long_val", "time_val", "date_val", "datetime_val", "utc_val", "binary_val",
                "xml_val", "string_val", "json_val", "new_column", "_fivetran_start", "_fivetran_end", "_fivetran_active", "_fivetran_synced", "old_column"],
            transaction.Columns.Select(c => c.Name));
        Assert.Equal(new DecimalParams { Precision = 38, Scale = 15 }, transaction.Columns.Single(c => c.Name == "amount_decimal").Params.Decimal);
        Assert.Equal(["id", "_fivetran_start"], transaction.Columns.Where(c => c.PrimaryKey).Select(c => c.Name));
        Assert.Equal(DataType.Json, transaction.Columns.Single(c => c.Name == "json_val").Type);
        Assert.Equal(DataType.Xml, transaction.Columns.Single(c => c.Name == "xml_val").Type);
        var campaign = (await H.DescribeAsync("campaign")).Table;
        Assert.Equal(["_fivetran_id"], campaign.Columns.Where(c => c.PrimaryKey).Select(c => c.Name));
        var composite = (await H.DescribeAsync("composite_table")).Table;
        Assert.Equal(["pk1", "pk2", "new_pk"], composite.Columns.Where(c => c.PrimaryKey).Select(c => c.Name));
        Assert.Equal("old_pk", composite.Columns.Last().Name);
    }

    [Fact]
    public async Task Tester_schema_migrations_ddl_add_change_type_and_drop_through_AlterTable()
    {
        var report = await ReplayFileAsync("schema_migrations_input_ddl.json");
        Assert.Equal(3, report.Calls.Count(c => c.Rpc == "AlterTable"));
        await H.AssertRowsAsync("transaction", "id, amount, operation_time, _fivetran_deleted",
            ["1", "100.45", null, "false"], ["2", "150.33", null, "false"], ["3", "150.33", null, "false"],
            ["4", "150.33", null, "false"], ["10", "200", null, "false"], ["20", "50", null, "false"]);
        var table = (await H.DescribeAsync("transaction")).Table;
        Assert.Equal(["id", "amount", "operation_time", "_fivetran_synced", "_fivetran_deleted"], table.Columns.Select(c => c.Name));
        Assert.Equal([DataType.Int, DataType.Float, DataType.UtcDatetime, DataType.UtcDatetime, DataType.Boolean], table.Columns.Select(c => c.Type));
    }

    [Fact]
    public async Task Tester_schema_migrations_dml_copy_update_default_null_rename_and_drop()
    {
        var report = await ReplayFileAsync("schema_migrations_input_dml.json");
        Assert.Equal(8, report.Calls.Count(c => c.Rpc == "Migrate"));
        const string op = "2005-05-28T20:57:00Z";
        string?[][] expected =
        [
            ["1", "202.57", null, null, op], ["2", "202.57", null, "two", op], ["3", "202.57", null, "two", op],
            ["4", "202.57", null, "two", op], ["10", "202.57", null, "three", op], ["20", "202.57", null, "money", op],
        ];
        await H.AssertRowsAsync("transaction", "id, amount_renamed, desc, desc_detailed, operation_time", expected);
        await H.AssertRowsAsync("transaction_renamed", "id, amount, desc, desc_detailed, operation_time", expected);
        Assert.True((await H.DescribeAsync("transaction_drop")).NotFound);
        Assert.True((await H.DescribeAsync("transaction_new")).NotFound);
        var renamed = (await H.DescribeAsync("transaction")).Table;
        Assert.DoesNotContain(renamed.Columns, c => c.Name == "amount");
        Assert.Equal(DataType.Double, renamed.Columns.Single(c => c.Name == "amount_renamed").Type);
        Assert.Equal(DataType.String, renamed.Columns.Single(c => c.Name == "desc_detailed").Type);
        Assert.Equal(DataType.UtcDatetime, renamed.Columns.Single(c => c.Name == "operation_time").Type);
    }

    [Fact]
    public async Task Tester_schema_migrations_sync_modes_history_columns_and_mode_switches()
    {
        var report = await ReplayFileAsync("schema_migrations_input_sync_modes.json");
        Assert.Equal(5, report.Calls.Count(c => c.Rpc == "Migrate"));
        const string op = "2005-05-28T20:57:00Z", closed = "2005-05-28T20:56:59.999Z", article = "Ordered article";
        const string t23 = "2005-05-23T20:57:00Z";
        await H.AssertRowsAsync("transaction_history", "id, amount, desc, article, _fivetran_start, _fivetran_end, _fivetran_active",
            ["1", "100.45", null, null, t23, closed, "false"], ["1", "100.45", null, article, op, TMax, "true"],
            ["2", "150.33", "two", null, t23, closed, "false"], ["2", "150.33", null, article, op, TMax, "true"],
            ["3", "150.33", "two", null, t23, closed, "false"], ["3", "150.33", null, article, op, TMax, "true"],
            ["4", "150.33", "two", null, t23, closed, "false"], ["4", "150.33", null, article, op, TMax, "true"],
            ["10", "200", "three", null, "2005-05-26T20:57:00Z", "2005-05-26T20:57:59.999Z", "false"],
            ["10", "100", "three", null, "2005-05-26T20:58:00Z", closed, "false"], ["10", "100", null, article, op, TMax, "true"],
            ["20", "50", "money", null, "2005-05-26T21:57:00Z", closed, "false"], ["20", "50", null, article, op, TMax, "true"]);

        // soft delete → history: every row active from the table's latest sync; _fivetran_deleted is gone.
        var s = Synced(1);
        await H.AssertRowsAsync("transaction", "id, amount, desc, _fivetran_start, _fivetran_end, _fivetran_active",
            ["1", "100.45", null, s, TMax, "true"], ["2", "150.33", "two", s, TMax, "true"], ["3", "150.33", "two", s, TMax, "true"],
            ["4", "150.33", "two", s, TMax, "true"], ["10", "200", "three", s, TMax, "true"], ["20", "50", "money", s, TMax, "true"]);
        var transaction = (await H.DescribeAsync("transaction")).Table;
        Assert.DoesNotContain(transaction.Columns, c => c.Name == "_fivetran_deleted");
        Assert.Equal(["id", "_fivetran_start"], transaction.Columns.Where(c => c.PrimaryKey).Select(c => c.Name));

        // copied to history, then back to soft delete: one row per key, none deleted, no history columns.
        await H.AssertRowsAsync("new_transaction_history", "id, amount, desc, _fivetran_deleted",
            ["1", "100.45", null, "false"], ["2", "150.33", "two", "false"], ["3", "150.33", "two", "false"],
            ["4", "150.33", "two", "false"], ["10", "200", "three", "false"], ["20", "50", "money", "false"]);
        var copied = (await H.DescribeAsync("new_transaction_history")).Table;
        Assert.DoesNotContain(copied.Columns, c => c.Name is "_fivetran_start" or "_fivetran_end" or "_fivetran_active");
        Assert.Equal(["id"], copied.Columns.Where(c => c.PrimaryKey).Select(c => c.Name));
    }
}
