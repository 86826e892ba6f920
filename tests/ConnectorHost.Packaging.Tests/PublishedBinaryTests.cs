using ConnectorHost.Testing.Hosting;
using FivetranSdk.V2;
using Xunit;

namespace ConnectorHost.Packaging.Tests;

public sealed class PublishedBinaryTests
{
    [Fact]
    public async Task The_published_self_contained_host_serves_both_contracts_from_a_folder_outside_the_repo()
    {
        using var outside = new OutsideTheRepo("published");
        var dist = outside.PathOf("dist");
        await outside.RunAsync("bash", [Path.Combine(RepoPaths.Root, "publish.sh"), dist]);
        Assert.True(File.Exists(Path.Combine(dist, "ConnectorHost")), "publish.sh made no ConnectorHost executable");
        Assert.False(File.Exists(Path.Combine(dist, "ConnectorHost.dll")), "the host should be one single-file executable");

        // As Fivetran starts it: the executable with --port; plugins.json, plugins/ and data/ beside it.
        await using var host = await HostProcess.StartAsync(new HostConfig { HostExecutable = Path.Combine(dist, "ConnectorHost") },
            "--config", Path.Combine(dist, "plugins.json"), "--port", "0");

        var sourceForm = await host.SourceClient.ConfigurationFormAsync(new ConfigurationFormRequest());
        Assert.Equal("apiBaseURL", sourceForm.Fields[0].Name);
        var describe = await host.DestinationClient.DescribeTableAsync(new DescribeTableRequest { SchemaName = "s", TableName = "t" });
        Assert.Equal(DescribeTableResponse.ResponseOneofCase.NotFound, describe.ResponseCase);

    }
}
