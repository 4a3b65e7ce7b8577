using Microsoft.Extensions.Logging;
using NodeAgent.Journal;

namespace NodeAgent.Tailing.Journald;

/// <summary>
/// The journal's checkpoints in memory, saved from the acknowledgement watermarks (never from what was read) about
/// once a second when one changed, and at stop: one per journal file the agent knows, open or read to its end, until
/// it expires (<c>Logs:CheckpointExpiry</c> after the file was last seen). Used by the reading loop alone (and by
/// the stop that follows it).
/// </summary>
internal sealed partial class JournalCheckpoints
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    // How long an unchanged checkpoint goes without its last_seen refreshed, at most (and at most half the expiry).
    private static readonly TimeSpan LongestRefresh = TimeSpan.FromHours(1);

    private readonly JournalCheckpointStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<JournalId, JournalCheckpoint> _known = [];
    private readonly TimeSpan _refreshAfter;
    private DateTimeOffset _nextSave;
    private bool _changed;
    private string? _lastSaveError;

    public JournalCheckpoints(JournalCheckpointStore store, TimeProvider time, ILogger logger)
    {
        _store = store;
        _time = time;
        _logger = logger;
        _refreshAfter = TimeSpan.FromTicks(Math.Min(LongestRefresh.Ticks, store.Expiry.Ticks / 2));
        var load = store.Load();
        HasState = load.FileExisted;
        foreach (var checkpoint in load.Checkpoints)
        {
            _known[checkpoint.FileId] = checkpoint;
        }
    }

    /// <summary>A <c>journal.json</c> existed (even one set aside): not the journal's first start.</summary>
    public bool HasState { get; }

    /// <summary>Set once the files have been looked for: before that, a first start saves nothing (an empty
    /// <c>journal.json</c> would make the next start take files present now for new ones).</summary>
    public bool Listed { get; set; }

    public IReadOnlyCollection<JournalCheckpoint> Known => _known.Values;

    public JournalCheckpoint? Find(JournalId fileId) => _known.GetValueOrDefault(fileId);

    /// <summary>A file read to its end is still listed at <paramref name="path"/>: its checkpoint stays fresh.</summary>
    public void Seen(JournalFileInfo file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (_known.TryGetValue(file.Header.FileId, out var known) && (known.Path != file.Path || _time.GetUtcNow() - known.LastSeen >= _refreshAfter))
        {
            _known[file.Header.FileId] = known with { Path = file.Path, LastSeen = _time.GetUtcNow() };
            _changed = true;
        }
    }

    /// <summary>Takes the tail's acknowledged position (when it moved, its path changed, or it is due a refresh).</summary>
    public void Capture(JournalTail tail)
    {
        ArgumentNullException.ThrowIfNull(tail);
        var now = _time.GetUtcNow();
        var checkpoint = tail.Checkpoint(now);
        if (_known.TryGetValue(tail.FileId, out var known) && known.Seqnum == checkpoint.Seqnum && known.Path == checkpoint.Path
            && known.SeqnumId == checkpoint.SeqnumId && known.TailSeqnum == checkpoint.TailSeqnum && now - known.LastSeen < _refreshAfter)
        {
            return;
        }

        _known[tail.FileId] = checkpoint;
        _changed = true;
    }

    public void MaybeSave(IReadOnlyList<JournalTail> tails, DateTimeOffset now)
    {
        if (now < _nextSave)
        {
            return;
        }

        _nextSave = now + Interval;
        Save(tails);
    }

    public void Save(IReadOnlyList<JournalTail> tails)
    {
        if (!HasState && !Listed)
        {
            return;
        }

        foreach (var tail in tails)
        {
            Capture(tail);
        }

        foreach (var expired in _store.Expire(_known.Values))
        {
            _known.Remove(expired.FileId);
            _changed = true;
        }

        if (!_changed && (HasState || File.Exists(_store.FilePath)))
        {
            return;
        }

        try
        {
            _store.Save(_known.Values);
            _changed = false;
            _lastSaveError = null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // As for container files: entries keep their ids, so a stale checkpoint means reading again, not
            // duplicates. Said once per cause.
            if (e.Message != _lastSaveError)
            {
                _lastSaveError = e.Message;
                Log.SaveFailed(_logger, _store.FilePath, e.Message);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1104, LogLevel.Error, "cannot save the journal's checkpoints to {Path}: {Reason}", EventName = "JournalCheckpointSaveFailed")]
        public static partial void SaveFailed(ILogger logger, string path, string reason);
    }
}
