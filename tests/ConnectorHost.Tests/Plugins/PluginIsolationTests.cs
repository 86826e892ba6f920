using ConnectorHost.Testing.Hosting;
using Xunit;

namespace ConnectorHost.Tests.Plugins;

/// <summary>
/// Two plugins in one host, each with its own version of Newtonsoft.Json (13.0.3 vs 12.0.3), and one with
/// Microsoft.Extensions.Primitives 6.0.0 although the host itself runs with 10.x: each sees its own copy,
/// loaded from its own folder. The plugins report what they see through their PluginContext logger.
/// </summary>
public sealed class PluginIsolationTests
{
    [Fact]
    public async Task Each_plugin_runs_with_its_own_dependency_versions_from_its_own_folder()
    {
        await using var host = await HostProcess.StartAsync(new HostConfig { SourcePlugin = "IsolationSourceA", DestinationPlugin = "IsolationDestinationB" });

        var a = Assert.Single(host.Logs, l => l.Message!.StartsWith("IsolationSourceA sees", StringComparison.Ordinal));
        var b = Assert.Single(host.Logs, l => l.Message!.StartsWith("IsolationDestinationB sees", StringComparison.Ordinal));

        Assert.Equal("IsolationSourceA sees Newtonsoft.Json 13.0.0.0 from IsolationSourceA", a.Message);
        Assert.Equal("sdk_connector", a.Origin);
        Assert.Equal("IsolationDestinationB sees Newtonsoft.Json 12.0.0.0 from IsolationDestinationB, Microsoft.Extensions.Primitives 6.0.0.0 from IsolationDestinationB", b.Message);
        Assert.Equal("sdk_destination", b.Origin);
    }
}
