using System.Text;
using ConnectorHost.Abstractions.Logging;
using ConnectorHost.Hosting;
using ConnectorHost.Logging;
using Serilog.Events;

namespace ConnectorHost.Testing.Dispatch;

/// <summary>
/// A plugin behind the host's dispatch (from <see cref="InProcessDispatch"/>): call it through <see cref="Connector"/>,
/// read what the host logged in <see cref="LogLines"/>. Disposing it disposes a plugin it loaded from a folder.
/// </summary>
public sealed class DispatchedPlugin<TConnector> : IAsyncDisposable, IDisposable
    where TConnector : class
{
    private readonly DispatchLog _log;
    private readonly TConnector? _ownedPlugin;
    private readonly string? _ownedDataDirectory;
    private int _disposed;

    internal DispatchedPlugin(TConnector connector, string pluginName, DispatchLog log, TConnector? ownedPlugin, string? ownedDataDirectory)
    {
        Connector = connector;
        PluginName = pluginName;
        _log = log;
        _ownedPlugin = ownedPlugin;
        _ownedDataDirectory = ownedDataDirectory;
    }

    /// <summary>The plugin as a gRPC client reaches it: a failed call throws the <c>RpcException</c> the host would answer with.</summary>
    public TConnector Connector { get; }

    /// <summary>The name the host's messages give the plugin.</summary>
    public string PluginName { get; }

    /// <summary>
    /// Every line logged so far, as the host writes them: Fivetran JSON lines (INFO and above, what Fivetran reads on
    /// stdout) and "DEBUG …" lines (stderr), secrets masked.
    /// </summary>
    public IReadOnlyList<string> LogLines => _log.Lines();

    /// <summary>Cancels every call in flight as the host does once its shutdown grace period is over (they answer UNAVAILABLE).</summary>
    public void AbortInFlightCalls() => _log.Lifecycle.AbortInFlightCalls();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            switch (_ownedPlugin)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
        finally
        {
            _log.Dispose();
            if (_ownedDataDirectory is not null)
            {
                Directory.Delete(_ownedDataDirectory, recursive: true);
            }
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}

/// <summary>The host's logging pipeline (redaction, Fivetran JSON, debug lines) into memory, and the lifecycle dispatch watches.</summary>
internal sealed class DispatchLog : IDisposable
{
    private readonly LineCapture _capture;

    private DispatchLog(LineCapture capture)
    {
        _capture = capture;
        Host = new HostLogging(capture, new SecretRedactor(), LogEventLevel.Debug, debugOutput: capture);
    }

    public HostLogging Host { get; }

    public HostLifecycle Lifecycle { get; } = new();

    public static DispatchLog Start()
    {
        var log = new DispatchLog(new LineCapture());
        log.Lifecycle.MarkServing();
        return log;
    }

    public IReadOnlyList<string> Lines() => _capture.Lines();

    public void Dispose() => Host.Dispose();

    private sealed class LineCapture : TextWriter
    {
        private readonly StringBuilder _text = new();
        private readonly Lock _gate = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_gate)
            {
                _text.Append(value);
            }
        }

        public override void Write(string? value)
        {
            lock (_gate)
            {
                _text.Append(value);
            }
        }

        public IReadOnlyList<string> Lines()
        {
            lock (_gate)
            {
                return _text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd('\r')).ToList();
            }
        }
    }
}
