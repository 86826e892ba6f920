using ConnectorHost.Abstractions.Logging;
using ConnectorHost.Plugins;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Logging;
using ILogger = Serilog.ILogger;

namespace ConnectorHost.Logging;

/// <summary>
/// The host's Serilog pipeline: Fivetran JSON lines (INFO, WARNING, SEVERE) on stdout with secrets masked, debug
/// lines (with --log-level debug) on stderr where Fivetran does not read them, and per-side loggers that stamp the
/// side's message-origin (also handed to plugins as a Microsoft.Extensions.Logging factory).
/// </summary>
public sealed class HostLogging : IDisposable
{
    private readonly Serilog.Core.Logger _root;
    private readonly DefaultOrigin _defaultOrigin = new();

    public HostLogging(TextWriter output, SecretRedactor redactor, LogEventLevel minimumLevel = LogEventLevel.Information, TextWriter? debugOutput = null)
    {
        Redactor = redactor;
        var debug = debugOutput ?? HostConsole.StandardError;
        _root = new LoggerConfiguration()
            .MinimumLevel.Is(minimumLevel)
            .Enrich.With(_defaultOrigin)
            // Kestrel's and gRPC's own informational chatter (connection life, each status raised) is not connector news;
            // the host logs what matters about each call itself.
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Grpc", LogEventLevel.Warning)
            .WriteTo.Logger(stdout => stdout
                .Filter.ByIncludingOnly(e => e.Level >= LogEventLevel.Information)
                .WriteTo.Sink(new FivetranConsoleSink(output, new FivetranJsonFormatter(FivetranLogOrigin.Connector, redactor))))
            .WriteTo.Logger(stderr => stderr
                .Filter.ByIncludingOnly(e => e.Level < LogEventLevel.Information)
                .WriteTo.Sink(new DebugConsoleSink(debug, redactor)))
            .CreateLogger();
    }

    public SecretRedactor Redactor { get; }

    public ILogger Root => _root;

    /// <summary>
    /// The origin of the host's own lines (start-up, ready, shutdown): sdk_connector unless the host serves only a
    /// destination, whose lines Fivetran expects as sdk_destination.
    /// </summary>
    public void UseOriginOf(ConnectorSide side) => _defaultOrigin.Origin = side.LogOrigin();

    public ILogger For(ConnectorSide side) => _root.ForContext(FivetranLogOrigin.PropertyName, side.LogOrigin());

    /// <summary>A Microsoft.Extensions.Logging factory whose loggers write with the side's origin.</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory FactoryFor(ConnectorSide side) => new SerilogLoggerFactory(For(side));

    /// <summary>A factory for host infrastructure (Kestrel, Grpc.AspNetCore).</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory HostFactory() => new SerilogLoggerFactory(_root);

    public void Dispose() => _root.Dispose();

    private sealed class DefaultOrigin : Serilog.Core.ILogEventEnricher
    {
        public volatile string Origin = FivetranLogOrigin.Connector;

        public void Enrich(LogEvent logEvent, Serilog.Core.ILogEventPropertyFactory propertyFactory) =>
            logEvent.AddPropertyIfAbsent(new LogEventProperty(FivetranLogOrigin.PropertyName, new ScalarValue(Origin)));
    }
}
