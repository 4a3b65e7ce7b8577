using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using NodeAgent.Delivery;
using NodeAgent.Kubernetes;
using NodeAgent.Telemetry;

namespace NodeAgent.Tailing;

/// <summary>
/// The log pipeline's loop: finds the files (<see cref="Discovery"/>: polling as the truth, a directory watch as a
/// wake-up hint), reads every open file in turn with a fixed byte quantum so no backlog starves the others, hands
/// the records to the output (which never waits), pauses reading while <see cref="BufferBudget"/> is full (records
/// read wait in their file for room), and persists checkpoints from the acknowledgement watermarks
/// (<see cref="Checkpointer"/>).
/// </summary>
internal sealed partial class FileServer(
    LogsOptions logs,
    DocumentDefaults documents,
    ILogOutput output,
    BufferBudget budget,
    Checkpointer checkpointer,
    TailStatistics statistics,
    PodEnricher enricher,
    AgentHealth health,
    InternalErrors errors,
    TimeProvider time,
    ILogger<FileServer> logger) : BackgroundService
{
    /// <summary>Bytes one file may read per turn: large enough for throughput, small enough for fairness.</summary>
    private const int Quantum = 256 * 1024;
    /// <summary>Records handed to the output at once, at most: the budget is checked between slices, so what one
    /// quantum encodes to (short lines with a pod's labels are many times their size) cannot overshoot it by much.</summary>
    private const int SliceBytes = 16 * 1024;
    private const int SliceRecords = 64;
    private static readonly TimeSpan IdleWait = TimeSpan.FromMilliseconds(200);

    // The open files: an array replaced, never changed, when discovery's findings are applied, so any thread can read
    // it without a lock and the reading loop without a copy per turn (a copy per turn of a thousand files was 8 KB of
    // garbage many times a second while shipping).
    private volatile FileTail[] _tails = [];
    private readonly SemaphoreSlim _wakeUp = new(0, 1);
    // Where the next reading turn begins (see ReadTurnAsync).
    private int _nextTurnStart;

    /// <summary>A snapshot of the open files, for metrics and the index page.</summary>
    public IReadOnlyList<FileTail> Tails => _tails;

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
        var discovery = new Discovery(logs, documents, checkpointer, statistics, time, logger, budget);
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
                    Hold(discovery.Refresh(Tails));
                    nextPoll = now + logs.PollInterval;
                }

                progressed = await ReadTurnAsync(records, now, stoppingToken);
                Hold(discovery.CloseDrained(Tails));
                checkpointer.MaybeSave(Tails, now);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A bug or an unexpected filesystem error must not end the log pipeline for good (a BackgroundService
                // that throws just stops): say so, wait a moment, go on. Nothing read in the failed turn was
                // acknowledged, so checkpoints stay behind it: at worst lines are read again, never lost.
                errors.Count("logs");
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

    /// <summary>Every open file gets one quantum of reading; its records go to the output. True when anything was read
    /// or sent. While the buffer budget is full (<see cref="BufferBudget.ShouldPauseReading"/>) nothing more is read,
    /// and records already read wait in their file for room in the output: the output never makes this loop wait, so
    /// discovery, rotation tracking and the heartbeat go on during an outage. The next turn begins with the first file
    /// the budget stopped, or after the last one served, so the room an output frees goes round the files instead of
    /// always to the first ones listed (a container's new file is listed last).</summary>
    private async Task<bool> ReadTurnAsync(List<LogRecord> records, DateTimeOffset now, CancellationToken stoppingToken)
    {
        var progressed = false;
        var tails = Tails;
        var first = tails.Count == 0 ? 0 : _nextTurnStart % tails.Count;
        int? stopped = null;
        for (var i = 0; i < tails.Count; i++)
        {
            var index = (first + i) % tails.Count;
            var tail = tails[index];
            if (!tail.HasUnsent && budget.ShouldPauseReading)
            {
                // Files with records waiting may still hand them out: the budget may be full of those very records.
                stopped ??= index;
                continue;
            }

            var gate = enricher.Prepare(tail.Enrichment, now);
            if (gate == TailGate.Wait)
            {
                continue;
            }

            if (!tail.HasUnsent)
            {
                records.Clear();
                var read = tail.Pump(Quantum, records, now);
                statistics.BytesRead += read;
                progressed |= read > 0;
                if (records.Count == 0)
                {
                    continue;
                }

                KeepForOutput(tail, records, now);
            }

            progressed |= await HandOutUnsentAsync(tail, dropped: gate == TailGate.Drop, stoppingToken);
            if (tail.HasUnsent)
            {
                // Served, and stopped by the budget.
                stopped ??= (index + 1) % tails.Count;
            }
        }

        if (stopped is { } next)
        {
            statistics.BackpressurePauses++;
            _nextTurnStart = next;
        }

        return progressed;
    }

    /// <summary>Gives the output the tail's records in slices, as long as the output's share of the budget has room
    /// (<see cref="BufferBudget.ShouldPauseHandOut"/>); what is left waits for the next turn, in the tail. A slice leaves the tail only once the output has taken it: if the output throws
    /// (a bug, memory), the records are handed out again on a later turn, never dropped. True when anything went.</summary>
    private async Task<bool> HandOutUnsentAsync(FileTail tail, bool dropped, CancellationToken stoppingToken)
    {
        var sent = false;
        while (tail.HasUnsent)
        {
            if (budget.ShouldPauseHandOut)
            {
                return sent;
            }

            var slice = tail.PeekUnsent(SliceBytes, SliceRecords);
            if (dropped)
            {
                // Opted out: acknowledged as if stored, so the checkpoint moves on and nothing is read twice.
                foreach (var record in slice)
                {
                    tail.Acks.Acknowledge(record.StartOffset);
                }

                statistics.LinesExcluded += slice.Count;
            }
            else
            {
                await output.SendAsync(tail.Batch(slice), stoppingToken);
            }

            tail.TakeUnsent(slice.Count);
            sent = true;
        }

        // The output has consumed the records' bytes: the arena's chunks go back to the pool now, so a thousand files
        // share a few chunks instead of holding one each until their next turn.
        tail.RecordsSent();
        return sent;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await ShipWaitingTracesAsync(cancellationToken);
        await output.FlushAsync(cancellationToken);
        checkpointer.Save(Tails);
        Log.Stopped(logger, Tails.Count);
    }

    /// <summary>At a graceful stop, once the loop has ended: stack traces waiting for their flush timeout go out as
    /// they are (<see cref="FileTail.CompleteTraces"/>), so that the checkpoints can pass them and nothing read after
    /// them is delivered twice after the restart.</summary>
    private async Task ShipWaitingTracesAsync(CancellationToken cancellation)
    {
        var records = new List<LogRecord>();
        var now = time.GetUtcNow();
        foreach (var tail in Tails)
        {
            if (tail.HasUnsent || !tail.HasPendingTrace || enricher.Prepare(tail.Enrichment, now) is var gate && gate == TailGate.Wait)
            {
                continue;
            }

            records.Clear();
            tail.CompleteTraces(records);
            if (records.Count == 0)
            {
                continue;
            }

            KeepForOutput(tail, records, now);
            await HandOutUnsentAsync(tail, dropped: gate == TailGate.Drop, cancellation);
        }
    }

    /// <summary>The records of a turn, registered by the tail, wait in it for the output (<see cref="HandOutUnsentAsync"/>).</summary>
    private void KeepForOutput(FileTail tail, List<LogRecord> records, DateTimeOffset now)
    {
        tail.HandOut(records, now);
        foreach (var record in records)
        {
            statistics.Count(record);
        }

        tail.KeepUnsent(records);
    }

    /// <summary>Applies what discovery found: a new array of open files (metrics and the status page read the one they
    /// find), and files that left it are disposed after.</summary>
    private void Hold(DiscoveryFindings found)
    {
        if (found.Closed.Count == 0 && ReferenceEquals(found.Open, _tails))
        {
            return;
        }

        _tails = [.. found.Open];

        foreach (var tail in found.Closed)
        {
            tail.Dispose();
        }
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
