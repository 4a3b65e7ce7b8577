using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace NodeAgent.Metrics;

/// <summary>
/// Runs the selected collectors of one scrape concurrently, each into its own buffer and under one deadline, then
/// writes their output in name order followed by <c>node_scrape_collector_duration_seconds</c> and
/// <c>node_scrape_collector_success</c>. A collector still blocked from an earlier scrape (a hung mount) is not started
/// again: it reports failure at once, so one stuck kernel call never stacks threads or stalls later scrapes.
/// </summary>
internal sealed partial class CollectorRunner(TimeSpan deadline, TimeProvider time, ILogger<CollectorRunner> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, Task> _inFlight = new(StringComparer.Ordinal);

    // One buffer per collector, reused scrape after scrape: a collector never runs twice at once (see Start), so its
    // buffer is free whenever it is started. Steady state allocates no output buffers.
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
        var started = time.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(deadline);
        var runs = new (INodeCollector Collector, Task<Outcome> Task)[collectors.Count];
        for (var i = 0; i < collectors.Count; i++)
        {
            runs[i] = (collectors[i], Start(collectors[i], output.Format, timeout.Token));
        }

        var outcomes = new Outcome[runs.Length];
        for (var i = 0; i < runs.Length; i++)
        {
            var remaining = deadline - time.GetElapsedTime(started);
            try
            {
                outcomes[i] = await runs[i].Task.WaitAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, time, cancellation);
            }
            catch (TimeoutException)
            {
                Log.DeadlineExceeded(logger, runs[i].Collector.Name, deadline.TotalSeconds);
                outcomes[i] = new Outcome(null, false, time.GetElapsedTime(started));
            }
        }

        for (var i = 0; i < runs.Length; i++)
        {
            if (outcomes[i].Buffer is { } buffer)
            {
                output.Append(buffer.WrittenSpan);
            }
        }

        output.Family("node_scrape_collector_duration_seconds", MetricType.Gauge, "node_exporter: Duration of a collector scrape.");
        for (var i = 0; i < runs.Length; i++)
        {
            output.Sample(outcomes[i].Duration.TotalSeconds, "collector", runs[i].Collector.Name);
        }

        output.Family("node_scrape_collector_success", MetricType.Gauge, "node_exporter: Whether a collector succeeded.");
        for (var i = 0; i < runs.Length; i++)
        {
            output.Sample(outcomes[i].Success ? 1 : 0, "collector", runs[i].Collector.Name);
        }
    }

    private Task<Outcome> Start(INodeCollector collector, ExpositionFormat format, CancellationToken cancellation)
    {
        if (_inFlight.TryGetValue(collector.Name, out var previous) && !previous.IsCompleted)
        {
            Log.StillRunning(logger, collector.Name);
            return Task.FromResult(new Outcome(null, false, TimeSpan.Zero));
        }

        var task = Task.Run(() => Run(collector, format, cancellation), CancellationToken.None);
        _inFlight[collector.Name] = task;
        return task;
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

    private readonly record struct Outcome(ArrayBufferWriter<byte>? Buffer, bool Success, TimeSpan Duration);

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
