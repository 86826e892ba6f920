using Microsoft.Data.Sqlite;
using Xunit;

namespace ConnectorHost.Tools.Tests.Commands;

public sealed class DebugCommandTests
{
    [Fact]
    public async Task Debug_syncs_the_configured_source_into_sqlite_resumes_and_resets()
    {
        using var run = new ToolRun("ExampleSource", "SqliteDestination");
        var configuration = run.WriteJson("source.json", new Dictionary<string, string> { ["apiBaseURL"] = "https://example.com" });
        var stateFile = Path.Combine(run.DataDirectory, "connectorhost-tools", "state.json");
        var database = Path.Combine(run.DataDirectory, "SqliteDestination", "destination.db");

        var first = await run.RunAsync("debug", "--configuration", configuration);
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains("SYNC PROGRESS", first.Output);
        Assert.Contains($"sqlite3 -header {database}", first.Output);
        Assert.Equal("{\"cursor\": 6}", File.ReadAllText(stateFile));
        Assert.Equal(3L, Count(database, "debug.table1"));

        var second = await run.RunAsync("debug", "--configuration", configuration);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Equal("{\"cursor\": 12}", File.ReadAllText(stateFile));

        var reset = await run.RunAsync("reset", "--configuration", configuration);
        Assert.True(reset.ExitCode == 0, reset.Output);
        Assert.False(File.Exists(stateFile));
        Assert.Equal(0L, Count(database, "debug.table1"));
        Assert.Equal(0L, Count(database, "debug.table2"));
    }

    [Fact]
    public async Task A_source_test_that_fails_stops_the_sync_with_its_message()
    {
        using var run = new ToolRun("ExampleSource", "SqliteDestination");

        var (exitCode, output) = await run.RunAsync("debug");

        Assert.Equal(1, exitCode);
        Assert.Contains("The source's test 'connect' failed", output);
        Assert.False(File.Exists(Path.Combine(run.DataDirectory, "connectorhost-tools", "state.json")));
    }

    private static long Count(string database, string table)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
        return (long)command.ExecuteScalar()!;
    }
}
