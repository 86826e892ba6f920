using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Abstractions.Source;
using ConnectorHost.Plugins;
using ConnectorHost.Testing.Hosting;
using FivetranSdk.V2;
using Xunit;

namespace ConnectorHost.Tests.Plugins;

/// <summary>
/// The load diagnoses the host-process tests in <see cref="PluginLoadingFailureTests"/> do not reach, checked on the loader
/// in process: each failure kind is its own diagnosis, and its message names the file and the fix.
/// </summary>
public sealed class PluginLoaderTests : IDisposable
{
    private readonly TempPluginsDirectory _plugins = new();
    private readonly string _data = Directory.CreateTempSubdirectory("connectorhost-data-").FullName;
    private readonly RecordingLoggerFactory _logs = new();

    public void Dispose()
    {
        _plugins.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public void A_native_dll_in_place_of_the_plugin_assembly_is_not_a_dotnet_assembly()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_plugins.Path, "NativePlugin")).FullName;
        var nativeWindowsDll = Path.Combine(RepoPaths.PluginsDirectory, "SqliteDestination", "runtimes", "win-x64", "native", "e_sqlite3.dll");
        File.Copy(nativeWindowsDll, Path.Combine(folder, "NativePlugin.dll"));

        var failure = LoadFails("NativePlugin");

        var diagnosis = Assert.IsType<NotADotNetAssembly>(failure.Diagnosis);
        Assert.Equal(Path.Combine(folder, "NativePlugin.dll"), diagnosis.AssemblyPath);
        Assert.Equal($"Cannot load source plugin 'NativePlugin': {Path.Combine(folder, "NativePlugin.dll")} is not a .NET assembly. " +
                     "Build the plugin as a .NET class library (net10.0).", failure.Message);
    }

    [Fact]
    public void A_truncated_assembly_is_reported_as_invalid()
    {
        var folder = _plugins.CopyPlugin("ProbeSource");
        var assembly = Path.Combine(folder, "ProbeSource.dll");
        var bytes = File.ReadAllBytes(assembly);
        File.WriteAllBytes(assembly, bytes[..(bytes.Length / 3)]);

        var failure = LoadFails("ProbeSource");

        Assert.IsType<AssemblyUnreadable>(failure.Diagnosis);
        Assert.Contains($"{assembly} is not a valid .NET assembly", failure.Message);
        Assert.Contains("copy its whole build output again", failure.Message);
    }

    [Fact]
    public void A_text_file_named_like_the_plugin_assembly_is_reported_as_invalid()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_plugins.Path, "TextPlugin")).FullName;
        File.WriteAllText(Path.Combine(folder, "TextPlugin.dll"), "not an assembly");

        var failure = LoadFails("TextPlugin");

        Assert.IsType<AssemblyUnreadable>(failure.Diagnosis);
        Assert.Contains(Path.Combine(folder, "TextPlugin.dll") + " is not a valid .NET assembly", failure.Message);
    }

    [Fact]
    public void A_dependency_listed_in_deps_json_but_missing_is_refused_with_the_fix()
    {
        var folder = _plugins.CopyPlugin("IsolationSourceA");
        File.Delete(Path.Combine(folder, "Newtonsoft.Json.dll"));

        var failure = LoadFails("IsolationSourceA");

        var diagnosis = Assert.IsType<DependenciesMissing>(failure.Diagnosis);
        Assert.Equal(["Newtonsoft.Json.dll"], diagnosis.Missing);
        Assert.Empty(diagnosis.Unreadable);
        Assert.Contains($"{Path.Combine(folder, "IsolationSourceA.deps.json")} lists dependencies that are missing from {folder}: Newtonsoft.Json.dll", failure.Message);
        Assert.Contains("<EnableDynamicLoading>true</EnableDynamicLoading>", failure.Message);
        Assert.Contains("dotnet publish -o", failure.Message);
    }

    [Fact]
    public void A_plugin_built_without_EnableDynamicLoading_is_refused_at_load_not_on_its_first_call()
    {
        var folder = _plugins.CopyPlugin("ForgotDynamicLoadingPlugin");
        Assert.False(File.Exists(Path.Combine(folder, "Newtonsoft.Json.dll")), "the build output of a plugin without EnableDynamicLoading lacks its package dependencies");

        var failure = LoadFails("ForgotDynamicLoadingPlugin");

        Assert.Equal(["Newtonsoft.Json.dll"], Assert.IsType<DependenciesMissing>(failure.Diagnosis).Missing);
        Assert.StartsWith($"Cannot load source plugin 'ForgotDynamicLoadingPlugin': {Path.Combine(folder, "ForgotDynamicLoadingPlugin.deps.json")} lists dependencies " +
                          $"that are missing from {folder}: Newtonsoft.Json.dll.", failure.Message);
        Assert.Contains("add it to the plugin's csproj and rebuild, or deploy with `dotnet publish -o <folder>`", failure.Message);
    }

    [Fact]
    public void A_dependency_that_is_not_an_assembly_is_refused_before_the_plugin_runs()
    {
        var folder = _plugins.CopyPlugin("IsolationSourceA");
        File.WriteAllText(Path.Combine(folder, "Newtonsoft.Json.dll"), "half-copied");

        var failure = LoadFails("IsolationSourceA");

        var diagnosis = Assert.IsType<DependenciesMissing>(failure.Diagnosis);
        Assert.Empty(diagnosis.Missing);
        Assert.Equal(["Newtonsoft.Json.dll"], diagnosis.Unreadable);
        Assert.Contains("are not valid .NET assemblies: Newtonsoft.Json.dll", failure.Message);
        Assert.Empty(_logs.Lines); // refused before its constructor ran (it logs what it sees)
    }

    [Fact]
    public void A_type_without_a_usable_constructor_is_reported()
    {
        _plugins.CopyPlugin("NoUsableCtorPlugin");

        var failure = LoadFails("NoUsableCtorPlugin");

        Assert.Equal(new NoUsableConstructor("NoUsableCtorPlugin.NeedsSettingsSource"), failure.Diagnosis);
        Assert.Equal("Cannot load source plugin 'NoUsableCtorPlugin': NoUsableCtorPlugin.NeedsSettingsSource has no public constructor taking " +
                     "(PluginContext) or no arguments. Add one of them.", failure.Message);
    }

    [Fact]
    public void A_data_folder_that_cannot_be_created_is_reported_with_the_fix()
    {
        _plugins.CopyPlugin("ProbeSource");
        var blocker = Path.Combine(_data, "not-a-folder");
        File.WriteAllText(blocker, "a file where the data directory should be");

        var failure = Assert.Throws<PluginLoadException>(() =>
            new PluginLoader(_plugins.Path, blocker).Open<ISourceConnector>("ProbeSource", ConnectorSide.Source, _logs));

        var diagnosis = Assert.IsType<DataFolderNotCreatable>(failure.Diagnosis);
        Assert.Equal(Path.Combine(blocker, "ProbeSource"), diagnosis.DataFolder);
        Assert.Contains($"its data directory {Path.Combine(blocker, "ProbeSource")} cannot be created", failure.Message);
        Assert.Contains("Fix dataDirectory in plugins.json", failure.Message);
    }

    [Fact]
    public void Each_plugin_gets_its_own_data_folder_before_it_is_constructed()
    {
        _plugins.CopyPlugin("ProbeSource");
        _plugins.CopyPlugin("ProbeDestination");
        var loader = new PluginLoader(_plugins.Path, _data);

        using var source = loader.Open<ISourceConnector>("ProbeSource", ConnectorSide.Source, _logs);
        using var destination = loader.Open<IDestinationConnector>("ProbeDestination", ConnectorSide.Destination, _logs);

        Assert.Equal(["ProbeDestination", "ProbeSource"], Directory.GetDirectories(_data).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Plugin_of_the_other_side_gets_its_own_diagnosis_kind()
    {
        _plugins.CopyPlugin("ProbeDestination");

        var failure = LoadFails("ProbeDestination");

        var diagnosis = Assert.IsType<ImplementsOtherSide>(failure.Diagnosis);
        Assert.Equal(ConnectorSide.Destination, diagnosis.OtherSide);
        Assert.Contains("configure it as \"destination\"", failure.Message);
    }

    [Fact]
    public async Task Sqlite_destination_runs_with_its_native_library_from_its_own_folder()
    {
        foreach (var hotReload in new[] { true, false })
        {
            var plugins = Path.Combine(_plugins.Path, hotReload ? "reloadable" : "fixed");
            Directory.CreateDirectory(plugins);
            CopyFolder(Path.Combine(RepoPaths.PluginsDirectory, "SqliteDestination"), Path.Combine(plugins, "SqliteDestination"));
            var loader = new PluginLoader(plugins, Path.Combine(_data, hotReload ? "reloadable" : "fixed"), hotReload);

            using var handle = loader.Open<IDestinationConnector>("SqliteDestination", ConnectorSide.Destination, _logs);
            using var lease = handle.Acquire();
            var response = await lease.Connector.TestAsync(new TestRequest { Name = "connect" }, CancellationToken.None);

            Assert.True(response.Success, response.Failure);
            Assert.True(File.Exists(Path.Combine(_data, hotReload ? "reloadable" : "fixed", "SqliteDestination", "destination.db")),
                "the database file lands in the plugin's data folder");
        }

        // e_sqlite3 comes from the plugin's own folder (for a hot-reloadable build, McMaster's shadow copy of it), never from the host's.
        var mapped = File.ReadLines("/proc/self/maps").Where(l => l.Contains("libe_sqlite3", StringComparison.Ordinal))
            .Select(l => l[l.IndexOf('/', StringComparison.Ordinal)..]).Distinct().ToList();
        Assert.Contains(mapped, path => path.StartsWith(Path.Combine(_plugins.Path, "fixed", "SqliteDestination", "runtimes"), StringComparison.Ordinal));
        // A hot-reloadable build maps a shadow copy, so a rebuild may overwrite the library in the plugin folder while it runs.
        Assert.DoesNotContain(mapped, path => path.StartsWith(Path.Combine(_plugins.Path, "reloadable"), StringComparison.Ordinal));
        Assert.All(mapped, path => Assert.DoesNotContain(Path.Combine(RepoPaths.Root, "tests"), path, StringComparison.Ordinal));
    }

    [Fact]
    public void Hot_reloadable_builds_keep_their_own_dependency_versions()
    {
        _plugins.CopyPlugin("IsolationSourceA");
        _plugins.CopyPlugin("IsolationDestinationB");
        var loader = new PluginLoader(_plugins.Path, _data, hotReload: true);

        using var source = loader.Open<ISourceConnector>("IsolationSourceA", ConnectorSide.Source, _logs);
        using var destination = loader.Open<IDestinationConnector>("IsolationDestinationB", ConnectorSide.Destination, _logs);

        Assert.Contains("IsolationSourceA sees Newtonsoft.Json 13.0.0.0 from IsolationSourceA", _logs.Messages(Microsoft.Extensions.Logging.LogLevel.Information));
        Assert.Contains("IsolationDestinationB sees Newtonsoft.Json 12.0.0.0 from IsolationDestinationB, Microsoft.Extensions.Primitives 6.0.0.0 from IsolationDestinationB",
            _logs.Messages(Microsoft.Extensions.Logging.LogLevel.Information));
    }

    internal static void CopyFolder(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
        }
    }

    private PluginLoadException LoadFails(string name) =>
        Assert.Throws<PluginLoadException>(() => new PluginLoader(_plugins.Path, _data).Open<ISourceConnector>(name, ConnectorSide.Source, _logs));
}
