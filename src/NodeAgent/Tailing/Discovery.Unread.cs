using Microsoft.Extensions.Logging;

namespace NodeAgent.Tailing;

/// <summary>Rotated files no one has read: left by a run that stopped, or created and rotated between two looks.</summary>
internal sealed partial class Discovery
{
    /// <summary>How far before the last look a rotated file unknown to the checkpoints may have been written to and still
    /// be taken for unread: a file too young to open waits up to the partial timeout, and a look takes time.</summary>
    private TimeSpan UnreadMargin => _options.PartialFlushTimeout + (2 * _options.PollInterval) + TimeSpan.FromSeconds(2);

    /// <summary>
    /// At start, in the container directories of the files found (opened, or too young to open yet) and of the
    /// checkpoints, the files no open tail holds
    /// and not compressed (DELIVERY.md rule 4): one a checkpoint recognises was rotated while the agent was down and is
    /// drained from its checkpoint; a rotated one no checkpoint knows was never opened — created, or truncated and
    /// rewritten, after the agent last looked (every file the agent opens has a checkpoint) — and is read from 0 if
    /// it was written to since then, unless it begins as a checkpointed file does (a copytruncate copy of a file read
    /// before). Older unknown rotated files were read before and their checkpoints expired.
    /// </summary>
    private IEnumerable<FileTail> ResumeRotatedWhileDown(IReadOnlyList<FileTail> tails, List<string> youngPaths)
    {
        var unclaimed = _checkpointer.Unclaimed(tails);
        var containers = tails.Select(t => t.Path).Concat(unclaimed.Select(c => c.Path)).Concat(youngPaths);
        var writtenSince = _checkpointer.PreviousDiscovery - UnreadMargin;
        return Unread(containers, tails, writtenSince, unclaimed, missedAt: null);
    }

    /// <summary>
    /// After a look that opened a file, found one rotated or found a new one too short to open yet, its container
    /// directory is searched the same way for
    /// rotated files that were created and rotated between two looks (a container writing faster than a file's size
    /// limit per <c>Logs:PollInterval</c>, or a look delayed by a busy node): such a file is never listed under its
    /// live name, so without this its lines would be gone without a trace. A rotated file no open tail holds and no
    /// checkpoint knows, written to since the previous look (less <see cref="UnreadMargin"/>), was never opened: every
    /// file the agent opens keeps a checkpoint while it is in its directory (<see cref="Checkpointer.ForgetRemoved"/>).
    /// </summary>
    private IEnumerable<FileTail> FindMissed(List<string> changedPaths, IReadOnlyList<FileTail> tails, DateTimeOffset previousLook, DateTimeOffset now) =>
        Unread(changedPaths, tails, previousLook - UnreadMargin, resumable: [], missedAt: now);

    /// <param name="resumable">Checkpoints of files that may be resumed (at start, those no open file claims).</param>
    /// <param name="missedAt">Null at start; else the look that found them missed, which counts as their rotation (the
    /// runtime may still write into such a file until it reopens, <see cref="RotateWait"/>).</param>
    private IEnumerable<FileTail> Unread(IEnumerable<string> livePaths, IReadOnlyList<FileTail> tails, DateTimeOffset? writtenSince,
        IReadOnlyList<Checkpoint> resumable, DateTimeOffset? missedAt)
    {
        var held = tails.Select(t => (t.Identity.Device, t.Identity.Inode)).ToHashSet();
        var containers = livePaths
            .Select(path => (Directory: ContainerDirectory.Of(path), Path: path))
            .Where(c => c.Directory is not null && Directory.Exists(c.Directory) && _opener.AllowsDirectory(c.Directory))
            .DistinctBy(c => c.Directory, StringComparer.Ordinal)
            .ToList();
        foreach (var (directory, livePath) in containers)
        {
            if (!_options.ShipOwnLogs && IsOwn(livePath))
            {
                continue;
            }

            foreach (var candidate in Directory.GetFiles(directory!).Where(f => !RotatedName.IsCompressed(f)).Order(StringComparer.Ordinal))
            {
                // A file an open tail holds is known by its inode, without opening it.
                if (FileStatus.TryOf(candidate, out var status) && held.Contains((status.Device, status.Inode)))
                {
                    continue;
                }

                var handle = Open(candidate);
                if (handle is null)
                {
                    continue;
                }

                var identity = FileIdentity.Read(handle);
                if (held.Contains((identity.Device, identity.Inode)))
                {
                    handle.Dispose();
                    continue;
                }

                if (_checkpointer.Find(identity, handle) is { } found)
                {
                    if (resumable.Any(c => c.Identity == found.Identity))
                    {
                        Log.ResumedRotated(_logger, candidate, found.Offset);
                        held.Add((identity.Device, identity.Inode));
                        yield return NewTail(found.Path, handle, found.Identity, found.Offset, rotated: true);
                        continue;
                    }
                }
                else if (RotatedName.IsRotated(candidate) && identity.FingerprintLength > 0 && !_checkpointer.IsCopyOfKnownFile(identity)
                    && writtenSince is { } since && File.GetLastWriteTimeUtc(handle) >= since.UtcDateTime)
                {
                    if (missedAt is null)
                    {
                        Log.FoundUnread(_logger, candidate);
                    }
                    else
                    {
                        Log.FoundMissed(_logger, candidate);
                    }

                    _statistics.FilesOpened++;
                    held.Add((identity.Device, identity.Inode));
                    var tail = NewTail(livePath, handle, identity, 0, rotated: true);
                    tail.RotatedAt = missedAt ?? default;
                    yield return tail;
                    continue;
                }

                handle.Dispose();
            }
        }
    }
}
