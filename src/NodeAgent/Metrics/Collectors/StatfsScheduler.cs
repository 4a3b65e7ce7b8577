using Microsoft.Extensions.Logging;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// Runs the filesystem collector's statfs(2) calls on a few dedicated threads (node_exporter's stat-workers), each
/// call with its own timeout. A call past the timeout is reported as timed out and its thread is written off and
/// replaced; the path stays pending until the call returns, and a pending path is not asked again. So a hung NFS
/// server holds one thread, never one per scrape, and the scrape never waits on it for longer than the timeout.
/// Dedicated threads rather than the thread pool: the pool is shared with the other collectors and Kestrel, and a
/// queued call there could miss its timeout before it even started.
/// </summary>
internal sealed partial class StatfsScheduler(Func<string, StatfsResult> statfs, TimeSpan timeout, int workers, TimeProvider time, ILogger logger)
{
    private readonly object _gate = new();
    private readonly Queue<Slot> _queue = new();
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);

    // Calls in progress, of this scrape or of an earlier one that was cancelled.
    private readonly List<Slot> _running = [];
    private readonly int _workers = Math.Max(workers, 1);

    // Worker threads that are not blocked in a call written off as timed out.
    private int _live;

    /// <summary>How many statfs calls have not returned yet, whichever scrape started them.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>statfs of each path; null where the call timed out now or is still blocked from an earlier scrape.</summary>
    public StatfsResult?[] StatAll(IReadOnlyList<string> paths, CancellationToken cancellation)
    {
        var batch = new Batch(paths.Count);
        using var wakeOnCancel = cancellation.Register(Wake);
        lock (_gate)
        {
            for (var i = 0; i < paths.Count; i++)
            {
                var slot = batch.Slots[i] = new Slot(paths[i], batch);
                if (!_pending.Add(slot.Path))
                {
                    Log.StillBlocked(logger, slot.Path);
                    slot.State = SlotState.TimedOut;
                    batch.Open--;
                    continue;
                }

                _queue.Enqueue(slot);
            }

            StartWorkers();
            Monitor.PulseAll(_gate);
            while (batch.Open > 0)
            {
                cancellation.ThrowIfCancellationRequested();
                var wait = ExpireOverdue();
                if (batch.Open > 0)
                {
                    Monitor.Wait(_gate, wait);
                }
            }
        }

        var results = new StatfsResult?[paths.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = batch.Slots[i].State == SlotState.Done ? batch.Slots[i].Result : null;
        }

        return results;
    }

    private void Wake()
    {
        lock (_gate)
        {
            Monitor.PulseAll(_gate);
        }
    }

    // Under _gate: write off running calls past the timeout (an abandoned scrape's too, so its thread is replaced);
    // returns the wait until the next deadline, infinite when nothing runs (a start or a completion wakes us).
    private TimeSpan ExpireOverdue()
    {
        var wait = Timeout.InfiniteTimeSpan;
        for (var i = _running.Count - 1; i >= 0; i--)
        {
            var slot = _running[i];
            var left = timeout - time.GetElapsedTime(slot.Started);
            if (left > TimeSpan.Zero)
            {
                wait = wait == Timeout.InfiniteTimeSpan || left < wait ? left : wait;
                continue;
            }

            Log.TimedOut(logger, slot.Path, timeout.TotalSeconds);
            _running.RemoveAt(i);
            slot.State = SlotState.TimedOut;
            slot.Worker!.WrittenOff = true;
            slot.Batch.Open--;
            _live--;
            StartWorkers();
        }

        return wait;
    }

    // Under _gate: keep _workers threads able to take calls.
    private void StartWorkers()
    {
        while (_live < _workers)
        {
            _live++;
            var worker = new Worker();
            new Thread(() => Work(worker), maxStackSize: 256 * 1024) { IsBackground = true, Name = "statfs" }.Start();
        }
    }

    private void Work(Worker self)
    {
        while (true)
        {
            Slot slot;
            lock (_gate)
            {
                while (_queue.Count == 0)
                {
                    Monitor.Wait(_gate);
                }

                slot = _queue.Dequeue();
                slot.State = SlotState.Running;
                slot.Started = time.GetTimestamp();
                slot.Worker = self;
                _running.Add(slot);
                Monitor.PulseAll(_gate);
            }

            var result = Call(slot.Path);
            lock (_gate)
            {
                _pending.Remove(slot.Path);
                if (slot.State == SlotState.Running)
                {
                    _running.Remove(slot);
                    slot.Result = result;
                    slot.State = SlotState.Done;
                    slot.Batch.Open--;
                }
                else
                {
                    Log.Recovered(logger, slot.Path);
                }

                Monitor.PulseAll(_gate);
                if (self.WrittenOff)
                {
                    // Replaced while it was blocked: rejoin only if the set is short of threads.
                    if (_live >= _workers)
                    {
                        return;
                    }

                    self.WrittenOff = false;
                    _live++;
                }
            }
        }
    }

    private StatfsResult Call(string path)
    {
        try
        {
            return statfs(path);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A thread of ours must not die: report EIO, the errno of a call that failed without one.
            Log.StatfsThrew(logger, path, e);
            return StatfsResult.Failed(5);
        }
    }

    private enum SlotState
    {
        Queued,
        Running,
        Done,
        TimedOut,
    }

    private sealed class Slot(string path, Batch batch)
    {
        public string Path { get; } = path;

        public Batch Batch { get; } = batch;

        public SlotState State { get; set; }

        public long Started { get; set; }

        public Worker? Worker { get; set; }

        public StatfsResult Result { get; set; }
    }

    private sealed class Batch(int count)
    {
        public Slot[] Slots { get; } = new Slot[count];

        public int Open { get; set; } = count;
    }

    private sealed class Worker
    {
        public bool WrittenOff { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(400, LogLevel.Warning, "filesystem: statfs of {Path} did not return within {Seconds}s; reported as 'mountpoint timeout' until it does", EventName = "FilesystemMountTimedOut")]
        public static partial void TimedOut(ILogger logger, string path, double seconds);

        [LoggerMessage(401, LogLevel.Debug, "filesystem: {Path} is still blocked in an earlier statfs; not asked again", EventName = "FilesystemMountStillBlocked")]
        public static partial void StillBlocked(ILogger logger, string path);

        [LoggerMessage(402, LogLevel.Information, "filesystem: statfs of {Path} returned; the mount point is monitored again", EventName = "FilesystemMountRecovered")]
        public static partial void Recovered(ILogger logger, string path);

        [LoggerMessage(403, LogLevel.Warning, "filesystem: statfs of {Path} threw", EventName = "FilesystemStatfsThrew")]
        public static partial void StatfsThrew(ILogger logger, string path, Exception exception);
    }
}
