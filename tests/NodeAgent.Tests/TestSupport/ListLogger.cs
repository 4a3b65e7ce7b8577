using Microsoft.Extensions.Logging;

namespace NodeAgent.Tests.TestSupport;

/// <summary>Keeps every log entry, from any thread: as a logger itself, or as the provider of a logger factory
/// (<c>LoggerFactory.Create(b => b.AddProvider(list))</c>) for components that take an <c>ILogger&lt;T&gt;</c>.</summary>
internal sealed class ListLogger : ILogger, ILoggerProvider
{
    private readonly List<(int Id, LogLevel Level, string Message)> _entries = [];

    public List<(int Id, LogLevel Level, string Message)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries)
        {
            _entries.Add((eventId.Id, logLevel, exception is null ? formatter(state, exception) : $"{formatter(state, exception)}: {exception}"));
        }
    }

    /// <summary>A line of the test's own, in order with the entries (id 0).</summary>
    public void Note(string text)
    {
        lock (_entries)
        {
            _entries.Add((0, LogLevel.Information, text));
        }
    }

    public ILogger CreateLogger(string categoryName) => this;

    public void Dispose()
    {
    }
}
