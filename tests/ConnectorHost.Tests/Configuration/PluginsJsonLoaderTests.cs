using ConnectorHost.Configuration;
using Xunit;

namespace ConnectorHost.Tests.Configuration;

public sealed class PluginsJsonLoaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("connectorhost-json-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Relative_paths_resolve_against_the_files_folder_and_ports_default()
    {
        var config = Load("""{"pluginsDirectory":"artifacts/plugins","dataDirectory":"data","source":{"plugin":"A"},"destination":{"plugin":"B"}}""");

        Assert.Equal(Path.Combine(_directory, "artifacts", "plugins"), config.PluginsDirectory);
        Assert.Equal(Path.Combine(_directory, "data"), config.DataDirectory);
        Assert.Equal(new SideConfiguration("A", 50051), config.Source);
        Assert.Equal(new SideConfiguration("B", 50052), config.Destination);
        Assert.Equal(TimeSpan.FromSeconds(10), config.ShutdownTimeout);
    }

    [Fact]
    public void Either_side_may_be_null_or_absent()
    {
        var config = Load("""{"pluginsDirectory":"/p","source":null,"destination":{"plugin":"B","port":6000},"shutdownTimeoutSeconds":2.5}""");

        Assert.Null(config.Source);
        Assert.Equal(new SideConfiguration("B", 6000), config.Destination);
        Assert.Equal("/p", config.PluginsDirectory);
        Assert.Equal(TimeSpan.FromSeconds(2.5), config.ShutdownTimeout);
    }

    [Theory]
    [InlineData("""{"source":{"plugin":"A"}}""", "pluginsDirectory must be")]
    [InlineData("""{"pluginsDirectory":"p"}""", "neither \"source\" nor \"destination\" is set")]
    [InlineData("""{"pluginsDirectory":"p","source":{"port":1}}""", "source.plugin must be a plugin name")]
    [InlineData("""{"pluginsDirectory":"p","source":{"plugin":"../x"}}""", "source.plugin must be a plugin name")]
    [InlineData("""{"pluginsDirectory":"p","destination":{"plugin":"B","port":"80"}}""", "destination.port must be a TCP port")]
    [InlineData("""{"pluginsDirectory":"p","source":{"plugin":"A","prot":1}}""", "unknown property 'source.prot'")]
    [InlineData("""{"pluginsDirectory":"p","source":{"plugin":"A"},"sorce":1}""", "unknown property 'sorce'")]
    [InlineData("""{"pluginsDirectory":""", "is not valid JSON")]
    [InlineData("""[]""", "the root must be a JSON object")]
    public void Mistakes_name_the_file_and_what_was_expected(string json, string expected)
    {
        var error = Assert.Throws<ConfigurationException>(() => Load(json));

        Assert.Contains(Path.Combine(_directory, "plugins.json"), error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Locate_prefers_the_explicit_path_then_the_current_folder_then_above_the_executable()
    {
        var exeDir = Directory.CreateDirectory(Path.Combine(_directory, "host", "bin", "Release")).FullName;
        var cwd = Directory.CreateDirectory(Path.Combine(_directory, "elsewhere")).FullName;
        File.WriteAllText(Path.Combine(_directory, "plugins.json"), "{}");

        Assert.Equal(Path.Combine(_directory, "plugins.json"), PluginsJsonLoader.Locate(null, cwd, exeDir));

        File.WriteAllText(Path.Combine(cwd, "plugins.json"), "{}");
        Assert.Equal(Path.Combine(cwd, "plugins.json"), PluginsJsonLoader.Locate(null, cwd, exeDir));
        Assert.Equal(Path.Combine(_directory, "plugins.json"), PluginsJsonLoader.Locate("../plugins.json", cwd, exeDir));
        Assert.Throws<ConfigurationException>(() => PluginsJsonLoader.Locate("missing.json", cwd, exeDir));
    }

    [Theory]
    [InlineData(new[] { "--port", "50051" }, 50051, null)]
    [InlineData(new[] { "--port=7000", "--config", "x.json" }, 7000, "x.json")]
    [InlineData(new string[0], null, null)]
    public void Command_line_parses_port_and_config(string[] args, int? port, string? config)
    {
        var parsed = CommandLine.Parse(args);

        Assert.Equal(port, parsed.Port);
        Assert.Equal(config, parsed.ConfigPath);
        Assert.False(parsed.ShowHelp);
    }

    [Fact]
    public void Command_line_value_is_required()
    {
        Assert.Contains("--port needs a value", Assert.Throws<ConfigurationException>(() => CommandLine.Parse(["--port"])).Message);
    }

    private HostConfiguration Load(string json)
    {
        var path = Path.Combine(_directory, "plugins.json");
        File.WriteAllText(path, json);
        return PluginsJsonLoader.Load(path);
    }
}
