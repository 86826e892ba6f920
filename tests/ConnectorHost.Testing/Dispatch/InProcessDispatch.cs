using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Abstractions.Source;
using ConnectorHost.Dispatch;
using ConnectorHost.Plugins;

namespace ConnectorHost.Testing.Dispatch;

/// <summary>
/// A plugin called through the host's own dispatch, in process, with no server: Password values redacted from the
/// log, <c>ConnectorException</c> answered as the gRPC status the host sends (an <c>RpcException</c> with its code and
/// message, capped at 8,000 bytes), <c>ConnectorAlertException</c> as the response's task or warning, a cancelled call
/// as CANCELLED. A test sees what Fivetran's gRPC client would.
/// </summary>
public static class InProcessDispatch
{
    /// <summary>Dispatch to <paramref name="plugin"/>; the caller keeps owning (and disposing) it.</summary>
    /// <param name="pluginName">The name the host's messages give the plugin; by default its assembly's name, as plugins.json names it.</param>
    public static DispatchedPlugin<IDestinationConnector> Destination(IDestinationConnector plugin, string? pluginName = null)
    {
        var logging = DispatchLog.Start();
        var loaded = Describe(plugin, pluginName, ConnectorSide.Destination);
        return new DispatchedPlugin<IDestinationConnector>(
            new DispatchedDestination(DispatcherFor(loaded, logging)), loaded.Name, logging, ownedPlugin: null, ownedDataDirectory: null);
    }

    /// <summary>
    /// Loads the plugin built into <paramref name="pluginFolder"/> (<c>&lt;Name&gt;/&lt;Name&gt;.dll</c>) the way the host
    /// does, in its own load context; a folder that cannot be loaded throws the host's <see cref="PluginLoadException"/>.
    /// </summary>
    /// <param name="dataDirectory">The data directory the host would be given; by default a fresh one, deleted on dispose.</param>
    /// <param name="operatorSettings">The side's <c>settings</c> from plugins.json.</param>
    public static DispatchedPlugin<IDestinationConnector> Destination(string pluginFolder, string? dataDirectory = null,
        IReadOnlyDictionary<string, string>? operatorSettings = null) =>
        FromFolder<IDestinationConnector>(pluginFolder, ConnectorSide.Destination, dataDirectory, operatorSettings,
            (loaded, logging) => new DispatchedDestination(DispatcherFor(loaded, logging)));

    /// <summary>Dispatch to <paramref name="plugin"/>; the caller keeps owning (and disposing) it.</summary>
    /// <param name="pluginName">The name the host's messages give the plugin; by default its assembly's name, as plugins.json names it.</param>
    public static DispatchedPlugin<ISourceConnector> Source(ISourceConnector plugin, string? pluginName = null)
    {
        var logging = DispatchLog.Start();
        var loaded = Describe(plugin, pluginName, ConnectorSide.Source);
        return new DispatchedPlugin<ISourceConnector>(
            new DispatchedSource(DispatcherFor(loaded, logging), logging.Host.FactoryFor(ConnectorSide.Source)), loaded.Name, logging,
            ownedPlugin: null, ownedDataDirectory: null);
    }

    /// <inheritdoc cref="Destination(string, string?, IReadOnlyDictionary{string, string}?)"/>
    public static DispatchedPlugin<ISourceConnector> Source(string pluginFolder, string? dataDirectory = null,
        IReadOnlyDictionary<string, string>? operatorSettings = null) =>
        FromFolder<ISourceConnector>(pluginFolder, ConnectorSide.Source, dataDirectory, operatorSettings,
            (loaded, logging) => new DispatchedSource(DispatcherFor(loaded, logging), logging.Host.FactoryFor(ConnectorSide.Source)));

    private static DispatchedPlugin<TContract> FromFolder<TContract>(string pluginFolder, ConnectorSide side, string? dataDirectory,
        IReadOnlyDictionary<string, string>? operatorSettings, Func<LoadedPlugin<TContract>, DispatchLog, TContract> dispatchTo)
        where TContract : class
    {
        var folder = Path.GetFullPath(pluginFolder).TrimEnd(Path.DirectorySeparatorChar);
        var ownedDataDirectory = dataDirectory is null ? Directory.CreateTempSubdirectory("connectorhost-dispatch-").FullName : null;
        var logging = DispatchLog.Start();
        try
        {
            var loaded = new PluginLoader(Path.GetDirectoryName(folder)!, dataDirectory ?? ownedDataDirectory!, hotReload: false)
                .Load<TContract>(Path.GetFileName(folder), side, logging.Host.FactoryFor(side), operatorSettings);
            return new DispatchedPlugin<TContract>(dispatchTo(loaded, logging), loaded.Name, logging, loaded.Connector, ownedDataDirectory);
        }
        catch
        {
            logging.Dispose();
            if (ownedDataDirectory is not null)
            {
                Directory.Delete(ownedDataDirectory, recursive: true);
            }

            throw;
        }
    }

    private static LoadedPlugin<TContract> Describe<TContract>(TContract plugin, string? pluginName, ConnectorSide side)
        where TContract : class
    {
        var assembly = plugin.GetType().Assembly.GetName();
        return new LoadedPlugin<TContract>(pluginName ?? assembly.Name ?? plugin.GetType().Name, assembly.Version?.ToString() ?? "0.0.0",
            AppContext.BaseDirectory, side, plugin);
    }

    // The handles are never disposed: that would dispose the plugin on a background thread; DispatchedPlugin does it, awaited.
    private static PluginDispatcher<IDestinationConnector> DispatcherFor(LoadedPlugin<IDestinationConnector> loaded, DispatchLog logging) =>
        new(new PluginHandle<IDestinationConnector>(loaded), logging.Host.For(loaded.Side), logging.Host.Redactor, logging.Lifecycle,
            (connector, token) => connector.ConfigurationFormAsync(token));

    private static PluginDispatcher<ISourceConnector> DispatcherFor(LoadedPlugin<ISourceConnector> loaded, DispatchLog logging) =>
        new(new PluginHandle<ISourceConnector>(loaded), logging.Host.For(loaded.Side), logging.Host.Redactor, logging.Lifecycle,
            (connector, token) => connector.ConfigurationFormAsync(token));
}
