using ConnectorHost.Abstractions.Logging;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace ConnectorHost.Logging;

/// <summary>Debug lines as plain text on stderr ("DEBUG message"), secrets masked like every other line.</summary>
public sealed class DebugConsoleSink(TextWriter output, SecretRedactor redactor) : ILogEventSink
{
    private static readonly MessageTemplateTextFormatter Formatter = new("{Message:lj}", System.Globalization.CultureInfo.InvariantCulture);
    private readonly Lock _gate = new();

    public void Emit(LogEvent logEvent)
    {
        var rendered = new StringWriter();
        Formatter.Format(logEvent, rendered);
        var text = redactor.Redact(rendered.ToString());
        lock (_gate)
        {
            output.Write("DEBUG ");
            output.WriteLine(text);
            output.Flush();
        }
    }
}
