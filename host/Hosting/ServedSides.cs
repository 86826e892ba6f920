using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Abstractions.Source;
using ConnectorHost.Configuration;
using ConnectorHost.Dispatch;
using ConnectorHost.Logging;
using ConnectorHost.Plugins;
using ConnectorHost.Serving;
using FivetranSdk.V2;

namespace ConnectorHost.Hosting;

/// <summary>
/// The configured sides and where each is served: the dispatch services exist before their plugins have loaded (so
/// Kestrel can bind meanwhile), and the plugins are attached once loaded.
/// </summary>
internal sealed class ServedSides : IDisposable
{
    private readonly HostConfiguration _configuration;
    private readonly HostLogging _logging;
    private readonly HostLifecycle _lifecycle;
    private readonly int? _commonPort;
    private readonly List<Side> _sides = [];
    private readonly List<PortSides> _ports = [];
    private readonly TaskCompletionSource<PluginHandle<ISourceConnector>> _source = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<PluginHandle<IDestinationConnector>> _destination = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<IDisposable> _handles = [];
    private readonly PluginDispatcher<ISourceConnector>? _sourceDispatcher;
    private readonly PluginDispatcher<IDestinationConnector>? _destinationDispatcher;

    public ServedSides(HostConfiguration configuration, int? commonPort, HostLogging logging, HostLifecycle lifecycle)
    {
        _configuration = configuration;
        _logging = logging;
        _lifecycle = lifecycle;
        _commonPort = commonPort;
        if (configuration.Source is { } source)
        {
            _sourceDispatcher = new PluginDispatcher<ISourceConnector>(source.Plugin, _source.Task, logging.For(ConnectorSide.Source),
                logging.Redactor, lifecycle, (plugin, token) => plugin.ConfigurationFormAsync(token));
            var service = new SourceConnectorService(_sourceDispatcher, logging.FactoryFor(ConnectorSide.Source));
            _sides.Add(new Side(ConnectorSide.Source, source.Plugin, commonPort ?? source.Port,
                ServedContract.For(ConnectorSide.Source.ServiceName(), () => SourceConnector.Descriptor, service)));
        }

        if (configuration.Destination is { } destination)
        {
            _destinationDispatcher = new PluginDispatcher<IDestinationConnector>(destination.Plugin, _destination.Task, logging.For(ConnectorSide.Destination),
                logging.Redactor, lifecycle, (plugin, token) => plugin.ConfigurationFormAsync(token));
            var service = new DestinationConnectorService(_destinationDispatcher);
            _sides.Add(new Side(ConnectorSide.Destination, destination.Plugin, commonPort ?? destination.Port,
                ServedContract.For(ConnectorSide.Destination.ServiceName(), () => DestinationConnector.Descriptor, service)));
        }
    }

    /// <summary>
    /// The server: one application listening on every distinct port; sides configured with port 0 each get their own
    /// free port.
    /// </summary>
    public PortServer CreateServer(TimeSpan shutdownTimeout)
    {
        // With --port every side shares the one port (0 included); plugins.json sides on port 0 each get their own.
        // Plain loops, not LINQ: this is on the start-up path, before much else has been compiled.
        foreach (var side in _sides)
        {
            var group = _commonPort is not null || side.Port != 0 ? _ports.Find(p => p.RequestedPort == side.Port) : null;
            if (group is null)
            {
                _ports.Add(group = new PortSides(side.Port));
            }

            group.Sides.Add(side);
            group.Contracts.Add(side.Contract);
        }

        var ports = new List<ServedPort>();
        foreach (var group in _ports)
        {
            ports.Add(group.Served = new ServedPort(group.RequestedPort, group.Contracts));
        }

        return PortServer.Create(ports, _lifecycle, _logging.HostFactory(), shutdownTimeout);
    }

    /// <summary>Loads every configured plugin; false (each failure reported) when one cannot load.</summary>
    public bool LoadPlugins()
    {
        var loader = new PluginLoader(_configuration.PluginsDirectory, _configuration.DataDirectory, _configuration.HotReload);
        var failures = 0;
        foreach (var side in _sides)
        {
            try
            {
                if (side.ConnectorSide == ConnectorSide.Source)
                {
                    var handle = loader.Open<ISourceConnector>(side.PluginName, ConnectorSide.Source, _logging.FactoryFor(ConnectorSide.Source),
                        _configuration.Source!.OperatorSettings);
                    _handles.Add(handle);
                    side.Version = handle.Version;
                    _source.SetResult(handle);
                }
                else
                {
                    var handle = loader.Open<IDestinationConnector>(side.PluginName, ConnectorSide.Destination, _logging.FactoryFor(ConnectorSide.Destination),
                        _configuration.Destination!.OperatorSettings);
                    _handles.Add(handle);
                    side.Version = handle.Version;
                    _destination.SetResult(handle);
                }
            }
            catch (PluginLoadException e)
            {
                _logging.For(e.Side).Error("{Message}", e.Message);
                HostConsole.StandardError.WriteLine($"ConnectorHost: {e.Message}");
                failures++;
            }
        }

        if (failures > 0)
        {
            var notServing = new InvalidOperationException("The host is not serving: a plugin failed to load.");
            _source.TrySetException(notServing);
            _destination.TrySetException(notServing);
        }

        return failures == 0;
    }

    /// <summary>Asks each plugin for its form once, to learn which configuration fields are passwords (never logged).</summary>
    public Task LearnPasswordFieldsAsync() => Task.WhenAll(
        _sourceDispatcher?.LearnPasswordFieldsAsync() ?? Task.CompletedTask,
        _destinationDispatcher?.LearnPasswordFieldsAsync() ?? Task.CompletedTask);

    public void LogServing()
    {
        foreach (var port in _ports)
        {
            foreach (var side in port.Sides)
            {
                _logging.For(side.ConnectorSide).Information("Serving {Side} plugin {Plugin} {Version} as {Service} on port {Port}",
                    side.ConnectorSide.ConfigKey(), side.PluginName, side.Version, side.Contract.ServiceName, port.Served!.BoundPort);
            }
        }
    }


    /// <summary>Stops following rebuilds and releases the plugins (each disposed once its last call has ended).</summary>
    public void Dispose()
    {
        foreach (var handle in _handles)
        {
            handle.Dispose();
        }
    }

    private sealed class PortSides(int requestedPort)
    {
        public int RequestedPort { get; } = requestedPort;

        public List<Side> Sides { get; } = [];

        public List<ServedContract> Contracts { get; } = [];

        public ServedPort? Served { get; set; }
    }

    private sealed class Side(ConnectorSide side, string pluginName, int port, ServedContract contract)
    {
        public ConnectorSide ConnectorSide { get; } = side;

        public string PluginName { get; } = pluginName;

        public int Port { get; } = port;

        public ServedContract Contract { get; } = contract;

        public string Version { get; set; } = "?";
    }
}
