using ConnectorHost.Testing.Grpc;
using ConnectorHost.Testing.Hosting;
using ConnectorHost.Transport;
using FivetranSdk.V2;
using Xunit;

namespace ConnectorHost.Tests.Hosting;

public sealed class GrpcServingTests
{
    [Fact]
    public async Task Port_option_serves_both_contracts_on_one_port()
    {
        var port = HostConfig.FreePort();
        await using var host = await HostProcess.StartAsync(new HostConfig { SourcePlugin = "ProbeSource", DestinationPlugin = "ProbeDestination" }, "--port", port.ToString());
        using var client = new GrpcTestClient(port);

        Assert.True((await client.UnaryAsync("/fivetran_sdk.v2.SourceConnector/Test", new TestRequest { Name = "ok" }, TestResponse.Parser)).EnsureOk().Success);
        Assert.True((await client.UnaryAsync("/fivetran_sdk.v2.DestinationConnector/Test", new TestRequest { Name = "ok" }, TestResponse.Parser)).EnsureOk().Success);
    }

    [Fact]
    public async Task Without_port_option_each_port_serves_only_its_side()
    {
        await using var host = await HostProcess.StartAsync(new HostConfig { SourcePlugin = "ProbeSource", DestinationPlugin = "ProbeDestination" });
        using var source = new GrpcTestClient(host.SourcePort);

        var wrongSide = await source.UnaryAsync("/fivetran_sdk.v2.DestinationConnector/Test", new TestRequest { Name = "ok" }, TestResponse.Parser);

        Assert.Equal(StatusCode.Unimplemented, wrongSide.StatusCode);
    }

    [Fact]
    public async Task Sigterm_cancels_an_in_flight_stream_after_the_grace_period_and_exits_0()
    {
        await using var host = await HostProcess.StartAsync(new HostConfig { SourcePlugin = "ProbeSource", ShutdownTimeoutSeconds = 0.5 });
        using var client = new GrpcTestClient(host.SourcePort);
        await using var call = await client.StartServerStreamingAsync("/fivetran_sdk.v2.SourceConnector/Update",
            new UpdateRequest { Configuration = { ["behaviour"] = "slow" } }, UpdateResponse.Parser);
        Assert.True(await call.MoveNextAsync()); // the first record: the plugin is now waiting on its token

        var exitCode = await host.StopAsync();

        Assert.Equal(0, exitCode);
        Assert.Contains(host.Logs, l => l.Message == "update cancelled" && l.Level == "INFO" && l.Origin == "sdk_connector");
        Assert.Contains(host.Logs, l => l.Message == "ConnectorHost stopped");
    }
}
