using ConnectorHost.Testing.Hosting;
using Grpc.Core;
using FivetranSdk.V2;
using Xunit;

namespace ConnectorHost.Tests.Hosting;

/// <summary>SIGTERM while calls are in flight: the plugin's token fires after the grace period, the host exits 0.</summary>
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task Sigterm_during_an_update_cancels_the_plugin_and_exits_0()
    {
        await using var host = await HostProcess.StartAsync(new HostConfig { SourcePlugin = "ProbeSource", ShutdownTimeoutSeconds = 0.5 });
        using var call = host.SourceClient.Update(new UpdateRequest { Configuration = { ["behaviour"] = "slow" } });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(1L, call.ResponseStream.Current.Records.Records_.Single().Data["id"].Long);

        var exit = host.StopAsync();
        var ended = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
            }
        });

        Assert.Equal(0, await exit);
        Assert.Equal(StatusCode.Unavailable, ended.StatusCode);
        Assert.Contains("shutting down", ended.Status.Detail);
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
