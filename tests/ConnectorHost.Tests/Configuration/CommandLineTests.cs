using ConnectorHost.Configuration;
using Serilog.Events;
using Xunit;

namespace ConnectorHost.Tests.Configuration;

public sealed class CommandLineTests
{
    [Fact]
    public void No_arguments_means_ports_from_plugins_json_default_config_and_info_logging()
    {
        var commandLine = CommandLine.Parse([]);

        Assert.Null(commandLine.Port);
        Assert.Null(commandLine.ConfigPath);
        Assert.Equal(LogEventLevel.Information, commandLine.LogLevel);
        Assert.Empty(commandLine.Overrides);
    }

    [Fact]
    public void Port_is_read_in_both_spellings()
    {
        Assert.Equal(50051, CommandLine.Parse(["--port", "50051"]).Port);
        Assert.Equal(50051, CommandLine.Parse(["--port=50051"]).Port);
    }

    [Fact]
    public void Port_zero_asks_for_any_free_port() => Assert.Equal(0, CommandLine.Parse(["--port", "0"]).Port);

    [Fact]
    public void Config_port_log_level_and_overrides_together()
    {
        var commandLine = CommandLine.Parse(["--config", "some/plugins.json", "--port", "6000", "--log-level", "debug",
            "--set", "source:port=0", "--set", "shutdownTimeoutSeconds=1"]);

        Assert.Equal("some/plugins.json", commandLine.ConfigPath);
        Assert.Equal(6000, commandLine.Port);
        Assert.Equal(LogEventLevel.Debug, commandLine.LogLevel);
        Assert.Equal(["source:port=0", "shutdownTimeoutSeconds=1"], commandLine.Overrides);
    }

    [Theory]
    [InlineData("65536")]
    [InlineData("-1")]
    [InlineData("port")]
    [InlineData("")]
    public void Invalid_port_is_refused_with_the_value(string value)
    {
        var error = Assert.Throws<ConfigurationException>(() => CommandLine.Parse(["--port", value]));

        Assert.Contains("--port must be a TCP port between 0 and 65535", error.Message);
        Assert.Contains($"'{value}'", error.Message);
    }

    [Fact]
    public void Missing_value_is_refused_naming_the_option() =>
        Assert.Contains("--port", Assert.Throws<ConfigurationException>(() => CommandLine.Parse(["--port"])).Message);

    [Fact]
    public void Unknown_log_level_is_refused_naming_the_choices()
    {
        var error = Assert.Throws<ConfigurationException>(() => CommandLine.Parse(["--log-level", "loud"]));

        Assert.Contains("loud", error.Message);
        Assert.Contains("debug", error.Message);
    }

    [Fact]
    public void Unknown_argument_is_named()
    {
        var error = Assert.Throws<ConfigurationException>(() => CommandLine.Parse(["--verbose"]));

        Assert.Contains("'--verbose'", error.Message);
    }
}
