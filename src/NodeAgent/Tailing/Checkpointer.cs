using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace NodeAgent.Tailing;

/// <summary>
/// Turns acknowledgement watermarks into saved checkpoints (DELIVERY.md rule 2: from what is acknowledged, never from
/// what was read), at most once a second and at shutdown, and answers where a file found again resumes.
/// Closed (drained) files keep their last checkpoint while they are still in their container's directory, so a restart
/// does not read them again (and recognises a copytruncate copy of one); once they are gone from it
/// (<see cref="ForgetRemoved"/>), or when the checkpoint expires, it is forgotten here as in the file, so a node where
/// files come and go (short jobs, busy containers rotated every few seconds) holds only what its disk still holds.
/// </summary>
internal sealed partial class Checkpointer
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    // How long an unchanged checkpoint of an open file goes unrefreshed, at most (and at most half the expiry).
    private static readonly TimeSpan LongestRefresh = TimeSpan.FromHours(1);
    // How long the file goes unwritten at most when no checkpoint changed: only its discovered_at is then stale, which
    // only widens what a restart looks at (PreviousDiscovery).
    private static readonly TimeSpan UnchangedRewrite = TimeSpan.FromSeconds(30);

    private readonly CheckpointStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<FileIdentity, Checkpoint> _known = [];
    // Loaded checkpoints whose file this run has not read or closed: what became of their content while no agent was
    // watching is known only from the directory (see ForgetRemoved).
    private readonly HashSet<FileIdentity> _unwatched = [];
    private readonly Lock _lock = new();
    private readonly TimeSpan _refreshAfter;
    private DateTimeOffset _nextSave;
    private string? _lastSaveError;
    // Bumped under the lock by every change of _known; the file is rewritten only when it moved since the last write
    // that succeeded (every second, a thousand idle files were a 300 KB write and an fsync each time).
    private long _changes;
    private long _writtenChanges = -1;
    private DateTimeOffset _writtenAt;

    public Checkpointer(CheckpointStore store, TimeProvider time, ILogger<Checkpointer> logger)
    {
        _store = store;
        _time = time;
        _logger = logger;
        // An idle live file is refreshed well within the expiry, however short it is set.
        _refreshAfter = TimeSpan.FromTicks(Math.Min(LongestRefresh.Ticks, store.Expiry.Ticks / 2));
        // The store reports a file it had to set aside itself.
        var load = store.Load();
        HasState = load.FileExisted;
        PreviousDiscovery = load.DiscoveredAt;
        // Until this run has looked for files, the last look is the previous run's: a run stopped before its first
        // look must not save "never", or the next start would take every rotated file it does not know for an old one.
        LastDiscovery = load.DiscoveredAt;
        foreach (var checkpoint in load.Checkpoints)
        {
            _known[checkpoint.Identity] = checkpoint;
            if (checkpoint.TruncatedAt is null)
            {
                _unwatched.Add(checkpoint.Identity);
            }
        }
    }

    /// <summary>Whether the agent has run on this node before (a checkpoint file existed, even one set aside as
    /// corrupt). Only a first start may skip what files already hold (<c>Logs:ReadFromHead=false</c>): on any later
    /// start a file without a checkpoint appeared while the agent was down, and all of it is new.</summary>
    public bool HasState { get; }

    /// <summary>When the agent that wrote the checkpoint file last looked for files: a rotated file with no checkpoint
    /// written to since then (less a margin) may hold lines no one has read, and a restart reads it.</summary>
    public DateTimeOffset? PreviousDiscovery { get; }

    /// <summary>Whether a checkpoint of a file on another inode has the same first bytes: <paramref name="identity"/> is
    /// then a copy of a file already read (logrotate's copytruncate copies it aside before truncating it).</summary>
    public bool IsCopyOfKnownFile(FileIdentity identity)
    {
        lock (_lock)
        {
            return _known.Keys.Any(k => k.Fingerprint == identity.Fingerprint && k.FingerprintLength == identity.FingerprintLength
                && (k.Device != identity.Device || k.Inode != identity.Inode));
        }
    }

    /// <summary>When discovery last went over the files (in this run, or the previous one until this run has);
    /// saved with the checkpoints.</summary>
    public DateTimeOffset? LastDiscovery { get; set; }

    /// <summary>Where an opened file resumes: its checkpoint, if it is the same file and the bytes before the offset
    /// are unchanged; otherwise null (read it as new). The checkpoint's identity, not a fresh one, keeps naming the
    /// file: a fingerprint taken while the file was short must not change its document ids (DELIVERY.md rule 3).</summary>
    public Checkpoint? Find(FileIdentity identity, SafeFileHandle handle)
    {
        lock (_lock)
        {
            // Several checkpoints may share a device and inode (a deleted file's inode reused by a new one) and even a
            // fingerprint (files that begin alike): the one whose bytes before its offset are still there is this file.
            // One that covers no byte of its file (an empty content, truncated and deleted while empty, closed at 0)
            // would match any file on its inode once it is reused: it is no file's.
            Checkpoint? rewritten = null;
            foreach (var checkpoint in _known.Values.Where(c => c.Identity.Device == identity.Device && c.Identity.Inode == identity.Inode
                    && (c.Identity.FingerprintLength > 0 || c.Offset > 0))
                .OrderByDescending(c => c.UpdatedAt))
            {
                if (FileIdentity.Matches(checkpoint.Identity, handle))
                {
                    if (CheckpointStore.TailMatches(checkpoint, handle))
                    {
                        return checkpoint;
                    }

                    rewritten ??= checkpoint;
                }
            }

            if (rewritten is not null)
            {
                Log.Rewritten(_logger, rewritten.Path, rewritten.Offset);
            }

            return null;
        }
    }

    /// <summary>Checkpoints no open file claims: files rotated (or gone) while the agent was not running.</summary>
    public IReadOnlyList<Checkpoint> Unclaimed(IEnumerable<FileTail> tails)
    {
        lock (_lock)
        {
            var open = tails.Select(t => t.Identity).ToHashSet();
            return [.. _known.Values.Where(c => !open.Contains(c.Identity))];
        }
    }

    /// <summary>A file is closed: keep its final checkpoint.</summary>
    public void Retire(FileTail tail) => Capture(tail);

    /// <summary>A file's content was truncated in place and its tail replaced: keep the old content's final checkpoint,
    /// marked truncated (<see cref="Checkpoint.TruncatedAt"/>), which a restart soon after needs to tell logrotate's copy
    /// of that content from a file never read.</summary>
    public void RetireTruncated(FileTail tail)
    {
        Capture(tail);
        MarkTruncated(tail.Identity);
    }

    public void MaybeSave(IReadOnlyList<FileTail> tails, DateTimeOffset now)
    {
        if (now < _nextSave)
        {
            return;
        }

        _nextSave = now + Interval;
        Save(tails);
    }

    public void Save(IReadOnlyList<FileTail> tails)
    {
        if (!HasState && LastDiscovery is null)
        {
            // A first start stopped before it looked for files: a file saved now would make the next start take
            // itself for a later one and read what files already hold (Logs:ReadFromHead=false).
            return;
        }

        foreach (var tail in tails)
        {
            Capture(tail);
        }

        List<Checkpoint> all;
        long changes;
        lock (_lock)
        {
            // After the captures above, so an open file is refreshed first; before writing, so each expired entry is
            // said once and forgotten even if the write fails. The reading loop saves only once it has looked for
            // files, so after a long downtime the loaded checkpoints serve that first look before they expire.
            foreach (var expired in _store.Expire(_known.Values))
            {
                _known.Remove(expired.Identity);
                _unwatched.Remove(expired.Identity);
                _changes++;
            }

            if (_changes == _writtenChanges && _time.GetUtcNow() - _writtenAt < UnchangedRewrite)
            {
                return;
            }

            all = [.. _known.Values];
            changes = _changes;
        }

        try
        {
            _store.Save(all, LastDiscovery);
            _lastSaveError = null;
            _writtenChanges = changes;
            _writtenAt = _time.GetUtcNow();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A full disk or a read-only state directory must not stop the pipeline: lines keep flowing, and after a
            // restart documents keep their ids, so a stale checkpoint means re-reading, not duplicates. Said once per
            // cause, not once a second.
            if (e.Message != _lastSaveError)
            {
                _lastSaveError = e.Message;
                Log.SaveFailed(_logger, _store.FilePath, e.Message);
            }
        }
    }

    private void Capture(FileTail tail)
    {
        if (tail.Truncated)
        {
            // Found truncated and not replaced yet (its new content too short to be named): the bytes before its offset
            // are the new content's now, and a stop before the replacement must still save the old content as truncated.
            MarkTruncated(tail.Identity);
            return;
        }

        var committed = tail.Acks.Committed;
        lock (_lock)
        {
            _unwatched.Remove(tail.Identity);
            // Unchanged and recently refreshed: nothing to write. An idle but live file is still refreshed now and then,
            // or its checkpoint would expire (Logs:CheckpointExpiry) while the file is open.
            if (_known.TryGetValue(tail.Identity, out var previous) && previous.Offset == committed && previous.Path == tail.Path
                && _time.GetUtcNow() - previous.UpdatedAt < _refreshAfter)
            {
                return;
            }
        }

        if (Checkpoint.Capture(tail.Identity, tail.Path, tail.Handle, committed, _time.GetUtcNow()) is { } checkpoint)
        {
            lock (_lock)
            {
                _known[tail.Identity] = checkpoint;
                _changes++;
            }
        }
    }

    /// <summary>The first time only: a restart keeps the time it loads (the grace is not extended by restarts).</summary>
    private void MarkTruncated(FileIdentity identity)
    {
        lock (_lock)
        {
            _unwatched.Remove(identity);
            if (_known.TryGetValue(identity, out var checkpoint) && checkpoint.TruncatedAt is null)
            {
                _known[identity] = checkpoint with { TruncatedAt = _time.GetUtcNow() };
                _changes++;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(821, LogLevel.Warning, "{Path}: the bytes before the checkpoint at {Offset} changed (truncated and rewritten); reading it from 0", EventName = "CheckpointRewritten")]
        public static partial void Rewritten(ILogger logger, string path, long offset);

        [LoggerMessage(822, LogLevel.Error, "cannot save checkpoints to {Path}: {Reason}", EventName = "CheckpointSaveFailed")]
        public static partial void SaveFailed(ILogger logger, string path, string reason);
    }
}
