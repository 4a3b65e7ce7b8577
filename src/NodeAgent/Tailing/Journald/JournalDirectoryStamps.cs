namespace NodeAgent.Tailing.Journald;

/// <summary>
/// Whether the journal directories may hold other files than at the last listing: listing opens every journal file
/// to read its header (6 MiB allocated for 31 files, measured), while a stat of each directory is a system call and no
/// allocation. journald adds, renames (archives) and deletes (vacuums) files, each of which changes the modification
/// time of the directory it happens in; what it writes into a file does not, and needs no listing (the open file's
/// reader sees it). So the roots and their subdirectories are stat'ed, and the directories are listed again only when
/// one changed, as <see cref="DirectoryListings"/> does for container logs: a listing is trusted only when no
/// directory had changed for <see cref="DirectoryListings.SettleTime"/> when it was taken (a change in the same tick
/// keeps the time), and renewed after <see cref="RenewEvery"/> skipped ones in any case.
/// </summary>
internal sealed class JournalDirectoryStamps
{
    /// <summary>Listings skipped in a row at most (a minute at the 5 s interval).</summary>
    public const int RenewEvery = 12;

    private Dictionary<string, (long Modified, long Changed, ulong Inode)> _stamps = new(StringComparer.Ordinal);
    private bool _trusted;
    private int _skipped;

    /// <summary>True when the directories must be listed: one changed (or appeared, or went), the last listing was
    /// not trusted, or it is time to renew it.</summary>
    public bool MustList(IReadOnlyList<string> roots)
    {
        if (!_trusted || _skipped >= RenewEvery || !Same(Stamps(roots), _stamps))
        {
            return true;
        }

        _skipped++;
        return false;
    }

    /// <summary>The directories are about to be listed: taken before, so a change during the listing shows next time.</summary>
    public void Listing(IReadOnlyList<string> roots)
    {
        _stamps = Stamps(roots);
        _skipped = 0;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        _trusted = _stamps.Values.All(s => now - s.Modified >= DirectoryListings.SettleTime.Ticks * 100);
    }

    private static bool Same(Dictionary<string, (long, long, ulong)> now, Dictionary<string, (long, long, ulong)> then) =>
        now.Count == then.Count && now.All(p => then.TryGetValue(p.Key, out var stamp) && stamp == p.Value);

    /// <summary>Each root and each directory one level down (journald's machine-id directories), by path, in order.</summary>
    private static Dictionary<string, (long, long, ulong)> Stamps(IReadOnlyList<string> roots)
    {
        var stamps = new Dictionary<string, (long, long, ulong)>(StringComparer.Ordinal);
        foreach (var root in roots)
        {
            if (!Add(stamps, root))
            {
                continue;
            }

            try
            {
                foreach (var sub in Directory.EnumerateDirectories(root))
                {
                    Add(stamps, sub);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone or unreadable meanwhile: the root's own stamp says it changed, or the next look does.
            }
        }

        return stamps;
    }

    private static bool Add(Dictionary<string, (long, long, ulong)> stamps, string directory)
    {
        if (!FileStatus.TryOf(directory, out var status) || !status.IsDirectory)
        {
            return false;
        }

        stamps[directory] = (status.ModifiedNanoseconds, status.ChangedNanoseconds, status.Inode);
        return true;
    }
}
