using System.Text.Json;
using ConnectorHost.Testing.Hosting;
using FivetranSdk.V2;
using Xunit;

namespace ConnectorHost.Tests.Isolation;

/// <summary>
/// Two plugins in one host, each built against its own Newtonsoft.Json (13.0.3 vs 12.0.3), one also against
/// Microsoft.Extensions.Primitives 6.0.0 while the host runs 10.x: called over gRPC, each reports the versions it
/// actually runs with and the folder they came from (its own).
/// </summary>
public sealed class IsolationCallTests
{
    [Fact]
    public async Task Each_plugin_answers_with_its_own_dependency_versions_loaded_from_its_own_folder()
    {
        await using var host = await HostProcess.StartAsync(new HostConfig { SourcePlugin = "IsolationSourceA", DestinationPlugin = "IsolationDestinationB" });

        var a = JsonDocument.Parse((await host.SourceClient.TestAsync(new TestRequest { Name = "versions" })).Failure).RootElement;
        var b = JsonDocument.Parse((await host.DestinationClient.TestAsync(new TestRequest { Name = "versions" })).Failure).RootElement;

        Assert.Equal(("13.0.0.0", "IsolationSourceA"), (a.GetProperty("newtonsoft").GetString(), a.GetProperty("newtonsoftFile").GetString()));
        Assert.Equal(("12.0.0.0", "IsolationDestinationB"), (b.GetProperty("newtonsoft").GetString(), b.GetProperty("newtonsoftFile").GetString()));
        Assert.Equal(("6.0.0.0", "IsolationDestinationB"), (b.GetProperty("primitives").GetString(), b.GetProperty("primitivesFile").GetString()));
    }
}
