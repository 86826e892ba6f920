using Microsoft.Extensions.Logging;

namespace SqliteDestination.Tests.Support;

/// <summary>Writes each log line to stdout (the crash test's child process reports its progress this way).</summary>
public sealed class ConsoleLoggerFactory : ILoggerFactory, ILogger
{
    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            Console.Out.WriteLine(formatter(state, exception));
            Console.Out.Flush();
        }
    }

    public void Dispose()
    {
    }
}
