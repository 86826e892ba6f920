using System.Diagnostics;
using System.Runtime.Loader;
using ConnectorHost.Plugins;
using Xunit;

namespace ConnectorHost.Tests.Plugins;

/// <summary>What <c>connectorhost plugins</c> shows for each folder of the plugins directory, and that listing keeps nothing loaded.</summary>
public sealed class PluginListingTests : IDisposable
{
    private readonly TempPluginsDirectory _plugins = new();
    private readonly string _data = Directory.CreateTempSubdirectory("connectorhost-data-").FullName;

    public void Dispose()
    {
        _plugins.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Every_folder_is_listed_with_its_side_versions_and_whether_it_loads()
    {
        foreach (var plugin in new[] { "ProbeSource", "ProbeDestination", "NoContractPlugin", "OldAbstractionsPlugin", "TwoContractsPlugin", "NoUsableCtorPlugin" })
        {
            _plugins.CopyPlugin(plugin);
        }

        Directory.CreateDirectory(Path.Combine(_plugins.Path, "EmptyFolder"));
        var loader = new PluginLoader(_plugins.Path, _data);

        var listing = loader.ListPlugins().ToDictionary(p => p.Name);

        Assert.Equal(["EmptyFolder", "NoContractPlugin", "NoUsableCtorPlugin", "OldAbstractionsPlugin", "ProbeDestination", "ProbeSource", "TwoContractsPlugin"],
            listing.Keys.Order(StringComparer.Ordinal));
        var hostAbstractions = typeof(Abstractions.Plugins.PluginContext).Assembly.GetName().Version;

        var source = listing["ProbeSource"];
        Assert.Equal((PluginContractSide.Source, "1.0.0", hostAbstractions, true), (source.Side, source.Version, source.AbstractionsVersion, source.Loads));
        var destination = listing["ProbeDestination"];
        Assert.Equal((PluginContractSide.Destination, "1.0.0", hostAbstractions, true), (destination.Side, destination.Version, destination.AbstractionsVersion, destination.Loads));

        Assert.IsType<MainAssemblyMissing>(listing["EmptyFolder"].Problem);
        Assert.Equal(PluginContractSide.None, listing["EmptyFolder"].Side);
        Assert.Equal(PluginContractSide.None, listing["NoContractPlugin"].Side);
        Assert.IsType<NoImplementation>(listing["NoContractPlugin"].Problem);
        Assert.Equal(new Version(2, 0, 0, 0), listing["OldAbstractionsPlugin"].AbstractionsVersion);
        Assert.IsType<AbstractionsVersionMismatch>(listing["OldAbstractionsPlugin"].Problem);
        Assert.Equal(PluginContractSide.Source, listing["TwoContractsPlugin"].Side);
        Assert.IsType<SeveralImplementations>(listing["TwoContractsPlugin"].Problem);
        Assert.Equal(new NoUsableConstructor("NoUsableCtorPlugin.NeedsSettingsSource"), listing["NoUsableCtorPlugin"].Problem);

        // Listing neither constructs plugins (no data folders) nor keeps their assemblies loaded.
        Assert.Empty(Directory.EnumerateFileSystemEntries(_data));
        var clock = Stopwatch.StartNew();
        while (StillLoaded("TwoContractsPlugin") && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            await Task.Yield();
        }

        Assert.False(StillLoaded("TwoContractsPlugin"), "the listing left TwoContractsPlugin loaded");
    }

    [Fact]
    public void A_missing_plugins_directory_lists_nothing()
    {
        Assert.Empty(new PluginLoader(Path.Combine(_plugins.Path, "absent"), _data).ListPlugins());
    }

    // TwoContractsPlugin is loaded in this test process by nothing but the listing (host-process tests run it elsewhere).
    private static bool StillLoaded(string assemblyName) =>
        AssemblyLoadContext.All.Any(context => context.Assemblies.Any(a => a.GetName().Name == assemblyName));
}
