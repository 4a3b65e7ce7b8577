using NodeAgent.Journal;

namespace NodeAgent.Tailing.Journald;

/// <summary>Which journal files are open: listing, opening where the checkpoint says, closing once read and
/// delivered.</summary>
internal sealed partial class JournalInput
{
    /// <summary>Archived files read at once, at most: a reader holds buffers and a cache of its own, and archived files
    /// are read oldest first anyway. Files journald may still write are always open.</summary>
    private const int MaxArchivedOpen = 4;

    // Files read to their end and closed while still listed: not opened again (an archived file never changes).
    private readonly HashSet<JournalId> _finished = [];
    // Paths that could not be read, reported once each while they stay so.
    private readonly HashSet<string> _unreadable = new(StringComparer.Ordinal);
    // On the journal's first start with Logs:ReadFromHead=false: the files the first listing found, which start at their
    // end whenever they are opened (an archived one may wait for its turn).
    private HashSet<JournalId>? _presentAtFirstStart;
    private readonly JournalDirectoryStamps _directories = new();
    private bool _firstListing = true;
    private volatile bool _listNow;

    /// <summary>Lists the journal directories (when <see cref="JournalDirectoryStamps"/> says they may have changed):
    /// renamed files keep their tail under the new name, files no longer listed are read to their end (their open
    /// handle still reads), new files are opened.</summary>
    private void List()
    {
        _listNow = false;
        _directories.Listing(_journal.Paths);
        var list = JournalDirectory.List(_journal.Paths);
        var unreadable = list.Unreadable.Select(u => u.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var (path, error) in list.Unreadable)
        {
            if (_unreadable.Add(path))
            {
                _statistics.Errors.Add("unreadable");
                Log.Unreadable(_logger, path, error);
            }
        }

        _unreadable.IntersectWith(unreadable);
        var listed = new Dictionary<JournalId, JournalFileInfo>();
        foreach (var file in list.Files)
        {
            listed.TryAdd(file.Header.FileId, file);
        }

        foreach (var tail in _tails)
        {
            if (listed.TryGetValue(tail.FileId, out var file))
            {
                tail.Path = file.Path;
                tail.Gone = false;
            }
            else if (!unreadable.Contains(tail.Path) && !tail.Gone)
            {
                tail.Gone = true;
                Log.Gone(_logger, tail.Path);
            }
        }

        if (_firstListing && !_checkpoints.HasState && !_logs.ReadFromHead)
        {
            _presentAtFirstStart = [.. listed.Keys];
        }

        _finished.IntersectWith(listed.Keys);
        var open = _tails.Select(t => t.FileId).ToHashSet();
        var archivedOpen = _tails.Count(t => t.Retired);
        foreach (var file in list.Files)
        {
            if (open.Contains(file.Header.FileId) || _finished.Contains(file.Header.FileId))
            {
                _checkpoints.Seen(file);
                continue;
            }

            var archived = file.Header.State == JournalFileState.Archived || file.Path.EndsWith('~');
            if (archived && archivedOpen >= MaxArchivedOpen)
            {
                // Its turn comes when one of those is done; its checkpoint, if any, stays fresh meanwhile.
                _checkpoints.Seen(file);
                continue;
            }

            if (Open(file) && archived)
            {
                archivedOpen++;
            }

            open.Add(file.Header.FileId);
        }

        if (_firstListing)
        {
            _firstListing = false;
            ReportMissing(listed);
            _checkpoints.Listed = true;
            if (!_checkpoints.HasState)
            {
                // The first start's positions (files at their end with Logs:ReadFromHead=false) are kept at once.
                _checkpoints.Save(Tails);
            }
        }
    }

    /// <summary>Opens a listed file where its checkpoint says, at its start, or (a first start with
    /// <c>Logs:ReadFromHead=false</c>, files the first listing found) at its end. False when it cannot be opened.</summary>
    private bool Open(JournalFileInfo file)
    {
        JournalFileReader reader;
        try
        {
            reader = JournalFileReader.Open(file.Path, _readerOptions);
        }
        catch (FileNotFoundException)
        {
            // Vacuumed since listed.
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (_unreadable.Add(file.Path))
            {
                _statistics.Errors.Add("unreadable");
                Log.Unreadable(_logger, file.Path, e.Message);
            }

            return false;
        }

        var header = reader.Header;
        if (header.FileId != file.Header.FileId)
        {
            // Replaced between the listing and now: the next listing sees what is there.
            reader.Dispose();
            return false;
        }

        ulong after = 0;
        var start = "head";
        if (_checkpoints.Find(header.FileId) is { } checkpoint && checkpoint.SeqnumId == header.SeqnumId)
        {
            after = checkpoint.Seqnum;
            start = "checkpoint";
        }
        else if (_presentAtFirstStart?.Contains(header.FileId) == true)
        {
            after = header.EntryCount > 0 ? header.TailEntrySeqnum : 0;
            start = "end";
        }

        JournalTail tail;
        try
        {
            tail = new JournalTail(reader, _nodeName, after);
        }
        catch
        {
            reader.Dispose();
            throw;
        }

        _tails = [.. _tails, tail];
        Log.Opened(_logger, file.Path, start, after);
        return true;
    }

    /// <summary>At the first listing: checkpointed files that are gone, and whether they took entries never delivered
    /// with them (journald vacuumed them while no agent was reading).</summary>
    private void ReportMissing(Dictionary<JournalId, JournalFileInfo> listed)
    {
        foreach (var checkpoint in _checkpoints.Known.Where(c => !listed.ContainsKey(c.FileId)))
        {
            if (checkpoint.HasUnread)
            {
                _statistics.CountFileLost();
                Log.VacuumedUnread(_logger, checkpoint.Path, checkpoint.Seqnum, checkpoint.TailSeqnum);
            }
            else
            {
                Log.GoneAtStart(_logger, checkpoint.Path, checkpoint.Seqnum);
            }
        }
    }

    /// <summary>Closes the files read to their end (or unreadable further) whose every entry is acknowledged, keeping
    /// their final checkpoint; one still listed is not opened again.</summary>
    private void CloseFinished()
    {
        var tails = _tails;
        // Decided once: acknowledgements come from the output's threads meanwhile.
        var closing = tails.Where(t => t.Finished && t.Acks.Unacknowledged == 0).ToList();
        if (closing.Count == 0)
        {
            return;
        }

        _tails = [.. tails.Except(closing)];
        foreach (var tail in closing)
        {
            _checkpoints.Capture(tail);
            if (!tail.Gone)
            {
                _finished.Add(tail.FileId);
            }

            // A place for an archived file that waits may have come free.
            _listNow |= tail.Retired;
            tail.Dispose();
            Log.Closed(_logger, tail.Path, tail.Acknowledged);
        }
    }

    /// <summary>Closes a file whose reading failed, keeping the checkpoint it had; the next listing opens it again.</summary>
    private void Reopen(JournalTail tail)
    {
        _checkpoints.Capture(tail);
        _tails = [.. _tails.Where(t => !ReferenceEquals(t, tail))];
        tail.Dispose();
    }
}
