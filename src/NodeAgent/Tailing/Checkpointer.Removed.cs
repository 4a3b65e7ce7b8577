namespace NodeAgent.Tailing;

internal sealed partial class Checkpointer
{
    /// <summary>How long the checkpoint of content truncated in place is kept while its inode holds the new content: a
    /// restart within this time may still need it to recognise logrotate's copy of that content
    /// (<see cref="IsCopyOfKnownFile"/>), which matters only for a copy written shortly before the agent stopped.</summary>
    public static readonly TimeSpan TruncatedContentGrace = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Forgets the checkpoints no open file holds whose file is no longer in its container's directory: no uncompressed
    /// file there has its device and inode, or the file that has them is open under another identity (the inode was
    /// freed and reused by a new file; content truncated in place keeps its checkpoint for
    /// <see cref="TruncatedContentGrace"/>, even once its file is deleted: logrotate's copy of it may still be there).
    /// Such a checkpoint has nothing left to do: a restart looks for a closed or
    /// rotated file there and only there (DELIVERY.md rule 4), and kubelet compresses a rotated file at the next
    /// rotation and deletes it later. Kept until <c>Logs:CheckpointExpiry</c> instead, a node whose containers rotate
    /// often holds every rotated file's checkpoint for a day: a soak with 100 rotations a second held 36,000 after six
    /// minutes and wrote all of them (16 MB) every second. A directory that cannot be listed for another reason than
    /// its absence keeps its checkpoints. Discovery calls this after its look (so a start has used the loaded
    /// checkpoints before any is forgotten), every few looks: it lists each directory. Returns how many were forgotten.
    /// </summary>
    public int ForgetRemoved(IReadOnlyCollection<FileTail> open)
    {
        var openInodes = open.Select(t => (t.Identity.Device, t.Identity.Inode)).ToHashSet();
        var graceStart = _time.GetUtcNow() - TruncatedContentGrace;
        var gone = new List<FileIdentity>();
        foreach (var directory in Unclaimed(open).GroupBy(c => ContainerDirectory.Of(c.Path) ?? "", StringComparer.Ordinal))
        {
            if (ContainerDirectory.UncompressedInodes(directory.Key) is not { } present)
            {
                continue;
            }

            gone.AddRange(directory.Where(c => !TruncatedSince(c.Identity, graceStart)
                && (!present.Contains((c.Identity.Device, c.Identity.Inode)) || openInodes.Contains((c.Identity.Device, c.Identity.Inode)))).Select(c => c.Identity));
        }

        lock (_lock)
        {
            foreach (var identity in gone)
            {
                _known.Remove(identity);
                _truncatedAt.Remove(identity);
            }

            foreach (var (identity, _) in _truncatedAt.Where(t => t.Value < graceStart).ToList())
            {
                _truncatedAt.Remove(identity);
            }
        }

        return gone.Count;
    }

    private bool TruncatedSince(FileIdentity identity, DateTimeOffset since)
    {
        lock (_lock)
        {
            return _truncatedAt.TryGetValue(identity, out var at) && at >= since;
        }
    }
}
