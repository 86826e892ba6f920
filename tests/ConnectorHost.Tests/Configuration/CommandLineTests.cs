using ConnectorHost.Configuration;
using Xunit;

namespace ConnectorHost.Tests.Configuration;

public sealed class CommandLineTests
{
    [Fact]
    public void No_arguments_means_ports_from_plugins_json_and_default_config()
    {
        var commandLine = CommandLine.Parse([]);

        Assert.Null(commandLine.Port);
        Assert.Null(commandLine.ConfigPath);
        Assert.False(commandLine.ShowHelp);
    }

    [Fact]
    public void Port_is_read_in_both_spellings()
    {
        Assert.Equal(50051, CommandLine.Parse(["--port", "50051"]).Port);
        Assert.Equal(50051, CommandLine.Parse(["--port=50051"]).Port);
    }

    [Fact]
    public void Config_and_port_together()
    {
        var commandLine = CommandLine.Parse(["--config", "some/plugins.json", "--port", "6000"]);

        Assert.Equal("some/plugins.json", commandLine.ConfigPath);
        Assert.Equal(6000, commandLine.Port);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Help_is_recognised(string flag) => Assert.True(CommandLine.Parse([flag]).ShowHelp);

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("-1")]
    [InlineData("port")]
    [InlineData("")]
    public void Invalid_port_is_refused_with_the_value(string value)
    {
        var error = Assert.Throws<ConfigurationException>(() => CommandLine.Parse(["--port", value]));

        Assert.Contains("--port must be a TCP port between 1 and 65535", error.Message);
        Assert.Contains($"'{value}'", error.Message);
    }

    [Fact]
    public void Missing_value_is_refused()
    {
        var error = Assert.Throws<ConfigurationException>(() => CommandLine.Parse(["--port"]));

        Assert.Equal("--port needs a value.", error.Message);
    }

    [Fact]
    public void Option_in_place_of_a_value_is_refused() =>
        Assert.Equal("--config needs a value.", Assert.Throws<ConfigurationException>(() => CommandLine.Parse(["--config", "--port", "1"])).Message);

    [Fact]
    public void Unknown_argument_is_named()
    {
        var error = Assert.Throws<ConfigurationException>(() => CommandLine.Parse(["--verbose"]));

        Assert.Contains("Unknown argument '--verbose'", error.Message);
    }

    [Fact]
    public void Usage_documents_every_option()
    {
        Assert.Contains("--port N", CommandLine.Usage);
        Assert.Contains("--config PATH", CommandLine.Usage);
        Assert.Contains("--help", CommandLine.Usage);
    }
}
