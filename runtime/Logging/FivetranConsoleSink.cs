using ConnectorHost.Abstractions.Logging;
using Serilog.Core;
using Serilog.Events;

namespace ConnectorHost.Logging;

/// <summary>Writes each event as one Fivetran JSON line to a text writer (stdout), whole lines only.</summary>
public sealed class FivetranConsoleSink(TextWriter output, FivetranJsonFormatter formatter) : ILogEventSink
{
    private readonly Lock _gate = new();

    public void Emit(LogEvent logEvent)
    {
        var line = new StringWriter();
        formatter.Format(logEvent, line);
        lock (_gate)
        {
            output.Write(line.ToString());
            output.Flush();
        }
    }
}
