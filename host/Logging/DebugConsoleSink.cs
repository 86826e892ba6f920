using ConnectorHost.Abstractions.Logging;
using Serilog.Core;
using Serilog.Events;

namespace ConnectorHost.Logging;

/// <summary>Debug lines as plain text on stderr ("DEBUG message"), secrets masked like every other line.</summary>
public sealed class DebugConsoleSink(TextWriter output, SecretRedactor redactor) : ILogEventSink
{
    private readonly Lock _gate = new();

    public void Emit(LogEvent logEvent)
    {
        var text = redactor.Redact(logEvent.RenderMessage(System.Globalization.CultureInfo.InvariantCulture));
        lock (_gate)
        {
            output.Write("DEBUG ");
            output.WriteLine(text);
            output.Flush();
        }
    }
}
