using FivetranSdk.V2;
using SqliteDestination.Tests.Support;
using Xunit;
using static SqliteDestination.Tests.Support.DestinationHarness;

namespace SqliteDestination.Tests;

/// <summary>The tester's schema_migrations_input_{ddl,dml,sync_modes}.json scenarios, final rows asserted cell by cell.</summary>
public abstract class SchemaMigrationScenarios(DestinationHarness harness) : IDisposable
{
    private const string Max = "9999-12-31T23:59:59.999Z";
    private static readonly DateTimeOffset Synced = new(2024, 5, 1, 12, 0, 0, 0, TimeSpan.Zero);
    private const string SyncedText = "2024-05-01T12:00:00.000Z";
    private readonly DestinationHarness _h = harness;

    public void Dispose() => _h.Dispose();

    private static Table Transaction(string name = "transaction") => Table(name,
        Col("id", DataType.Int, pk: true), Col("amount", DataType.Double), Col("desc", DataType.String),
        Col("_fivetran_synced", DataType.UtcDatetime), Col("_fivetran_deleted", DataType.Boolean));

    private static readonly object?[][] SixRows =
    [
        [1, 100.45, null, Synced, false], [2, 150.33, "two", Synced, false], [3, 150.33, "two", Synced, false],
        [4, 150.33, "two", Synced, false], [10, 200.0, "three", Synced, false], [20, 50.0, "money", Synced, false],
    ];

    private async Task<Table> CreateTransactionWithRowsAsync(string name = "transaction", object?[][]? rows = null)
    {
        var table = await _h.CreateAsync(Transaction(name));
        await _h.WriteAsync(table, replace: [_h.File(["id", "amount", "desc", "_fivetran_synced", "_fivetran_deleted"], rows ?? SixRows)]);
        return table;
    }

    private static MigrationDetails Details(string table) => new() { Schema = DestinationHarness.Schema, Table = table };

    private async Task MigrateOkAsync(MigrationDetails details) => Assert.True((await _h.MigrateAsync(details)).Success);

    private async Task<List<(string Name, DataType Type, bool Pk)>> ColumnsAsync(string table)
    {
        var response = await _h.DescribeAsync(table);
        Assert.Equal(DescribeTableResponse.ResponseOneofCase.Table, response.ResponseCase);
        return response.Table.Columns.Select(c => (c.Name, c.Type, c.PrimaryKey)).ToList();
    }

    [Fact]
    public async Task Ddl_add_column_change_type_and_drop_column_through_alter_table()
    {
        await CreateTransactionWithRowsAsync();
        await _h.AlterAsync(Table("transaction",
            Col("id", DataType.Int, pk: true), Col("amount", DataType.Float), Col("operation_time", DataType.UtcDatetime),
            Col("_fivetran_synced", DataType.UtcDatetime), Col("_fivetran_deleted", DataType.Boolean)), dropColumns: true);

        Assert.Equal(
            [("id", DataType.Int, true), ("amount", DataType.Float, false), ("operation_time", DataType.UtcDatetime, false), ("_fivetran_synced", DataType.UtcDatetime, false), ("_fivetran_deleted", DataType.Boolean, false)],
            await ColumnsAsync("transaction"));
        var rows = _h.Rows("transaction", "id, amount, operation_time", "id");
        Assert.Equal(6, rows.Count);
        Assert.Equal(new object?[] { 1L, (double)100.45f, null }, rows[0]);
        Assert.Equal(new object?[] { 2L, (double)150.33f, null }, rows[1]);
        Assert.Equal(new object?[] { 20L, 50.0, null }, rows[5]);
        using var connection = _h.OpenDatabase();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM pragma_table_info('tester.transaction') WHERE name = 'desc'";
        Assert.Equal(0L, command.ExecuteScalar());
    }

    [Fact]
    public async Task Dml_copy_update_default_null_copy_table_rename_and_drop()
    {
        await CreateTransactionWithRowsAsync();
        await CreateTransactionWithRowsAsync("transaction_drop", SixRows[..2]);

        var copyColumn = Details("transaction");
        copyColumn.Copy = new CopyOperation { CopyColumn = new CopyColumn { FromColumn = "desc", ToColumn = "desc_detailed" } };
        await MigrateOkAsync(copyColumn);
        var update = Details("transaction");
        update.UpdateColumnValue = new UpdateColumnValueOperation { Column = "amount", Value = "202.57" };
        await MigrateOkAsync(update);
        var addDefault = Details("transaction");
        addDefault.Add = new AddOperation { AddColumnWithDefaultValue = new AddColumnWithDefaultValue { Column = "operation_time", ColumnType = DataType.UtcDatetime, DefaultValue = "2005-05-28T20:57:00Z" } };
        await MigrateOkAsync(addDefault);
        var setNull = Details("transaction");
        setNull.UpdateColumnValue = new UpdateColumnValueOperation { Column = "desc", Value = "NULL" };
        await MigrateOkAsync(setNull);
        var copyTable = Details("transaction");
        copyTable.Copy = new CopyOperation { CopyTable = new CopyTable { FromTable = "transaction", ToTable = "transaction_new" } };
        await MigrateOkAsync(copyTable);
        var renameColumn = Details("transaction");
        renameColumn.Rename = new RenameOperation { RenameColumn = new RenameColumn { FromColumn = "amount", ToColumn = "amount_renamed" } };
        await MigrateOkAsync(renameColumn);
        var renameTable = Details("transaction_new");
        renameTable.Rename = new RenameOperation { RenameTable = new RenameTable { FromTable = "transaction_new", ToTable = "transaction_renamed" } };
        await MigrateOkAsync(renameTable);
        var drop = Details("transaction_drop");
        drop.Drop = new DropOperation { DropTable = true };
        await MigrateOkAsync(drop);

        Assert.Equal(
            ["id", "amount_renamed", "desc", "_fivetran_synced", "_fivetran_deleted", "desc_detailed", "operation_time"],
            (await ColumnsAsync("transaction")).Select(c => c.Name));
        var rows = _h.Rows("transaction", "id, amount_renamed, desc, desc_detailed, operation_time", "id");
        var expectedDesc = new[] { null, "two", "two", "two", "three", "money" };
        Assert.Equal(6, rows.Count);
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(new object?[] { Convert.ToInt64(SixRows[i][0]), 202.57, null, expectedDesc[i], "2005-05-28T20:57:00.000Z" }, rows[i]);
        }

        Assert.Equal(
            ["id", "amount", "desc", "_fivetran_synced", "_fivetran_deleted", "desc_detailed", "operation_time"],
            (await ColumnsAsync("transaction_renamed")).Select(c => c.Name));
        var copied = _h.Rows("transaction_renamed", "id, amount, desc, desc_detailed, operation_time", "id");
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(new object?[] { Convert.ToInt64(SixRows[i][0]), 202.57, null, expectedDesc[i], "2005-05-28T20:57:00.000Z" }, copied[i]);
        }

        Assert.Equal(DescribeTableResponse.ResponseOneofCase.NotFound, (await _h.DescribeAsync("transaction_new")).ResponseCase);
        Assert.Equal(DescribeTableResponse.ResponseOneofCase.NotFound, (await _h.DescribeAsync("transaction_drop")).ResponseCase);
    }

    [Fact]
    public async Task Add_column_with_default_on_an_existing_column_still_sets_every_row()
    {
        await CreateTransactionWithRowsAsync();
        var add = Details("transaction");
        add.Add = new AddOperation { AddColumnWithDefaultValue = new AddColumnWithDefaultValue { Column = "desc", ColumnType = DataType.String, DefaultValue = "d" } };
        await MigrateOkAsync(add);
        Assert.All(_h.Rows("transaction", "desc", "id"), r => Assert.Equal("d", r[0]));
    }

    [Fact]
    public async Task Sync_modes_history_columns_copy_to_history_and_both_directions()
    {
        await CreateTransactionWithRowsAsync();
        var history = await _h.CreateAsync(Table("transaction_history",
            Col("id", DataType.Int, pk: true), Col("amount", DataType.Double), Col("desc", DataType.String),
            Col("_fivetran_start", DataType.UtcDatetime, pk: true), Col("_fivetran_end", DataType.UtcDatetime),
            Col("_fivetran_active", DataType.Boolean), Col("_fivetran_synced", DataType.UtcDatetime)));
        var t0 = new DateTimeOffset(2005, 5, 23, 20, 57, 0, TimeSpan.Zero);
        var t10a = new DateTimeOffset(2005, 5, 26, 20, 57, 0, TimeSpan.Zero);
        var t10b = new DateTimeOffset(2005, 5, 26, 20, 58, 0, TimeSpan.Zero);
        var t20 = new DateTimeOffset(2005, 5, 26, 21, 57, 0, TimeSpan.Zero);
        var max = new DateTimeOffset(9999, 12, 31, 23, 59, 59, 999, TimeSpan.Zero);
        await _h.WriteHistoryAsync(history,
            earliest: [_h.File(["id", "_fivetran_start"], [1, t0], [2, t0], [3, t0], [4, t0], [10, t10a], [20, t20])],
            replace: [_h.File(["id", "amount", "desc", "_fivetran_start", "_fivetran_end", "_fivetran_active", "_fivetran_synced"],
                [1, 100.45, null, t0, max, true, Synced], [2, 150.33, "two", t0, max, true, Synced],
                [3, 150.33, "two", t0, max, true, Synced], [4, 150.33, "two", t0, max, true, Synced],
                [10, 200.0, "three", t10a, t10b.AddMilliseconds(-1), false, Synced], [10, 100.0, "three", t10b, max, true, Synced],
                [20, 50.0, "money", t20, max, true, Synced])]);

        const string op = "2005-05-28T20:57:00Z";
        const string opText = "2005-05-28T20:57:00.000Z";
        const string opMinus1 = "2005-05-28T20:56:59.999Z";
        var addColumn = Details("transaction_history");
        addColumn.Add = new AddOperation { AddColumnInHistoryMode = new AddColumnInHistoryMode { Column = "article", ColumnType = DataType.String, DefaultValue = "Ordered article", OperationTimestamp = op } };
        await MigrateOkAsync(addColumn);
        var dropColumn = Details("transaction_history");
        dropColumn.Drop = new DropOperation { DropColumnInHistoryMode = new DropColumnInHistoryMode { Column = "desc", OperationTimestamp = op } };
        await MigrateOkAsync(dropColumn);

        var rows = _h.Rows("transaction_history", "id, amount, desc, article, _fivetran_start, _fivetran_end, _fivetran_active", "id, _fivetran_start");
        Assert.Equal(13, rows.Count);
        Assert.Equal(new object?[] { 1L, 100.45, null, null, "2005-05-23T20:57:00.000Z", opMinus1, 0L }, rows[0]);
        Assert.Equal(new object?[] { 1L, 100.45, null, "Ordered article", opText, Max, 1L }, rows[1]);
        Assert.Equal(new object?[] { 2L, 150.33, "two", null, "2005-05-23T20:57:00.000Z", opMinus1, 0L }, rows[2]);
        Assert.Equal(new object?[] { 2L, 150.33, null, "Ordered article", opText, Max, 1L }, rows[3]);
        Assert.Equal(new object?[] { 10L, 200.0, "three", null, "2005-05-26T20:57:00.000Z", "2005-05-26T20:57:59.999Z", 0L }, rows[8]);
        Assert.Equal(new object?[] { 10L, 100.0, "three", null, "2005-05-26T20:58:00.000Z", opMinus1, 0L }, rows[9]);
        Assert.Equal(new object?[] { 10L, 100.0, null, "Ordered article", opText, Max, 1L }, rows[10]);
        Assert.Equal(new object?[] { 20L, 50.0, "money", null, "2005-05-26T21:57:00.000Z", opMinus1, 0L }, rows[11]);
        Assert.Equal(new object?[] { 20L, 50.0, null, "Ordered article", opText, Max, 1L }, rows[12]);

        var copyToHistory = Details("transaction");
        copyToHistory.Copy = new CopyOperation { CopyTableToHistoryMode = new CopyTableToHistoryMode { FromTable = "transaction", ToTable = "new_transaction_history", SoftDeletedColumn = "_fivetran_deleted" } };
        await MigrateOkAsync(copyToHistory);
        var softToHistory = Details("transaction");
        softToHistory.TableSyncModeMigration = new TableSyncModeMigrationOperation { Type = TableSyncModeMigrationType.SoftDeleteToHistory, SoftDeletedColumn = "_fivetran_deleted" };
        await MigrateOkAsync(softToHistory);
        var historyToSoft = Details("new_transaction_history");
        historyToSoft.TableSyncModeMigration = new TableSyncModeMigrationOperation { Type = TableSyncModeMigrationType.HistoryToSoftDelete, SoftDeletedColumn = "_fivetran_deleted" };
        await MigrateOkAsync(historyToSoft);

        Assert.Equal(
            [("id", DataType.Int, true), ("amount", DataType.Double, false), ("desc", DataType.String, false), ("_fivetran_synced", DataType.UtcDatetime, false),
             ("_fivetran_start", DataType.UtcDatetime, true), ("_fivetran_end", DataType.UtcDatetime, false), ("_fivetran_active", DataType.Boolean, false)],
            await ColumnsAsync("transaction"));
        var converted = _h.Rows("transaction", "id, amount, desc, _fivetran_start, _fivetran_end, _fivetran_active", "id");
        Assert.Equal(6, converted.Count);
        Assert.Equal(new object?[] { 1L, 100.45, null, SyncedText, Max, 1L }, converted[0]);
        Assert.Equal(new object?[] { 20L, 50.0, "money", SyncedText, Max, 1L }, converted[5]);

        Assert.Equal(
            ["id", "amount", "desc", "_fivetran_synced", "_fivetran_deleted"],
            (await ColumnsAsync("new_transaction_history")).Select(c => c.Name));
        var back = _h.Rows("new_transaction_history", "id, amount, desc, _fivetran_synced, _fivetran_deleted", "id");
        Assert.Equal(6, back.Count);
        Assert.Equal(new object?[] { 2L, 150.33, "two", SyncedText, 0L }, back[1]);

        var live = Details("transaction");
        live.TableSyncModeMigration = new TableSyncModeMigrationOperation { Type = TableSyncModeMigrationType.SoftDeleteToLive };
        Assert.True((await _h.MigrateAsync(live)).Unsupported);
    }

    [Theory]
    [InlineData(TableSyncModeMigrationType.SoftDeleteToLive)]
    [InlineData(TableSyncModeMigrationType.HistoryToLive)]
    [InlineData(TableSyncModeMigrationType.LiveToSoftDelete)]
    [InlineData(TableSyncModeMigrationType.LiveToHistory)]
    public async Task Every_LIVE_sync_mode_migration_answers_unsupported_and_changes_nothing(TableSyncModeMigrationType type)
    {
        await CreateTransactionWithRowsAsync();
        var before = _h.Snapshot();
        var live = Details("transaction");
        live.TableSyncModeMigration = new TableSyncModeMigrationOperation { Type = type, SoftDeletedColumn = "_fivetran_deleted" };
        var response = await _h.MigrateAsync(live);
        Assert.True(response.Unsupported, $"{type}: {response}");
        Assert.Equal(before, _h.Snapshot());
    }

    [Fact]
    public async Task Soft_delete_to_history_closes_deleted_rows_and_history_to_soft_delete_keeps_the_latest_version()
    {
        await CreateTransactionWithRowsAsync(rows: [[1, 1.0, "a", Synced, false], [2, 2.0, "b", Synced.AddDays(-1), true]]);
        var toHistory = Details("transaction");
        toHistory.TableSyncModeMigration = new TableSyncModeMigrationOperation { Type = TableSyncModeMigrationType.SoftDeleteToHistory, SoftDeletedColumn = "_fivetran_deleted" };
        await MigrateOkAsync(toHistory);
        var rows = _h.Rows("transaction", "id, _fivetran_start, _fivetran_end, _fivetran_active", "id");
        Assert.Equal(new object?[] { 1L, SyncedText, Max, 1L }, rows[0]);
        Assert.Equal(new object?[] { 2L, "0001-01-01T00:00:00.000Z", "0001-01-01T00:00:00.000Z", 0L }, rows[1]);

        // A second version of id 1, then back: only the latest version of each id stays.
        var table = Table("transaction", Col("id", DataType.Int, pk: true), Col("amount", DataType.Double), Col("desc", DataType.String), Col("_fivetran_synced", DataType.UtcDatetime),
            Col("_fivetran_start", DataType.UtcDatetime, pk: true), Col("_fivetran_end", DataType.UtcDatetime), Col("_fivetran_active", DataType.Boolean));
        var later = Synced.AddHours(1);
        await _h.WriteHistoryAsync(table, earliest: [_h.File(["id", "_fivetran_start"], [1, later])],
            replace: [_h.File(["id", "amount", "desc", "_fivetran_synced", "_fivetran_start", "_fivetran_end", "_fivetran_active"], [1, 1.5, "a2", later, later, new DateTimeOffset(9999, 12, 31, 23, 59, 59, 999, TimeSpan.Zero), true])]);
        var toSoft = Details("transaction");
        toSoft.TableSyncModeMigration = new TableSyncModeMigrationOperation { Type = TableSyncModeMigrationType.HistoryToSoftDelete, SoftDeletedColumn = "_fivetran_deleted" };
        await MigrateOkAsync(toSoft);
        var soft = _h.Rows("transaction", "id, amount, desc, _fivetran_deleted", "id");
        Assert.Equal(2, soft.Count);
        Assert.Equal(new object?[] { 1L, 1.5, "a2", 0L }, soft[0]);
        Assert.Equal(new object?[] { 2L, 2.0, "b", 1L }, soft[1]);
    }
}

/// <summary>The scenarios with the plugin in-process.</summary>
public sealed class SchemaMigrationScenarioTests() : SchemaMigrationScenarios(new DestinationHarness())
{
}

/// <summary>The same scenarios end to end: the real host loads the plugin, every call goes over gRPC.</summary>
public sealed class SchemaMigrationScenarioThroughHostTests(SqliteHostFixture host)
    : SchemaMigrationScenarios(new DestinationHarness(host.Connector)), IClassFixture<SqliteHostFixture>
{
}
