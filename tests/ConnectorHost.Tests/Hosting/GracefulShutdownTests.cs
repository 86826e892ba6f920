using ConnectorHost.Testing.Grpc;
using ConnectorHost.Testing.Hosting;
using Grpc.Core;
using FivetranSdk.V2;
using Google.Protobuf;
using Xunit;

namespace ConnectorHost.Tests.Hosting;

/// <summary>SIGTERM while calls are in flight: the plugin's token fires after the grace period, the host exits 0.</summary>
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task Sigterm_during_an_update_cancels_the_plugin_and_exits_0()
    {
        await using var host = await HostProcess.StartAsync(new HostConfig { SourcePlugin = "ProbeSource", ShutdownTimeoutSeconds = 0.5 });
        using var client = new GrpcTestClient(host.SourcePort);
        await using var call = await client.StartAsync("/fivetran_sdk.v2.SourceConnector/Update",
            new UpdateRequest { Configuration = { ["behaviour"] = "slow" } }.ToByteArray());
        var messages = call.ReadAllAsync(UpdateResponse.Parser).GetAsyncEnumerator();
        Assert.True(await messages.MoveNextAsync());
        Assert.Equal(1L, messages.Current.Records.Records_.Single().Data["id"].Long);

        var exit = host.StopAsync();
        while (await messages.MoveNextAsync())
        {
        }

        var result = call.Complete<object>(null);
        Assert.Equal(0, await exit);
        Assert.Equal(StatusCode.Unavailable, result.Status);
        Assert.Contains("shutting down", result.Message);
        Assert.Contains(host.Logs, l => l.Message == "update cancelled" && l.Origin == "sdk_connector");
        Assert.Contains(host.Logs, l => l.Message == "ConnectorHost stopped");
    }

    [Fact]
    public async Task Sigterm_when_idle_exits_0_after_logging_the_signal()
    {
        await using var host = await HostProcess.StartAsync(new HostConfig { DestinationPlugin = "ProbeDestination" });

        Assert.Equal(0, await host.StopAsync());
        Assert.Contains(host.Logs, l => l.Message!.StartsWith("Received SIGTERM", StringComparison.Ordinal));
    }
}
