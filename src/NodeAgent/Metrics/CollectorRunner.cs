using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics;

/// <summary>
/// Runs the selected collectors of one scrape under one deadline, each into its own buffer, then writes their output
/// in name order followed by <c>node_scrape_collector_duration_seconds</c> and <c>node_scrape_collector_success</c>.
/// A few workers share the scrape's queue of collectors: one worker per collector would wake dozens of threads on
/// every scrape for file reads of a few microseconds each, while a worker blocked in a kernel call (a hung mount)
/// still leaves the others to drain the queue. A collector still blocked from an earlier scrape is not started again:
/// it reports failure at once, so one stuck call never stacks threads or stalls later scrapes.
/// </summary>
internal sealed partial class CollectorRunner(TimeSpan deadline, TimeProvider time, ILogger<CollectorRunner> logger) : IDisposable
{
    private static readonly int Workers = Math.Clamp(Environment.ProcessorCount, 2, 4);

    // Collectors whose Collect has not returned yet (possibly from an earlier scrape).
    private readonly ConcurrentDictionary<string, bool> _running = new(StringComparer.Ordinal);

    // One buffer per collector, reused scrape after scrape: a collector never runs twice at once (see _running), so
    // its buffer is free whenever it is started. Steady state allocates no output buffers.
    private readonly ConcurrentDictionary<string, ArrayBufferWriter<byte>> _buffers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _oneScrapeAtATime = new(1, 1);

    public async Task WriteAsync(IReadOnlyList<INodeCollector> collectors, MetricWriter output, CancellationToken cancellation)
    {
        await _oneScrapeAtATime.WaitAsync(cancellation);
        try
        {
            await WriteLockedAsync(collectors, output, cancellation);
        }
        finally
        {
            _oneScrapeAtATime.Release();
        }
    }

    public void Dispose() => _oneScrapeAtATime.Dispose();

    private async Task WriteLockedAsync(IReadOnlyList<INodeCollector> collectors, MetricWriter output, CancellationToken cancellation)
    {
        var scrape = new Scrape(collectors, output.Format);
        for (var i = 0; i < collectors.Count; i++)
        {
            if (_running.ContainsKey(collectors[i].Name))
            {
                Log.StillRunning(logger, collectors[i].Name);
                scrape.Complete(i, new Outcome(null, false, TimeSpan.Zero));
            }
            else
            {
                scrape.Queue.Enqueue(i);
            }
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var workers = new Task[Math.Min(Workers, scrape.Queue.Count)];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Run(() => Work(scrape, stop.Token), CancellationToken.None);
        }

        try
        {
            await Task.WhenAll(workers).WaitAsync(deadline, time, cancellation);
        }
        catch (TimeoutException)
        {
            // Workers stop taking collectors; the ones inside Collect finish on their own and are ignored.
            await stop.CancelAsync();
        }

        var outcomes = scrape.Close();
        for (var i = 0; i < collectors.Count; i++)
        {
            if (outcomes[i] is { Buffer: { } buffer })
            {
                output.Append(buffer.WrittenSpan);
            }
            else if (outcomes[i] is null)
            {
                Log.DeadlineExceeded(logger, collectors[i].Name, deadline.TotalSeconds);
            }
        }

        output.Family("node_scrape_collector_duration_seconds", MetricType.Gauge, "node_exporter: Duration of a collector scrape.");
        for (var i = 0; i < collectors.Count; i++)
        {
            output.Sample((outcomes[i]?.Duration ?? deadline).TotalSeconds, "collector", collectors[i].Name);
        }

        output.Family("node_scrape_collector_success", MetricType.Gauge, "node_exporter: Whether a collector succeeded.");
        for (var i = 0; i < collectors.Count; i++)
        {
            output.Sample(outcomes[i]?.Success == true ? 1 : 0, "collector", collectors[i].Name);
        }
    }

    private void Work(Scrape scrape, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && scrape.Queue.TryDequeue(out var index))
        {
            var collector = scrape.Collectors[index];
            _running[collector.Name] = true;
            try
            {
                scrape.Complete(index, Run(collector, scrape.Format, stop));
            }
            finally
            {
                _running.TryRemove(collector.Name, out _);
            }
        }
    }

    private Outcome Run(INodeCollector collector, ExpositionFormat format, CancellationToken cancellation)
    {
        var started = Stopwatch.GetTimestamp();
        var buffer = _buffers.GetOrAdd(collector.Name, _ => new ArrayBufferWriter<byte>(4096));
        buffer.ResetWrittenCount();
        try
        {
            var result = collector.Collect(new MetricWriter(buffer, format), cancellation);
            if (result == CollectResult.NoData)
            {
                Log.NoData(logger, collector.Name);
            }

            return new Outcome(buffer, result == CollectResult.Success, Stopwatch.GetElapsedTime(started));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.Failed(logger, collector.Name, e.Message, e);
            // What a failing collector wrote before it failed is dropped: half a family is worse than none.
            return new Outcome(null, false, Stopwatch.GetElapsedTime(started));
        }
    }

    private sealed record Outcome(ArrayBufferWriter<byte>? Buffer, bool Success, TimeSpan Duration);

    /// <summary>One scrape's queue and results. Once closed at the deadline, late results are ignored, so the
    /// scrape's output never changes while it is being written.</summary>
    private sealed class Scrape(IReadOnlyList<INodeCollector> collectors, ExpositionFormat format)
    {
        private readonly Outcome?[] _outcomes = new Outcome?[collectors.Count];
        private readonly Lock _lock = new();
        private bool _closed;

        public IReadOnlyList<INodeCollector> Collectors => collectors;

        public ExpositionFormat Format => format;

        public ConcurrentQueue<int> Queue { get; } = new();

        public void Complete(int index, Outcome outcome)
        {
            lock (_lock)
            {
                if (!_closed)
                {
                    _outcomes[index] = outcome;
                }
            }
        }

        /// <summary>The outcomes so far; null for a collector that missed the deadline.</summary>
        public Outcome?[] Close()
        {
            lock (_lock)
            {
                _closed = true;
                return (Outcome?[])_outcomes.Clone();
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(101, LogLevel.Debug, "collector {Collector}: no data (the kernel feature or hardware is absent)", EventName = "CollectorNoData")]
        public static partial void NoData(ILogger logger, string collector);

        [LoggerMessage(102, LogLevel.Error, "collector {Collector} failed: {Reason}", EventName = "CollectorFailed")]
        public static partial void Failed(ILogger logger, string collector, string reason, Exception exception);

        [LoggerMessage(103, LogLevel.Warning, "collector {Collector} missed the scrape deadline of {Seconds}s; its output is left out", EventName = "CollectorDeadlineExceeded")]
        public static partial void DeadlineExceeded(ILogger logger, string collector, double seconds);

        [LoggerMessage(104, LogLevel.Warning, "collector {Collector} is still blocked in an earlier scrape; skipped", EventName = "CollectorStillRunning")]
        public static partial void StillRunning(ILogger logger, string collector);
    }
}
