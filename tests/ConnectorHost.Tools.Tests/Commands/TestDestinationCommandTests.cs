using System.Text.Json;
using ConnectorHost.Testing.Hosting;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ConnectorHost.Tools.Tests.Commands;

public sealed class TestDestinationCommandTests
{
    private static string TesterInputs => Path.Combine(RepoPaths.Root, "tests", "ConnectorHost.Conformance.Tests", "TesterInputs");

    [Fact]
    public async Task Every_public_tester_input_replays_into_sqlite_twice_in_a_row()
    {
        using var run = new ToolRun(sourcePlugin: null, destinationPlugin: "SqliteDestination");
        var report = Path.Combine(run.Directory, "report.json");

        var first = await run.RunAsync("test-destination", TesterInputs, "--report", report);
        // A second run finds the first run's tables and drops them before replaying again.
        var second = await run.RunAsync("test-destination", TesterInputs, "--report", report);

        Assert.True(first.ExitCode == 0, first.Output);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.DoesNotContain("WARNING", second.Output);
        using var document = JsonDocument.Parse(File.ReadAllText(report));
        Assert.True(document.RootElement.GetProperty("succeeded").GetBoolean());
        var calls = document.RootElement.GetProperty("calls").EnumerateArray().ToList();
        Assert.Equal(4, calls.Select(c => c.GetProperty("file").GetString()).Distinct().Count());
        Assert.All(calls, c => Assert.True(c.GetProperty("succeeded").GetBoolean()));

        // input.json: campaign is upserted and then hard-truncated; composite_table soft-truncated (rows kept, flagged).
        using var connection = new SqliteConnection($"Data Source={Path.Combine(run.DataDirectory, "SqliteDestination", "destination.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        Assert.Equal(0L, Scalar(connection, "SELECT COUNT(*) FROM \"tester_input.campaign\""));
        Assert.True(Scalar(connection, "SELECT COUNT(*) FROM \"tester_input.composite_table\"") > 0);
        Assert.Equal(0L, Scalar(connection, "SELECT COUNT(*) FROM \"tester_input.composite_table\" WHERE _fivetran_deleted = 0"));
        Assert.Contains("All 48 calls succeeded.", second.Output);
    }

    [Fact]
    public async Task A_parquet_replay_of_input_json_lands_the_same_rows_in_sqlite_as_a_csv_replay()
    {
        using var run = new ToolRun(sourcePlugin: null, destinationPlugin: "SqliteDestination");
        var input = Path.Combine(TesterInputs, "input.json");
        var report = Path.Combine(run.Directory, "parquet-report.json");

        var csv = await run.RunAsync("test-destination", input, "--schema", "as_csv");
        var parquet = await run.RunAsync("test-destination", input, "--schema", "as_parquet", "--batch-file-type", "PARQUET", "--report", report);

        Assert.True(csv.ExitCode == 0, csv.Output);
        Assert.True(parquet.ExitCode == 0, parquet.Output);
        // The plugin's operator settings leave it asking for CSV: the run says so and replays Parquet anyway.
        Assert.Contains("NOTE the destination's Capabilities declare CSV batch files", parquet.Output);
        using (var document = JsonDocument.Parse(File.ReadAllText(report)))
        {
            var writes = document.RootElement.GetProperty("calls").EnumerateArray()
                .Where(c => c.GetProperty("rpc").GetString() is "WriteBatch" or "WriteHistoryBatch").ToList();
            Assert.NotEmpty(writes);
            Assert.All(writes, w => Assert.Matches(@"batch-\d+\.parquet\.aes", w.GetProperty("request").GetString()));
        }

        using var connection = new SqliteConnection($"Data Source={Path.Combine(run.DataDirectory, "SqliteDestination", "destination.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        foreach (var table in new[] { "transaction", "campaign", "composite_table" })
        {
            // _fivetran_synced is each replay's own clock; every other cell must be the same.
            Assert.Equal(Rows(connection, $"as_csv.{table}"), Rows(connection, $"as_parquet.{table}"));
        }

        // Typed Parquet cells landed as the tester wrote them: a 28-digit DECIMAL(38,15), BINARY bytes, a SHORT, a FLOAT.
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT amount_decimal, binary_val, short_val, amount_float FROM \"as_parquet.transaction\" WHERE id = 2";
        using var row = command.ExecuteReader();
        Assert.True(row.Read());
        Assert.Equal("12345678901234567890123.12345", row.GetString(0));
        Assert.Equal("[B@7d4991ad"u8.ToArray(), (byte[])row.GetValue(1));
        Assert.Equal(-123L, row.GetInt64(2));
        Assert.Equal(20.34f, (float)row.GetDouble(3));
        Assert.Equal(0L, Scalar(connection, "SELECT COUNT(*) FROM \"as_parquet.campaign\""));
        Assert.Equal(2L, Scalar(connection, "SELECT COUNT(*) FROM \"as_parquet.composite_table\" WHERE _fivetran_deleted = 1"));
    }

    [Fact]
    public async Task Help_offers_both_batch_file_types()
    {
        using var run = new ToolRun(sourcePlugin: null, destinationPlugin: "SqliteDestination");

        var (_, output) = await run.RunAsync("test-destination", "--help");

        Assert.Matches(@"--batch-file-type <CSV\|PARQUET>", output);
    }

    [Fact]
    public async Task A_failing_destination_fails_the_run_and_the_report_says_how()
    {
        using var run = new ToolRun(sourcePlugin: null, destinationPlugin: "ProbeDestination", pluginsDirectory: RepoPaths.TestPluginsDirectory);
        var configuration = run.WriteJson("destination.json", new Dictionary<string, string> { ["behaviour"] = "connector-error" });
        var report = Path.Combine(run.Directory, "report.json");

        var (exitCode, output) = await run.RunAsync("test-destination", Path.Combine(TesterInputs, "input.json"), "--configuration", configuration, "--report", report);

        Assert.Equal(1, exitCode);
        using var document = JsonDocument.Parse(File.ReadAllText(report));
        Assert.False(document.RootElement.GetProperty("succeeded").GetBoolean());
        var failed = document.RootElement.GetProperty("calls").EnumerateArray().Where(c => !c.GetProperty("succeeded").GetBoolean()).ToList();
        Assert.NotEmpty(failed);
        Assert.All(failed, c => Assert.False(string.IsNullOrEmpty(c.GetProperty("status").GetString())));
        Assert.Contains("failed.", output);
    }

    [Fact]
    public async Task A_missing_input_is_a_configuration_error()
    {
        using var run = new ToolRun(sourcePlugin: null, destinationPlugin: "SqliteDestination");

        var (exitCode, output) = await run.RunAsync("test-destination", Path.Combine(run.Directory, "nope.json"));

        Assert.Equal(2, exitCode);
        Assert.Contains("No tester input at", output);
    }

    /// <summary>Every row of a table but its _fivetran_synced, as sorted text lines.</summary>
    private static List<string> Rows(SqliteConnection connection, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM \"{table}\"";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount)
                .Where(i => reader.GetName(i) != "_fivetran_synced")
                .Select(i => $"{reader.GetName(i)}={(reader.IsDBNull(i) ? "NULL" : reader.GetValue(i) is byte[] bytes ? Convert.ToBase64String(bytes) : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))}")));
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
