using System.Text;
using ConnectorHost.Plugins;
using Serilog.Events;
using ILogger = Serilog.ILogger;

namespace ConnectorHost.Logging;

/// <summary>
/// Stands in for Console.Out or Console.Error in the host process. A plugin's Console.WriteLine would otherwise put raw
/// text into the stdout that Fivetran reads as one JSON object per line; here every line becomes a log line (INFO for
/// Console.Out, WARNING for Console.Error) with the origin of the side whose call wrote it, secrets masked as usual.
/// </summary>
public sealed class PluginConsoleCapture(ILogger logger, LogEventLevel level, ConnectorSide fallbackSide) : TextWriter
{
    /// <summary>A line longer than this is logged in pieces, so a plugin that never writes a newline cannot grow the buffer.</summary>
    public const int MaxLineLength = 16 * 1024;

    private static readonly AsyncLocal<ConnectorSide?> CallingSide = new();

    private readonly StringBuilder _line = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => Encoding.UTF8;

    /// <summary>Marks the rest of the current call (its async flow) as the given side's, for lines it writes to the console.</summary>
    public static void EnterCall(ConnectorSide side) => CallingSide.Value = side;

    /// <summary>Replaces Console.Out and Console.Error with captures; the host's own log lines do not go through Console.</summary>
    public static void Install(ILogger logger, ConnectorSide fallbackSide)
    {
        Console.SetOut(new PluginConsoleCapture(logger, LogEventLevel.Information, fallbackSide));
        Console.SetError(new PluginConsoleCapture(logger, LogEventLevel.Warning, fallbackSide));
    }

    public override void Write(char value)
    {
        lock (_gate)
        {
            Append(value);
        }
    }

    public override void Write(string? value)
    {
        if (value is null)
        {
            return;
        }

        lock (_gate)
        {
            foreach (var c in value)
            {
                Append(c);
            }
        }
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void WriteLine(string? value)
    {
        lock (_gate)
        {
            foreach (var c in value ?? string.Empty)
            {
                Append(c);
            }

            Emit();
        }
    }

    public override void WriteLine() => Write('\n');

    public override void Flush()
    {
        lock (_gate)
        {
            if (_line.Length > 0)
            {
                Emit();
            }
        }
    }

    private void Append(char c)
    {
        switch (c)
        {
            case '\n':
                Emit();
                return;
            case '\r':
                return;
        }

        _line.Append(c);
        if (_line.Length >= MaxLineLength)
        {
            Emit();
        }
    }

    private void Emit()
    {
        var text = _line.ToString();
        _line.Clear();
        var side = CallingSide.Value ?? fallbackSide;
        logger.ForContext(Abstractions.Logging.FivetranLogOrigin.PropertyName, side.LogOrigin()).Write(level, "{ConsoleLine}", text);
    }
}
