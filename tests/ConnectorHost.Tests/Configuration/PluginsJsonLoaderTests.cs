using ConnectorHost.Configuration;
using Xunit;

namespace ConnectorHost.Tests.Configuration;

public sealed class PluginsJsonLoaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("plugins-json-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Repository_format_is_read_with_paths_relative_to_the_file()
    {
        var path = Write("""
            {"pluginsDirectory":"artifacts/plugins","dataDirectory":"data",
             "source":{"plugin":"ExampleSource","port":50051},"destination":{"plugin":"ExampleDestination","port":50052}}
            """);

        var configuration = PluginsJsonLoader.Load(path);

        Assert.Equal(Path.Combine(_folder, "artifacts", "plugins"), configuration.PluginsDirectory);
        Assert.Equal(Path.Combine(_folder, "data"), configuration.DataDirectory);
        Assert.Equal(new SideConfiguration("ExampleSource", 50051), configuration.Source);
        Assert.Equal(new SideConfiguration("ExampleDestination", 50052), configuration.Destination);
    }

    [Fact]
    public void Ports_and_data_directory_have_defaults()
    {
        var path = Write("""{"pluginsDirectory":"/abs/plugins","source":{"plugin":"S"},"destination":{"plugin":"D"}}""");

        var configuration = PluginsJsonLoader.Load(path);

        Assert.Equal("/abs/plugins", configuration.PluginsDirectory);
        Assert.Equal(Path.Combine(_folder, "data"), configuration.DataDirectory);
        Assert.Equal(HostConfiguration.DefaultSourcePort, configuration.Source!.Port);
        Assert.Equal(HostConfiguration.DefaultDestinationPort, configuration.Destination!.Port);
        Assert.Equal(50051, HostConfiguration.DefaultSourcePort);
        Assert.Equal(50052, HostConfiguration.DefaultDestinationPort);
    }

    [Theory]
    [InlineData("""{"pluginsDirectory":"p","source":{"plugin":"S"},"destination":null}""", true, false)]
    [InlineData("""{"pluginsDirectory":"p","destination":{"plugin":"D"}}""", false, true)]
    public void Either_side_may_be_absent(string json, bool hasSource, bool hasDestination)
    {
        var configuration = PluginsJsonLoader.Load(Write(json));

        Assert.Equal(hasSource, configuration.Source is not null);
        Assert.Equal(hasDestination, configuration.Destination is not null);
    }

    [Theory]
    [InlineData("""{"pluginsDirectory":"p"}""", "neither \"source\" nor \"destination\" is set")]
    [InlineData("""{"source":{"plugin":"S"}}""", "pluginsDirectory must be")]
    [InlineData("""{"pluginsDirectory":"p","source":{"plugin":"S","port":70000}}""", "source.port must be a TCP port between 0 and 65535")]
    [InlineData("""{"pluginsDirectory":"p","source":{"plugin":"S","port":"five"}}""", "source.port must be a TCP port between 0 and 65535")]
    [InlineData("""{"pluginsDirectory":"p","source":{"plugin":"S"},"shutdownTimeoutSeconds":-1}""", "shutdownTimeoutSeconds must be a number of seconds between 0 and 3600")]
    [InlineData("""{"pluginsDirectory":"p","source":{"plugin":"S"},"shutdownTimeoutSeconds":"soon"}""", "shutdownTimeoutSeconds must be a number of seconds between 0 and 3600")]
    [InlineData("""{"pluginsDirectory":"p","source":{"plugin":"S"},"hotReload":"maybe"}""", "hotReload must be true or false")]
    [InlineData("""{"pluginsDirectory":"","source":{"plugin":"S"}}""", "pluginsDirectory must be a non-empty string path")]
    [InlineData("""{"pluginsDirectory":"p","source":{"port":5}}""", "source.plugin must be a plugin name")]
    [InlineData("""{"pluginsDirectory":"p","source":{"plugin":"../evil"}}""", "source.plugin must be a plugin name")]
    [InlineData("""{"pluginsDirectory":"p","destination":"D"}""", "destination must be an object")]
    [InlineData("""{"pluginsDirectory":"p","sauce":{"plugin":"S"}}""", "unknown property 'sauce'. Known: pluginsDirectory, dataDirectory, source, destination, shutdownTimeoutSeconds, hotReload.")]
    [InlineData("""{"pluginsDirectory":"p","source":{"plugin":"S","prot":1}}""", "unknown property 'source.prot'")]
    [InlineData("""[1,2]""", "the root must be a JSON object")]
    [InlineData("""{"pluginsDirectory":""", "is not valid JSON")]
    public void Mistakes_are_reported_with_file_and_property(string json, string expected)
    {
        var path = Write(json);

        var error = Assert.Throws<ConfigurationException>(() => PluginsJsonLoader.Load(path));

        Assert.Contains(expected, error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Explicit_path_that_does_not_exist_is_reported()
    {
        var missing = Path.Combine(_folder, "nope.json");

        var error = Assert.Throws<ConfigurationException>(() => PluginsJsonLoader.Locate(missing, _folder, _folder));

        Assert.Contains(missing, error.Message);
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void Relative_explicit_path_resolves_against_the_current_directory()
    {
        var path = Write("""{"pluginsDirectory":"p","source":{"plugin":"S"}}""", "custom.json");

        Assert.Equal(path, PluginsJsonLoader.Locate("custom.json", _folder, "/"));
    }

    [Fact]
    public void Without_config_the_current_directory_file_is_used()
    {
        var path = Write("""{"pluginsDirectory":"p","source":{"plugin":"S"}}""");

        Assert.Equal(path, PluginsJsonLoader.Locate(null, _folder, "/"));
    }

    [Fact]
    public void Shutdown_timeout_and_hot_reload_are_read_with_their_defaults()
    {
        var defaults = PluginsJsonLoader.Load(Write("""{"pluginsDirectory":"p","source":{"plugin":"S"}}"""), readEnvironment: false);
        var set = PluginsJsonLoader.Load(Write("""{"pluginsDirectory":"p","source":{"plugin":"S"},"shutdownTimeoutSeconds":0.5,"hotReload":false}"""), readEnvironment: false);

        Assert.Equal((TimeSpan.FromSeconds(5), true), (defaults.ShutdownTimeout, defaults.HotReload));
        Assert.Equal((TimeSpan.FromSeconds(0.5), false), (set.ShutdownTimeout, set.HotReload));
    }

    [Fact]
    public void Command_line_overrides_win_over_the_file_and_can_add_a_side()
    {
        var path = Write("""{"pluginsDirectory":"p","source":{"plugin":"S","port":7000}}""");

        var configuration = PluginsJsonLoader.Load(path, ["source:port=0", "destination:plugin=D", "shutdownTimeoutSeconds=1"], readEnvironment: false);

        Assert.Equal(new SideConfiguration("S", 0), configuration.Source);
        Assert.Equal(new SideConfiguration("D", HostConfiguration.DefaultDestinationPort), configuration.Destination);
        Assert.Equal(TimeSpan.FromSeconds(1), configuration.ShutdownTimeout);
    }

    [Theory]
    [InlineData("source:port=x", "--set source:port: source.port must be a TCP port between 0 and 65535")]
    [InlineData("sauce=1", "--set sauce: unknown property 'sauce'")]
    [InlineData("novalue", "--set 'novalue' must be KEY=VALUE")]
    public void A_bad_override_is_reported_as_coming_from_the_command_line(string entry, string expected)
    {
        var path = Write("""{"pluginsDirectory":"p","source":{"plugin":"S"}}""");

        var error = Assert.Throws<ConfigurationException>(() => PluginsJsonLoader.Load(path, [entry], readEnvironment: false));

        Assert.Contains(expected, error.Message);
    }

    private string Write(string json, string name = PluginsJsonLoader.FileName)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, json);
        return path;
    }
}
