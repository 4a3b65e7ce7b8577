using Microsoft.Extensions.Logging;
using NodeAgent.Delivery;
using NodeAgent.Tailing;
using NodeAgent.Tailing.Journald;
using NodeAgent.Telemetry;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Tailing.Journald;

/// <summary>One run of the real journal input over a directory of journal files, shipping into a
/// <see cref="TestOutput"/>: started, then stopped as the host stops it (output flushed, checkpoints saved).</summary>
internal sealed class JournalHarness : IAsyncDisposable
{
    public const string NodeName = "node-j";

    private readonly ILoggerFactory _loggers;
    private bool _stopped;

    public JournalHarness(string journalDirectory, string statePath, IReadOnlyList<string>? units = null, bool readFromHead = true, BufferBudget? budget = null, bool stalled = false, int maxMessageBytes = 1 << 20)
    {
        Budget = budget ?? new BufferBudget(64L << 20);
        Output = new TestOutput(Budget) { Stalled = stalled };
        _loggers = LoggerFactory.Create(b => b.AddProvider(Log).SetMinimumLevel(LogLevel.Trace));
        var journal = new JournalOptions(true, [journalDirectory], units ?? [], JournalOptions.DefaultDataStream);
        var logs = new LogsOptions(true, [], [], statePath, readFromHead) { MaxMessageBytes = maxMessageBytes };
        Input = new JournalInput(journal, logs, NodeName, Output, Budget, Statistics, new AgentHealth(TimeProvider.System), Errors, TimeProvider.System, _loggers.CreateLogger<JournalInput>())
        {
            ListEvery = TimeSpan.FromMilliseconds(200),
        };
    }

    public ListLogger Log { get; } = new();

    public BufferBudget Budget { get; }

    public TestOutput Output { get; }

    public JournalStatistics Statistics { get; } = new();

    public InternalErrors Errors { get; } = new();

    public JournalInput Input { get; }

    public async Task<JournalHarness> StartAsync()
    {
        await Input.StartAsync(CancellationToken.None);
        return this;
    }

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await Input.StopAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Input.Dispose();
        _loggers.Dispose();
    }
}
