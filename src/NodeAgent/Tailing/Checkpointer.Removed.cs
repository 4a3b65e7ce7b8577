namespace NodeAgent.Tailing;

internal sealed partial class Checkpointer
{
    /// <summary>How long the checkpoint of content truncated in place is kept while its inode holds the new content: a
    /// restart within this time may still need it to recognise logrotate's copy of that content
    /// (<see cref="IsCopyOfKnownFile"/>), which matters only for a copy written shortly before the agent stopped.
    /// Counted from <see cref="Checkpoint.TruncatedAt"/>, which is saved with the checkpoint: a restart neither loses
    /// nor extends it.</summary>
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
    /// <remarks>A checkpoint loaded at start whose inode is now open under another identity may be content truncated in
    /// place while no agent was watching (logrotate copied the file, the agent stopped, the file was truncated) as well
    /// as a file deleted and its inode reused: which one, only the first bytes of every file in the directory could
    /// tell. It is kept for the grace from now, as if its truncation had been seen now, since the copy it names may be
    /// in the directory (its cost, one checkpoint kept a minute). A checkpoint of this run's own files is forgotten at
    /// once: the agent saw what became of them.</remarks>
    public int ForgetRemoved(IReadOnlyCollection<FileTail> open)
    {
        var openInodes = open.Select(t => (t.Identity.Device, t.Identity.Inode)).ToHashSet();
        var graceStart = _time.GetUtcNow() - TruncatedContentGrace;
        var gone = new List<FileIdentity>();
        var truncatedUnseen = new List<FileIdentity>();
        foreach (var directory in Unclaimed(open).GroupBy(c => ContainerDirectory.Of(c.Path) ?? "", StringComparer.Ordinal))
        {
            if (ContainerDirectory.UncompressedInodes(directory.Key) is not { } present)
            {
                continue;
            }

            foreach (var checkpoint in directory.Where(c => c.TruncatedAt is not { } at || at < graceStart))
            {
                var inode = (checkpoint.Identity.Device, checkpoint.Identity.Inode);
                if (!present.Contains(inode))
                {
                    gone.Add(checkpoint.Identity);
                }
                else if (openInodes.Contains(inode))
                {
                    (checkpoint.TruncatedAt is null && IsUnwatched(checkpoint.Identity) ? truncatedUnseen : gone).Add(checkpoint.Identity);
                }
            }
        }

        lock (_lock)
        {
            foreach (var identity in gone)
            {
                _known.Remove(identity);
                _changes++;
                _unwatched.Remove(identity);
            }
        }

        foreach (var identity in truncatedUnseen)
        {
            MarkTruncated(identity);
        }

        return gone.Count;
    }

    private bool IsUnwatched(FileIdentity identity)
    {
        lock (_lock)
        {
            return _unwatched.Contains(identity);
        }
    }
}
