using ConnectorHost.Abstractions.Logging;
using ConnectorHost.Plugins;
using Serilog;
using Serilog.Extensions.Logging;
using ILogger = Serilog.ILogger;

namespace ConnectorHost.Logging;

/// <summary>
/// The host's Serilog pipeline: Fivetran JSON lines on stdout with secrets masked, and per-side loggers that stamp
/// the side's message-origin (also handed to plugins as a Microsoft.Extensions.Logging factory).
/// </summary>
public sealed class HostLogging : IDisposable
{
    private readonly Serilog.Core.Logger _root;

    public HostLogging(TextWriter output, SecretRedactor redactor)
    {
        Redactor = redactor;
        _root = new LoggerConfiguration()
            .MinimumLevel.Information()
            // Kestrel's own informational chatter (connection life) is not connector news for Fivetran.
            .MinimumLevel.Override("Microsoft", Serilog.Events.LogEventLevel.Warning)
            .WriteTo.Sink(new FivetranConsoleSink(output, new FivetranJsonFormatter(FivetranLogOrigin.Connector, redactor)))
            .CreateLogger();
    }

    public SecretRedactor Redactor { get; }

    public ILogger Root => _root;

    public ILogger For(ConnectorSide side) => _root.ForContext(FivetranLogOrigin.PropertyName, side.LogOrigin());

    /// <summary>A Microsoft.Extensions.Logging factory whose loggers write with the side's origin.</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory FactoryFor(ConnectorSide side) => new SerilogLoggerFactory(For(side));

    /// <summary>A factory for host infrastructure (Kestrel, transport).</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory HostFactory() => new SerilogLoggerFactory(_root);

    public void Dispose() => _root.Dispose();
}
