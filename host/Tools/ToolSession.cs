using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Abstractions.Logging;
using ConnectorHost.Abstractions.Source;
using ConnectorHost.Configuration;
using ConnectorHost.Dispatch;
using ConnectorHost.Hosting;
using ConnectorHost.Logging;
using ConnectorHost.Plugins;
using ConnectorHost.Testing.Grpc;
using ConnectorHost.Testing.Sync;
using ConnectorHost.Tools.Connectors;
using FivetranSdk.V2;
using Grpc.Net.Client;

namespace ConnectorHost.Tools;

/// <summary>
/// What a tool runs against: the plugins named in plugins.json, loaded in process behind the host's dispatch, or any
/// Fivetran connector at a gRPC address. Plugin and host log lines go to a log file, so the terminal shows the tool.
/// </summary>
internal sealed class ToolSession : IDisposable
{
    private const int MaxMessageBytes = 128 * 1024 * 1024;

    private readonly HostLogging _logging;
    private readonly StreamWriter _logWriter;
    private readonly HostLifecycle _lifecycle = new();
    private readonly List<GrpcChannel> _channels = [];

    private ToolSession(HostConfiguration configuration, string configurationPath, string logFile)
    {
        Configuration = configuration;
        ConfigurationPath = configurationPath;
        LogFile = logFile;
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        _logWriter = new StreamWriter(logFile, append: true) { AutoFlush = true };
        _logging = new HostLogging(_logWriter, new SecretRedactor(), Serilog.Events.LogEventLevel.Debug, debugOutput: _logWriter);
    }

    public HostConfiguration Configuration { get; }

    public string ConfigurationPath { get; }

    /// <summary>Where the tool keeps its own files (state, batch files, log): <c>&lt;dataDirectory&gt;/connectorhost-tools</c>.</summary>
    public string ToolDirectory => Path.Combine(Configuration.DataDirectory, "connectorhost-tools");

    public string LogFile { get; }

    /// <summary>Reads plugins.json (as the serve command finds it); a bad file throws <see cref="ConfigurationException"/>.</summary>
    public static ToolSession Open(string? configPath, string logName)
    {
        var path = PluginsJsonLoader.Locate(configPath, Environment.CurrentDirectory, AppContext.BaseDirectory);
        var configuration = PluginsJsonLoader.Load(path);
        return new ToolSession(configuration, path, Path.Combine(configuration.DataDirectory, "connectorhost-tools", logName));
    }

    /// <summary>The configured source plugin in process, or the source connector at <paramref name="address"/>.</summary>
    public (ISyncSource Source, string Description) Source(string? address)
    {
        if (address is not null)
        {
            return (new GrpcSyncSource(new SourceConnector.SourceConnectorClient(Channel(address))), $"source at {address}");
        }

        var side = Configuration.Source
            ?? throw new ConfigurationException($"{ConfigurationPath} names no source plugin: add \"source\": {{ \"plugin\": \"...\" }} or pass --source-address host:port.");
        var plugin = new PluginLoader(Configuration.PluginsDirectory, Configuration.DataDirectory)
            .Load<ISourceConnector>(side.Plugin, ConnectorSide.Source, _logging.FactoryFor(ConnectorSide.Source));
        var dispatcher = new PluginDispatcher<ISourceConnector>(new PluginHandle<ISourceConnector>(plugin), _logging.For(ConnectorSide.Source),
            _logging.Redactor, _lifecycle, (connector, token) => connector.ConfigurationFormAsync(token));
        var source = new DispatchedSource(dispatcher, _logging.FactoryFor(ConnectorSide.Source), StatusKinds.ToConnectorException);
        return (new SyncSourceOverDispatch(source), $"source plugin {plugin.Name} {plugin.Version}");
    }

    /// <summary>The configured destination plugin in process, or the destination connector at <paramref name="address"/>.</summary>
    public (IDestinationConnector Destination, string Description, string? DataDirectory) Destination(string? address)
    {
        if (address is not null)
        {
            return (new GrpcDestinationConnector(new DestinationConnector.DestinationConnectorClient(Channel(address))), $"destination at {address}", null);
        }

        var side = Configuration.Destination
            ?? throw new ConfigurationException($"{ConfigurationPath} names no destination plugin: add \"destination\": {{ \"plugin\": \"...\" }} or pass --destination-address host:port.");
        var plugin = new PluginLoader(Configuration.PluginsDirectory, Configuration.DataDirectory)
            .Load<IDestinationConnector>(side.Plugin, ConnectorSide.Destination, _logging.FactoryFor(ConnectorSide.Destination));
        var dispatcher = new PluginDispatcher<IDestinationConnector>(new PluginHandle<IDestinationConnector>(plugin), _logging.For(ConnectorSide.Destination),
            _logging.Redactor, _lifecycle, (connector, token) => connector.ConfigurationFormAsync(token));
        return (new DispatchedDestination(dispatcher, StatusKinds.ToConnectorException), $"destination plugin {plugin.Name} {plugin.Version}",
            Path.Combine(Configuration.DataDirectory, plugin.Name));
    }

    private GrpcChannel Channel(string address)
    {
        var uri = address.Contains("://", StringComparison.Ordinal) ? address : "http://" + address;
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Port <= 0)
        {
            throw new ConfigurationException($"'{address}' is not a connector address: give host:port, e.g. localhost:50052.");
        }

        var channel = GrpcChannel.ForAddress(parsed, new GrpcChannelOptions { MaxReceiveMessageSize = MaxMessageBytes, MaxSendMessageSize = MaxMessageBytes });
        _channels.Add(channel);
        return channel;
    }

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        _logging.Dispose();
        _logWriter.Dispose();
    }
}
