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

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
