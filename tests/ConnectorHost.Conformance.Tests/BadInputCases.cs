using ConnectorHost.Abstractions;
using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using Xunit;
using static ConnectorHost.Conformance.Tests.Support.ConformanceHarness;

namespace ConnectorHost.Conformance.Tests;

/// <summary>Bad input fails with a precise status and message and leaves every table as it was.</summary>
public abstract partial class DestinationConformance
{
    protected static readonly string[] BadHeader = ["id", "n", "s", "_fivetran_synced"];

    protected async Task<(Table Table, string Before)> SeedForBadInputAsync()
    {
        var table = await H.CreateAsync(Table("t", Col("id", DataType.Int, pk: true), Col("n", DataType.Int), Col("s", DataType.String), Col("_fivetran_synced", DataType.UtcDatetime)));
        await H.WriteAsync(table, replace: [H.File(table, BadHeader, [1, 1, "one", S1], [2, 2, "two", S1])]);
        return (table, await H.SnapshotAsync("t"));
    }

    protected async Task FailsAsync(Func<Task> call, string before, ConnectorErrorKind kind, params string[] fragments)
    {
        var ex = await Assert.ThrowsAnyAsync<ConnectorException>(call);
        Assert.Equal(kind, ex.Kind);
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, ex.Message);
        }

        Assert.True(ex.Message.Length < 8000);
        Assert.Equal(before, await H.SnapshotAsync("t"));
    }

    [Fact]
    public async Task A_bad_value_rolls_back_every_file_of_the_batch_and_names_file_row_and_column()
    {
        var (table, before) = await SeedForBadInputAsync();
        var good = H.File(table, BadHeader, [3, 3, "three", S1], [1, 100, "changed", S1]);
        var bad = H.File(table, BadHeader, [4, 4, "four", S1], [5, "not-a-number", "five", S1]);
        await FailsAsync(() => H.Destination.Connector.WriteBatchAsync(H.Batch(table, replace: [good], update: [bad]), default), before,
            ConnectorErrorKind.InvalidArgument, bad, "row 2", "'n'", "not-a-number");
    }

    /// <remarks>
    /// Both load paths: into the seeded table a replace file is staged; into an empty table (no BINARY column) it takes
    /// a destination's direct load where it has one (DuckDB's table function, PostgreSQL's COPY into the table).
    /// </remarks>
    [Theory]
    [InlineData(true, false)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(false, true)]
    public async Task A_null_key_or_an_unmodified_cell_in_a_replace_file_names_file_row_and_column_and_lands_nothing(bool intoEmptyTable, bool unmodified)
    {
        var (seeded, before) = await SeedForBadInputAsync();
        var table = seeded;
        if (intoEmptyTable)
        {
            table = await H.CreateAsync(Table("empty", Col("id", DataType.Int, pk: true), Col("n", DataType.Int), Col("s", DataType.String), Col("_fivetran_synced", DataType.UtcDatetime)));
        }

        object?[] badRow = unmodified ? [5, BatchFileWriter.Unmodified, "five", S1] : [null, 5, "five", S1];
        var file = H.File(table, BadHeader, [4, 4, "four", S1], badRow);
        var ex = await Assert.ThrowsAnyAsync<ConnectorException>(() => H.Destination.Connector.WriteBatchAsync(H.Batch(table, replace: [file]), default));
        Assert.Equal(ConnectorErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains(file, ex.Message);
        Assert.Contains("row 2", ex.Message);
        Assert.Contains(unmodified ? "'n'" : "'id'", ex.Message);
        Assert.Contains(unmodified ? "unmodified" : "NULL", ex.Message);
        Assert.Equal(before, await H.SnapshotAsync("t"));
        if (intoEmptyTable)
        {
            Assert.Empty(await H.Destination.ReadRowsAsync(Support.ConformanceHarness.Schema, "empty"));
        }
    }

    [Fact]
    public async Task A_wrong_or_missing_key_fails_and_nothing_is_applied()
    {
        var (table, before) = await SeedForBadInputAsync();
        var file = H.File(table, BadHeader, [3, 3, "three", S1]);
        var wrongKey = H.Batch(table, replace: [file]);
        wrongKey.Keys[file] = Google.Protobuf.ByteString.CopyFrom(BatchFileWriter.NewKey());
        await FailsAsync(() => H.Destination.Connector.WriteBatchAsync(wrongKey, default), before, ConnectorErrorKind.InvalidArgument, file, "AES key is wrong");

        var missingKey = H.Batch(table, replace: [file]);
        missingKey.Keys.Remove(file);
        await FailsAsync(() => H.Destination.Connector.WriteBatchAsync(missingKey, default), before, ConnectorErrorKind.InvalidArgument, file, "key");
    }

    [Fact]
    public async Task A_missing_file_unknown_column_or_missing_key_column_is_reported_precisely()
    {
        var (table, before) = await SeedForBadInputAsync();
        var missing = Path.Combine(H.Destination.WorkDirectory, "nope.csv.zst.aes");
        await FailsAsync(() => H.Destination.Connector.WriteBatchAsync(H.Batch(table, replace: [missing]), default), before, ConnectorErrorKind.NotFound, missing);

        var unknown = H.File(table, ["id", "n", "surprise"], [3, 3, "x"]);
        await FailsAsync(() => H.Destination.Connector.WriteBatchAsync(H.Batch(table, replace: [unknown]), default), before, ConnectorErrorKind.InvalidArgument, unknown, "surprise");

        var noKey = H.File(table, ["n", "s"], [3, "x"]);
        await FailsAsync(() => H.Destination.Connector.WriteBatchAsync(H.Batch(table, update: [noKey]), default), before, ConnectorErrorKind.InvalidArgument, noKey, "'id'");

        var nullKey = H.File(table, ["id", "_fivetran_synced"], [2, S1], [null, S1]);
        await FailsAsync(() => H.Destination.Connector.WriteBatchAsync(H.Batch(table, delete: [nullKey]), default), before, ConnectorErrorKind.InvalidArgument, nullKey, "row 2", "'id'");
    }

    [Fact]
    public async Task Bad_migration_values_and_unknown_tables_fail_precisely()
    {
        var (_, before) = await SeedForBadInputAsync();
        var missingTable = new MigrationDetails { Schema = Support.ConformanceHarness.Schema, Table = "missing", UpdateColumnValue = new UpdateColumnValueOperation { Column = "n", Value = "1" } };
        await FailsAsync(() => H.MigrateAsync(missingTable), before, ConnectorErrorKind.NotFound, "missing");
        var badValue = new MigrationDetails { Schema = Support.ConformanceHarness.Schema, Table = "t", UpdateColumnValue = new UpdateColumnValueOperation { Column = "n", Value = "twelve" } };
        await FailsAsync(() => H.MigrateAsync(badValue), before, ConnectorErrorKind.InvalidArgument, "'twelve'");
    }

    [Fact]
    public async Task History_batches_to_a_table_not_in_history_mode_fail_and_change_nothing()
    {
        var (table, before) = await SeedForBadInputAsync();
        var request = H.HistoryBatch(table, replace: [H.File(table, BadHeader, [3, 3, "three", S1])]);
        await FailsAsync(() => H.Destination.Connector.WriteHistoryBatchAsync(request, default), before, ConnectorErrorKind.FailedPrecondition, "history");
    }
}
