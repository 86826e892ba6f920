using ConnectorHost.Testing.Grpc;
using ConnectorHost.Testing.Hosting;
using Grpc.Core;
using FivetranSdk.V2;
using Xunit;

namespace ConnectorHost.Tests.Hosting;

/// <summary>Which contract answers on which port, the ready line, and errors repeated on stderr.</summary>
public sealed class ServingTests
{
    [Fact]
    public async Task Port_option_answers_both_contracts_on_one_port_distinguished_by_path()
    {
        await using var host = await HostProcess.StartAsync(new HostConfig { SourcePlugin = "ProbeSource", DestinationPlugin = "ProbeDestination" }, "--port", "0");
        Assert.Equal(host.SourcePort, host.DestinationPort);
        using var client = new HostClient(host.SourcePort);

        var schema = await client.Source.SchemaAsync(new SchemaRequest());
        var capabilities = await client.Destination.CapabilitiesAsync(new CapabilitiesRequest());

        Assert.Equal("probe_table", schema.WithoutSchema.Tables.Single().Name);
        Assert.Equal(BatchFileFormat.Csv, capabilities.BatchFileFormat);
        Assert.Contains(host.Logs, l => l.Message == $"ConnectorHost ready on port(s) {host.SourcePort}");
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task Ready_line_lists_every_port_and_both_contracts_answer_on_each_address_family(string address)
    {
        await using var host = await HostProcess.StartAsync(new HostConfig { SourcePlugin = "ProbeSource", DestinationPlugin = "ProbeDestination" });
        var ports = new[] { host.SourcePort, host.DestinationPort }.Order();
        using var source = new HostClient(host.SourcePort, address);
        using var destination = new HostClient(host.DestinationPort, address);

        var ready = await host.WaitForLogAsync(l => l.Message!.StartsWith("ConnectorHost ready", StringComparison.Ordinal));
        var schema = await source.Source.SchemaAsync(new SchemaRequest());
        var capabilities = await destination.Destination.CapabilitiesAsync(new CapabilitiesRequest());

        Assert.Equal($"ConnectorHost ready on port(s) {string.Join(", ", ports)}", ready.Message);
        Assert.Equal("INFO", ready.Level);
        Assert.Equal("probe_table", schema.WithoutSchema.Tables.Single().Name);
        Assert.Equal(BatchFileFormat.Csv, capabilities.BatchFileFormat);
        // Each port serves only its own contract.
        var wrongPort = await Assert.ThrowsAsync<RpcException>(async () => await source.Destination.CapabilitiesAsync(new CapabilitiesRequest()));
        Assert.Equal(StatusCode.Unimplemented, wrongPort.StatusCode);
    }

    [Fact]
    public async Task Start_up_failures_are_repeated_on_stderr()
    {
        await using var host = HostProcess.Launch(new HostConfig { SourcePlugin = "NoSuchPlugin" });

        Assert.Equal(3, await host.WaitForExitAsync(HostProcess.DefaultTimeout));
        Assert.Contains(host.StandardError, l => l.StartsWith("ConnectorHost: Cannot load source plugin 'NoSuchPlugin'", StringComparison.Ordinal));
        Assert.Contains(host.Logs, l => l.Level == "SEVERE" && l.Message!.StartsWith("Cannot load source plugin 'NoSuchPlugin'", StringComparison.Ordinal));
    }
}

public sealed class PortInUseTests
{
    [Fact]
    public async Task Port_already_taken_exits_1_naming_the_port()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.IPv6Any, 0);
        taken.Server.DualMode = true;
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var (exitCode, logs) = await HostProcess.RunToExitAsync(new HostConfig { SourcePlugin = "ProbeSource", SourcePort = port });

        Assert.Equal(1, exitCode);
        Assert.Contains(logs, l => l.Level == "SEVERE" && l.Message!.StartsWith($"Cannot listen on port(s) {port}:", StringComparison.Ordinal));
    }
}

public sealed class EphemeralPortTests
{
    [Fact]
    public async Task Port_zero_binds_free_ports_reported_in_the_serving_and_ready_lines_and_each_answers_on_ipv4_and_ipv6()
    {
        await using var host = await HostProcess.StartAsync(new HostConfig
        {
            SourcePlugin = "ProbeSource",
            DestinationPlugin = "ProbeDestination",
            SourcePort = 0,
            DestinationPort = 0,
        });

        var sourcePort = ServedPort(host, "source plugin ProbeSource 1.0.0 as fivetran_sdk.v2.SourceConnector");
        var destinationPort = ServedPort(host, "destination plugin ProbeDestination 1.0.0 as fivetran_sdk.v2.DestinationConnector");
        Assert.NotEqual(0, sourcePort);
        Assert.NotEqual(sourcePort, destinationPort);
        Assert.Contains(host.Logs, l => l.Message == $"ConnectorHost ready on port(s) {string.Join(", ", new[] { sourcePort, destinationPort }.Order())}");

        foreach (var address in new[] { "127.0.0.1", "[::1]" })
        {
            using var source = Grpc.Net.Client.GrpcChannel.ForAddress($"http://{address}:{sourcePort}");
            using var destination = Grpc.Net.Client.GrpcChannel.ForAddress($"http://{address}:{destinationPort}");
            var schema = await new SourceConnector.SourceConnectorClient(source).SchemaAsync(new SchemaRequest());
            var capabilities = await new DestinationConnector.DestinationConnectorClient(destination).CapabilitiesAsync(new CapabilitiesRequest());
            var absent = await Assert.ThrowsAsync<RpcException>(() =>
                new DestinationConnector.DestinationConnectorClient(source).CapabilitiesAsync(new CapabilitiesRequest()).ResponseAsync);

            Assert.Equal("probe_table", schema.WithoutSchema.Tables.Single().Name);
            Assert.Equal(BatchFileFormat.Csv, capabilities.BatchFileFormat);
            Assert.Equal(StatusCode.Unimplemented, absent.StatusCode);
        }
    }

    [Fact]
    public async Task Shared_port_zero_serves_both_contracts_on_one_free_port()
    {
        await using var host = await HostProcess.StartAsync(new HostConfig { SourcePlugin = "ProbeSource", DestinationPlugin = "ProbeDestination" }, "--port", "0");

        var port = ServedPort(host, "source plugin ProbeSource 1.0.0 as fivetran_sdk.v2.SourceConnector");
        Assert.Equal(port, ServedPort(host, "destination plugin ProbeDestination 1.0.0 as fivetran_sdk.v2.DestinationConnector"));
        Assert.Contains(host.Logs, l => l.Message == $"ConnectorHost ready on port(s) {port}");
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        Assert.Equal(BatchFileFormat.Csv, (await new DestinationConnector.DestinationConnectorClient(channel).CapabilitiesAsync(new CapabilitiesRequest())).BatchFileFormat);
    }

    [Fact]
    public async Task Sigint_drains_and_exits_0()
    {
        await using var host = await HostProcess.StartAsync(new HostConfig { DestinationPlugin = "ProbeDestination", DestinationPort = 0 });

        using (var kill = System.Diagnostics.Process.Start("kill", ["-INT", host.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        Assert.Equal(0, await host.WaitForExitAsync(HostProcess.DefaultTimeout));
        Assert.Contains(host.Logs, l => l.Message!.StartsWith("Received SIGINT", StringComparison.Ordinal));
        Assert.Contains(host.Logs, l => l.Message == "ConnectorHost stopped");
    }

    private static int ServedPort(HostProcess host, string what)
    {
        var prefix = $"Serving {what} on port ";
        var line = Assert.Single(host.Logs, l => l.Message?.StartsWith(prefix, StringComparison.Ordinal) == true);
        return int.Parse(line.Message![prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }
}

public sealed class LogLevelTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Debug_lines_such_as_a_plugin_stack_trace_go_to_stderr_only_with_log_level_debug(bool debug)
    {
        var config = new HostConfig { DestinationPlugin = "ProbeDestination", DestinationPort = 0 };
        await using var host = await HostProcess.StartAsync(config, debug ? ["--log-level", "debug"] : []);
        var port = int.Parse(host.Logs.Single(l => l.Message!.StartsWith("ConnectorHost ready on port(s) ", StringComparison.Ordinal)).Message!.Split(' ')[^1],
            System.Globalization.CultureInfo.InvariantCulture);
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{port}");

        var error = await Assert.ThrowsAsync<RpcException>(() => new DestinationConnector.DestinationConnectorClient(channel)
            .TestAsync(new TestRequest { Configuration = { ["behaviour"] = "plain-error", ["message"] = "kaboom" } }).ResponseAsync);
        await host.WaitForLogAsync(l => l.Message == "ProbeDestination failed in Test: InvalidOperationException: kaboom");
        Assert.Equal(0, await host.StopAsync());

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Equal("ProbeDestination failed in Test: InvalidOperationException: kaboom", error.Status.Detail);
        Assert.All(host.Logs, l => Assert.True(l.IsJson, l.Raw));
        Assert.DoesNotContain(host.Logs, l => l.Raw.Contains("stack trace", StringComparison.Ordinal));
        var stackTrace = host.StandardError.Where(l => l.StartsWith("DEBUG ProbeDestination Test stack trace: System.InvalidOperationException: kaboom", StringComparison.Ordinal));
        Assert.Equal(debug ? 1 : 0, stackTrace.Count());
    }
}
