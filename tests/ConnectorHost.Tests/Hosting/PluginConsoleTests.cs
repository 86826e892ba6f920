using ConnectorHost.Testing.Hosting;
using FivetranSdk.V2;
using Xunit;

namespace ConnectorHost.Tests.Hosting;

/// <summary>A plugin writing to Console.Out/Error: Fivetran reads stdout as one JSON object per line, so each line must become a log line.</summary>
public sealed class PluginConsoleTests
{
    [Fact]
    public async Task Console_output_of_a_plugin_becomes_json_log_lines_with_its_sides_origin()
    {
        await using var host = await HostProcess.StartAsync(new HostConfig { SourcePlugin = "ProbeSource", DestinationPlugin = "ProbeDestination" });

        await host.DestinationClient.TestAsync(new TestRequest { Name = "ok", Configuration = { ["behaviour"] = "console", ["message"] = "marker-7f3a" } });

        var info = await host.WaitForLogAsync(l => l.Message == "console marker-7f3a");
        var warning = await host.WaitForLogAsync(l => l.Message == "marker-7f3a on stderr");
        Assert.Equal(("INFO", "sdk_destination"), (info.Level, info.Origin));
        Assert.Equal(("WARNING", "sdk_destination"), (warning.Level, warning.Origin));
        Assert.All(host.Logs, l => Assert.True(l.IsJson, l.Raw));
        Assert.DoesNotContain(host.StandardError, l => l.Contains("marker-7f3a", StringComparison.Ordinal));
    }
}
