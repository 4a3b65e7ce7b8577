namespace NodeAgent.Tailing;

/// <summary>Tails that end: drained rotated files closed, files truncated in place started again, and files closed
/// for the open-file limit (their loss counted).</summary>
/// <summary>What a look found: the files to hold open from now on, and those that left (the caller disposes them once
/// they are out of its list, so no one reads a disposed file).</summary>
internal sealed record DiscoveryFindings(IReadOnlyList<FileTail> Open, IReadOnlyList<FileTail> Closed);

internal sealed partial class Discovery
{
    /// <summary>
    /// Files truncated in place (copytruncate), found so by the reader or above, whether or not their path still
    /// leads to them (a file truncated and then renamed or deleted is drained like any rotated file): the content is
    /// new, so is the identity (its first bytes differ) and so are its document ids. The old tail is retired with its
    /// checkpoint and a new one reads the same open file from 0 — once the new content is long enough to be named
    /// (<see cref="IsTooYoung"/>). Lines the old content held beyond what was handed to the output are gone:
    /// copytruncate's own loss, counted as far as the agent had seen the old content.
    /// </summary>
    private bool ReplaceTruncated(List<FileTail> tails, List<FileTail> closed)
    {
        var replaced = false;
        foreach (var old in tails.ToList())
        {
            if (old.Rotated && !old.Truncated && old.Length < old.ReadOffset)
            {
                old.MarkTruncated();
            }

            // Records of the old content still waiting for room in the output go first (they are read already). A new
            // content at the path waits to be long enough to be named; one no path leads to any more (truncated, then
            // renamed or deleted) is taken as it is, else an empty one would hold its handle open for good.
            if (!old.Truncated || old.HasUnsent || (!old.Rotated && IsTooYoung(old.Path, old.Identity.Inode, old.Length)))
            {
                continue;
            }

            Log.Truncated(_logger, old.Path, old.ReadOffset);
            _statistics.Truncations++;
            _statistics.LostBytes(TailStatistics.LostTruncated, old.LostToTruncation);
            _checkpointer.RetireTruncated(old);
            var tail = StartTail(old.Path, old.DetachHandle(), FileIdentity.Read(old.Handle), rotated: old.Rotated);
            tail.RotatedAt = old.RotatedAt;
            tails[tails.IndexOf(old)] = tail;
            closed.Add(old);

            replaced = true;
        }

        return replaced;
    }

    /// <summary>
    /// How long a rotated file stays open after its rotation was seen, even when read to its end: kubelet renames the
    /// file first and asks the runtime to reopen it after, so the runtime's last lines land in the renamed file up to
    /// that reopen (Fluent Bit's Rotate_Wait, 5 s by default, is there for the same reason).
    /// </summary>
    public static readonly TimeSpan RotateWait = TimeSpan.FromSeconds(5);

    /// <summary>Closes rotated files read exactly to their end (a file shorter than what was read is truncated, not
    /// drained: <see cref="ReplaceTruncated"/> reads its new content) whose records are all acknowledged.</summary>
    public DiscoveryFindings CloseDrained(IReadOnlyList<FileTail> held)
    {
        var settled = _time.GetUtcNow() - RotateWait;
        List<FileTail>? drained = null;
        foreach (var tail in held)
        {
            if (tail.Rotated && tail.RotatedAt <= settled && !tail.Truncated && tail.Length == tail.ReadOffset && tail.Acks.Unacknowledged == 0 && tail.Acks.Committed >= tail.ReadOffset)
            {
                (drained ??= []).Add(tail);
            }
        }

        if (drained is null)
        {
            // The common case, after every reading turn: nothing to copy.
            return new DiscoveryFindings(held, []);
        }

        var tails = held.ToList();
        var closed = new List<FileTail>();
        foreach (var tail in drained)
        {
            _checkpointer.Retire(tail);
            tails.Remove(tail);
            closed.Add(tail);
        }

        return new DiscoveryFindings(tails, closed);
    }

    /// <summary>Too many handles: close rotated files first, those with the least left first, and count what is lost:
    /// every byte not handed to the output, whether it was read (records waiting for room, a partial message) or
    /// not.</summary>
    private void EnforceOpenFileLimit(List<FileTail> tails, List<FileTail> closed)
    {
        var excess = tails.Count - _options.MaxOpenFiles;
        foreach (var tail in tails.Where(t => t.Rotated).OrderBy(t => t.NotHandedOut).Take(Math.Max(0, excess)).ToList())
        {
            var lost = tail.NotHandedOut;
            _statistics.LostBytes(TailStatistics.LostMaxOpenFiles, lost);
            Log.ForcedClose(_logger, tail.Path, lost);
            _checkpointer.Retire(tail);
            tails.Remove(tail);
            closed.Add(tail);
        }
    }
}
