using System.Text.Json;
using ConnectorHost.Testing.Hosting;
using Xunit;

namespace ConnectorHost.Tools.Tests.Commands;

public sealed class PluginsCommandTests
{
    [Fact]
    public async Task Lists_each_plugin_folder_with_its_contract_versions_diagnosis_and_what_is_served()
    {
        using var run = new ToolRun(sourcePlugin: null, destinationPlugin: "ProbeDestination", pluginsDirectory: RepoPaths.TestPluginsDirectory);

        var (exitCode, output) = await run.RunAsync("plugins", "--json");

        Assert.Equal(0, exitCode);
        using var document = JsonDocument.Parse(output);
        var plugins = document.RootElement.GetProperty("plugins").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        var probe = plugins["ProbeDestination"];
        Assert.Equal("Destination", probe.GetProperty("contract").GetString());
        Assert.True(probe.GetProperty("loads").GetBoolean());
        Assert.Equal("1.0.0.0", probe.GetProperty("abstractionsVersion").GetString());
        Assert.Equal("destination on port 50052", probe.GetProperty("servedAs").GetString());
        var broken = plugins["NoContractPlugin"];
        Assert.False(broken.GetProperty("loads").GetBoolean());
        Assert.Contains("no public non-abstract type implementing", broken.GetProperty("problem").GetString());
        Assert.Equal(JsonValueKind.Null, broken.GetProperty("servedAs").ValueKind);
    }

    [Fact]
    public async Task The_table_names_every_plugin_that_does_not_load_and_why()
    {
        using var run = new ToolRun(sourcePlugin: "ProbeSource", destinationPlugin: null, pluginsDirectory: RepoPaths.TestPluginsDirectory);

        var (exitCode, output) = await run.RunAsync("plugins");

        Assert.Equal(0, exitCode);
        Assert.Contains("ProbeSource", output);
        Assert.Contains("NoContractPlugin: ", output);
    }
}
