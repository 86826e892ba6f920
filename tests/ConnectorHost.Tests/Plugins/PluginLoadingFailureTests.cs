using ConnectorHost.Testing.Hosting;
using Xunit;

namespace ConnectorHost.Tests.Plugins;

/// <summary>Every way a plugin can fail to load: a SEVERE line naming plugin, path, problem and fix; exit code 3.</summary>
public sealed class PluginLoadingFailureTests
{
    private const int PluginLoadFailed = 3;

    [Fact]
    public async Task Unknown_plugin_name_lists_the_plugins_found()
    {
        var (exitCode, logs) = await HostProcess.RunToExitAsync(new HostConfig { SourcePlugin = "NoSuchPlugin" });

        Assert.Equal(PluginLoadFailed, exitCode);
        var line = SingleSevere(logs);
        Assert.Equal("sdk_connector", line.Origin);
        Assert.Contains("'NoSuchPlugin'", line.Message);
        Assert.Contains(Path.Combine(RepoPaths.TestPluginsDirectory, "NoSuchPlugin"), line.Message);
        Assert.Contains("ProbeSource", line.Message);
        Assert.Contains("ProbeDestination", line.Message);
        Assert.Contains("Fix the plugin name in plugins.json", line.Message);
    }

    [Fact]
    public async Task Missing_plugins_directory_says_to_build()
    {
        var (exitCode, logs) = await HostProcess.RunToExitAsync(new HostConfig { PluginsDirectory = "/nonexistent/plugins", DestinationPlugin = "ProbeDestination" });

        Assert.Equal(PluginLoadFailed, exitCode);
        var line = SingleSevere(logs);
        Assert.Equal("sdk_destination", line.Origin);
        Assert.Contains("/nonexistent/plugins does not exist", line.Message);
        Assert.Contains("dotnet build", line.Message);
    }

    [Fact]
    public async Task Folder_without_the_main_assembly_is_reported()
    {
        using var plugins = new TempPluginsDirectory();
        Directory.CreateDirectory(Path.Combine(plugins.Path, "EmptyPlugin"));
        File.WriteAllText(Path.Combine(plugins.Path, "EmptyPlugin", "Other.dll"), "not an assembly");

        var (exitCode, logs) = await HostProcess.RunToExitAsync(new HostConfig { PluginsDirectory = plugins.Path, SourcePlugin = "EmptyPlugin" });

        Assert.Equal(PluginLoadFailed, exitCode);
        var message = SingleSevere(logs).Message!;
        Assert.Contains("has no EmptyPlugin.dll", message);
        Assert.Contains("Other.dll", message);
        Assert.Contains(Path.Combine(plugins.Path, "EmptyPlugin"), message);
    }

    [Fact]
    public async Task No_type_implementing_the_contract_is_reported()
    {
        var (exitCode, logs) = await HostProcess.RunToExitAsync(new HostConfig { SourcePlugin = "NoContractPlugin" });

        Assert.Equal(PluginLoadFailed, exitCode);
        var message = SingleSevere(logs).Message!;
        Assert.Contains("NoContractPlugin.dll has no public non-abstract type implementing ConnectorHost.Abstractions.Source.ISourceConnector", message);
        Assert.Contains("Add a public class implementing ISourceConnector", message);
    }

    [Fact]
    public async Task Plugin_of_the_other_side_is_told_where_it_belongs()
    {
        var (exitCode, logs) = await HostProcess.RunToExitAsync(new HostConfig { DestinationPlugin = "ProbeSource" });

        Assert.Equal(PluginLoadFailed, exitCode);
        Assert.Contains("configure it as \"source\"", SingleSevere(logs).Message);
    }

    [Fact]
    public async Task More_than_one_implementation_is_reported_with_their_names()
    {
        var (exitCode, logs) = await HostProcess.RunToExitAsync(new HostConfig { SourcePlugin = "TwoContractsPlugin" });

        Assert.Equal(PluginLoadFailed, exitCode);
        var message = SingleSevere(logs).Message!;
        Assert.Contains("has 2 public types implementing", message);
        Assert.Contains("TwoContractsPlugin.FirstSource", message);
        Assert.Contains("TwoContractsPlugin.SecondSource", message);
    }

    [Fact]
    public async Task Constructor_that_throws_is_reported_with_its_exception()
    {
        var (exitCode, logs) = await HostProcess.RunToExitAsync(new HostConfig { SourcePlugin = "ThrowingCtorPlugin" });

        Assert.Equal(PluginLoadFailed, exitCode);
        var message = SingleSevere(logs).Message!;
        Assert.Contains("constructor of ThrowingCtorPlugin.ThrowingSource threw InvalidOperationException: probe constructor failure in ThrowingCtorPlugin", message);
        Assert.DoesNotContain("   at ", message);
    }

    [Fact]
    public async Task Abstractions_copied_into_the_plugin_folder_is_refused_with_the_fix()
    {
        using var plugins = new TempPluginsDirectory();
        var folder = plugins.CopyPlugin("ProbeSource");
        File.Copy(typeof(Abstractions.ConnectorException).Assembly.Location, Path.Combine(folder, "ConnectorHost.Abstractions.dll"));

        var (exitCode, logs) = await HostProcess.RunToExitAsync(new HostConfig { PluginsDirectory = plugins.Path, SourcePlugin = "ProbeSource" });

        Assert.Equal(PluginLoadFailed, exitCode);
        var message = SingleSevere(logs).Message!;
        Assert.Contains(Path.Combine(folder, "ConnectorHost.Abstractions.dll") + " must not be in the plugin folder", message);
        Assert.Contains("Private=\"false\" ExcludeAssets=\"runtime\"", message);
    }

    [Fact]
    public async Task Plugin_built_against_another_abstractions_major_version_is_refused()
    {
        var (exitCode, logs) = await HostProcess.RunToExitAsync(new HostConfig { SourcePlugin = "OldAbstractionsPlugin" });

        Assert.Equal(PluginLoadFailed, exitCode);
        var message = SingleSevere(logs).Message!;
        Assert.Contains("was built against ConnectorHost.Abstractions 2.0.0.0, but this host provides 1.0.0.0", message);
        Assert.Contains("Rebuild the plugin against ConnectorHost.Abstractions 1.x", message);
    }

    [Fact]
    public async Task Both_failing_sides_get_a_diagnosis()
    {
        var (exitCode, logs) = await HostProcess.RunToExitAsync(new HostConfig { SourcePlugin = "ThrowingCtorPlugin", DestinationPlugin = "NoSuchDestination" });

        Assert.Equal(PluginLoadFailed, exitCode);
        var severe = logs.Where(l => l.Level == "SEVERE").ToList();
        Assert.Equal(2, severe.Count);
        Assert.Contains(severe, l => l.Origin == "sdk_connector" && l.Message!.Contains("ThrowingCtorPlugin"));
        Assert.Contains(severe, l => l.Origin == "sdk_destination" && l.Message!.Contains("NoSuchDestination"));
    }

    private static HostLogLine SingleSevere(IReadOnlyList<HostLogLine> logs)
    {
        Assert.All(logs, line => Assert.True(line.IsJson, $"not a JSON log line: {line.Raw}"));
        return Assert.Single(logs, line => line.Level == "SEVERE");
    }
}

/// <summary>A throw-away plugins directory for tests that need an altered plugin folder.</summary>
internal sealed class TempPluginsDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("connectorhost-plugins-").FullName;

    public string CopyPlugin(string name)
    {
        var source = System.IO.Path.Combine(RepoPaths.TestPluginsDirectory, name);
        var target = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, System.IO.Path.Combine(target, System.IO.Path.GetFileName(file)));
        }

        return target;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
