using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using NodeAgent.Hosting;
using NodeAgent.Kubernetes;
using NodeAgent.Parsing;
using NodeAgent.Shipping;

namespace NodeAgent.Tailing;

/// <summary>
/// The log pipeline's loop: finds the files (<see cref="Discovery"/>: polling as the truth, a directory watch as a
/// wake-up hint), reads every open file in turn with a fixed byte quantum so no backlog starves the others, hands
/// the records to the output (which waits when it is full), pauses reading while <see cref="BufferBudget"/> is
/// full, and persists checkpoints from the acknowledgement watermarks (<see cref="Checkpointer"/>).
/// </summary>
internal sealed partial class FileServer(
    AgentOptions options,
    ILogOutput output,
    Acknowledgements acknowledgements,
    BufferBudget budget,
    Checkpointer checkpointer,
    TailStatistics statistics,
    PodEnricher enricher,
    AgentHealth health,
    TimeProvider time,
    ILogger<FileServer> logger) : BackgroundService
{
    /// <summary>Bytes one file may read per turn: large enough for throughput, small enough for fairness.</summary>
    private const int Quantum = 256 * 1024;
    private static readonly TimeSpan IdleWait = TimeSpan.FromMilliseconds(200);

    private readonly List<FileTail> _tails = [];
    private readonly Lock _tailsLock = new();
    private readonly SemaphoreSlim _wakeUp = new(0, 1);

    /// <summary>A snapshot of the open files, for metrics and the index page.</summary>
    public IReadOnlyList<FileTail> Tails
    {
        get
        {
            lock (_tailsLock)
            {
                return [.. _tails];
            }
        }
    }

    public override void Dispose()
    {
        _wakeUp.Dispose();
        foreach (var tail in _tails)
        {
            tail.Dispose();
        }

        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Leave start-up to the host; the loop runs on the thread pool.
        await Task.Yield();
        var logs = options.Logs;
        var discovery = new Discovery(logs, options.NodeName, checkpointer, statistics, time, logger);
        using var watchers = new DirectoryHints(logs.Include, Wake, logger);
        // A file waiting for its pod's metadata is read as soon as the watch brings it.
        using var metadataHint = enricher.OnChange(Wake);
        var records = new List<LogRecord>();
        var nextPoll = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            health.Beat("logs", TimeSpan.FromSeconds(60));
            bool progressed;
            try
            {
                if (now >= nextPoll)
                {
                    discovery.Refresh(_tails, _tailsLock);
                    nextPoll = now + logs.PollInterval;
                }

                progressed = await ReadTurnAsync(records, now, stoppingToken);
                discovery.CloseDrained(_tails, _tailsLock);
                checkpointer.MaybeSave(Tails, now);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A bug or an unexpected filesystem error must not end the log pipeline for good (a BackgroundService
                // that throws just stops): say so, wait a moment, go on. Nothing read in the failed turn was
                // acknowledged, so checkpoints stay behind it: at worst lines are read again, never lost.
                Log.TurnFailed(logger, e);
                progressed = false;
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }

            if (!progressed)
            {
                await _wakeUp.WaitAsync(IdleWait, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Every open file gets one quantum of reading; its records go to the output. True when anything was read.</summary>
    private async Task<bool> ReadTurnAsync(List<LogRecord> records, DateTimeOffset now, CancellationToken stoppingToken)
    {
        var progressed = false;
        foreach (var tail in Tails)
        {
            if (budget.IsFull)
            {
                statistics.BackpressurePauses++;
                break;
            }

            var gate = enricher.Prepare(tail, now);
            if (gate == TailGate.Wait)
            {
                continue;
            }

            records.Clear();
            var read = tail.Pump(Quantum, records, now);
            statistics.BytesRead += read;
            progressed |= read > 0;
            if (records.Count > 0)
            {
                tail.HandOut(records, now);
                foreach (var record in records)
                {
                    budget.Take(record.Message.Length);
                    statistics.Count(record);
                }

                if (gate == TailGate.Drop)
                {
                    // Opted out: acknowledged as if stored, so the checkpoint moves on and nothing is read twice.
                    foreach (var record in records)
                    {
                        acknowledgements.Delivered(tail, record);
                    }

                    statistics.LinesExcluded += records.Count;
                }
                else
                {
                    await output.SendAsync(new LogBatch(tail, [.. records]), stoppingToken);
                }

                // The output has consumed the records' bytes: the arena's chunks go back to the pool now, so a
                // thousand files share a few chunks instead of holding one each until their next turn.
                tail.RecordsSent();
            }
        }

        return progressed;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await output.FlushAsync(cancellationToken);
        checkpointer.Save(Tails);
        Log.Stopped(logger, Tails.Count);
    }

    private void Wake()
    {
        try
        {
            _wakeUp.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake.
        }
        catch (ObjectDisposedException)
        {
            // Stopping.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(800, LogLevel.Information, "log pipeline stopped with {Files} files open; checkpoints saved", EventName = "TailStopped")]
        public static partial void Stopped(ILogger logger, int files);

        [LoggerMessage(807, LogLevel.Error, "the log reading loop failed; it goes on in a second", EventName = "TailLoopFailed")]
        public static partial void TurnFailed(ILogger logger, Exception exception);
    }
}
