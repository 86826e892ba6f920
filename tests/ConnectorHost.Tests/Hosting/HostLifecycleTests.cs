using FivetranSdk.V2;
using Grpc.Core;
using ConnectorHost.Testing.Hosting;
using Xunit;

namespace ConnectorHost.Tests.Hosting;

/// <summary>Command line, start-up lines and graceful shutdown of the real host process.</summary>
public sealed class HostLifecycleTests
{
    [Fact]
    public async Task Logs_one_serving_line_per_side_with_plugin_version_and_port_then_exits_0_on_sigterm()
    {
        await using var host = await HostProcess.StartAsync(new HostConfig { SourcePlugin = "ProbeSource", DestinationPlugin = "ProbeDestination" });

        var serving = host.Logs.Where(l => l.Message!.StartsWith("Serving ", StringComparison.Ordinal)).ToList();
        Assert.Contains(serving, l => l.Level == "INFO" && l.Origin == "sdk_connector"
            && l.Message == $"Serving source plugin ProbeSource 1.0.0 as fivetran_sdk.v2.SourceConnector on port {host.SourcePort}");
        Assert.Contains(serving, l => l.Level == "INFO" && l.Origin == "sdk_destination"
            && l.Message == $"Serving destination plugin ProbeDestination 1.0.0 as fivetran_sdk.v2.DestinationConnector on port {host.DestinationPort}");

        Assert.Equal(0, await host.StopAsync());
        Assert.Contains(host.Logs, l => l.Message == "ConnectorHost stopped");
        Assert.All(host.Logs, l => Assert.True(l.IsJson, l.Raw));
    }

    [Fact]
    public async Task Port_option_serves_every_side_on_that_port()
    {
        await using var host = await HostProcess.StartAsync(new HostConfig { SourcePlugin = "ProbeSource", DestinationPlugin = "ProbeDestination" }, "--port", "0");
        var port = host.SourcePort;

        Assert.Equal(2, host.Logs.Count(l => l.Message!.StartsWith("Serving ", StringComparison.Ordinal) && l.Message.EndsWith($"on port {port}", StringComparison.Ordinal)));
        var schema = await host.SourceClient.SchemaAsync(new SchemaRequest());
        var capabilities = await host.DestinationClient.CapabilitiesAsync(new CapabilitiesRequest());
        Assert.Equal("probe_table", schema.WithoutSchema.Tables.Single().Name);
        Assert.Equal(BatchFileFormat.Csv, capabilities.BatchFileFormat);
    }

    [Fact]
    public async Task One_side_only_is_served_when_the_other_is_absent()
    {
        await using var host = await HostProcess.StartAsync(new HostConfig { DestinationPlugin = "ProbeDestination" });

        Assert.Single(host.Logs, l => l.Message!.StartsWith("Serving ", StringComparison.Ordinal));
        // A destination-only host is a Fivetran destination connector: its own lines say so too.
        Assert.All(host.Logs, l => Assert.Equal("sdk_destination", l.Origin));
        Assert.Equal(BatchFileFormat.Csv, (await host.DestinationClient.CapabilitiesAsync(new CapabilitiesRequest())).BatchFileFormat);
        var absent = await Assert.ThrowsAsync<RpcException>(async () => await host.DestinationPortClients.Source.SchemaAsync(new SchemaRequest()));
        Assert.Equal(StatusCode.Unimplemented, absent.StatusCode);
    }

    [Theory]
    [InlineData("--port", "70000", "--port must be a TCP port between 0 and 65535 (0: any free port), got '70000'")]
    [InlineData("--port", "abc", "--port must be a TCP port between 0 and 65535 (0: any free port), got 'abc'")]
    [InlineData("--bogus", "1", "'--bogus'")]
    [InlineData("--log-level", "loud", "'loud'")]
    [InlineData("--set", "sauce=1", "--set sauce: unknown property 'sauce'")]
    [InlineData("--config", "/nonexistent/plugins.json", "/nonexistent/plugins.json (--config) does not exist")]
    public async Task Invalid_command_line_exits_2_with_a_clear_error(string name, string value, string expected)
    {
        var (exitCode, logs) = await HostProcess.RunToExitAsync(new HostConfig { SourcePlugin = "ProbeSource" }, name, value);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(logs);
        Assert.Equal("SEVERE", line.Level);
        Assert.Contains(expected, line.Message);
    }

    [Fact]
    public async Task Invalid_plugins_json_exits_2_naming_the_file_and_property()
    {
        var directory = Directory.CreateTempSubdirectory("connectorhost-config-").FullName;
        try
        {
            var path = Path.Combine(directory, "plugins.json");
            File.WriteAllText(path, """{"pluginsDirectory":"p","source":{"plugin":"ProbeSource","port":70000}}""");

            var (exitCode, logs) = await HostProcess.RunToExitAsync(new HostConfig(), "--config", path);

            Assert.Equal(2, exitCode);
            Assert.Contains($"{path}: source.port must be a TCP port between 0 and 65535 (0: any free port), got '70000'", Assert.Single(logs).Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Help_prints_usage_and_exits_0()
    {
        var (exitCode, logs) = await HostProcess.RunToExitAsync(new HostConfig(), "--help");

        Assert.Equal(0, exitCode);
        foreach (var option in new[] { "--port <N>", "--config <PATH>", "--log-level <LEVEL>", "--set <KEY=VALUE>", "--version", "--help" })
        {
            Assert.Contains(logs, l => l.Raw.Contains(option, StringComparison.Ordinal));
        }
    }
}
