using System.IO.Enumeration;

namespace NodeAgent.Tailing;

/// <summary>
/// The entries of the directories a glob walks, listed again only when a directory's modification time says an entry
/// was added, removed or renamed in it. Listing every pod directory on every look was most of the agent's CPU with a
/// thousand files (bench/ship_vs_syslog_ng.py --files 1000: <c>LogGlob.Expand</c> 31% of all samples under perf,
/// opendir, getdents and a stat per entry, twice a second); a stat of the directory is one system call and no
/// allocation.
/// <para>
/// A directory's modification time comes from a coarse clock, so a change in the same tick as the listing could keep
/// the time it had: a listing is trusted only when the directory had not changed for <see cref="SettleTime"/> when it
/// was listed (the same reasoning as git's "racily clean" index entries), and every listing is renewed every
/// <see cref="RenewEvery"/> walks in any case, for filesystems whose times say less than they should.
/// </para>
/// </summary>
internal sealed class DirectoryListings
{
    /// <summary>How long a directory must have been unchanged before its listing is reused.</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(1);

    /// <summary>Every listing is taken again after this many walks (10 s at the default Logs:PollInterval).</summary>
    public const int RenewEvery = 20;

    private Dictionary<string, Listing> _kept = new(StringComparer.Ordinal);
    private Dictionary<string, Listing> _visited = new(StringComparer.Ordinal);
    private long _walks;

    /// <summary>How many directories were listed from the filesystem (not reused): what the cache saves, for tests.</summary>
    public long Listed { get; private set; }

    /// <summary>Starts a walk: listings not visited by the walk are dropped at its end, so what is kept follows what
    /// the glob reaches.</summary>
    public void BeginWalk()
    {
        if (++_walks % RenewEvery == 0)
        {
            _kept.Clear();
        }
    }

    /// <summary>Ends a walk: keeps the listings it visited, forgets the others.</summary>
    public void EndWalk()
    {
        (_kept, _visited) = (_visited, _kept);
        _visited.Clear();
    }

    /// <summary>The entries of <paramref name="directory"/> (symlinks followed to it); empty when it is not a directory
    /// or cannot be read.</summary>
    public DirectoryEntry[] Of(string directory)
    {
        if (!FileStatus.TryOf(directory, out var status) || !status.IsDirectory)
        {
            return [];
        }

        if (_visited.TryGetValue(directory, out var listing)
            || (_kept.TryGetValue(directory, out listing) && listing.Trusted && listing.Stamp == Stamp.Of(status)))
        {
            _visited[directory] = listing;
            return listing.Entries;
        }

        listing = List(directory, status);
        _visited[directory] = listing;
        return listing.Entries;
    }

    private Listing List(string directory, FileStatus status)
    {
        Listed++;
        var settled = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000 - status.ModifiedNanoseconds >= SettleTime.Ticks * 100;
        try
        {
            var entries = new FileSystemEnumerable<DirectoryEntry>(directory,
                (ref FileSystemEntry entry) => Entry(ref entry),
                new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = true, ReturnSpecialDirectories = false });
            return new Listing(Stamp.Of(status), settled, [.. entries]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone or unreadable between the stat and the listing: nothing in it now, and nothing to trust next time.
            return new Listing(Stamp.Of(status), false, []);
        }
    }

    private static DirectoryEntry Entry(ref FileSystemEntry entry)
    {
        // FileSystemEntry.IsDirectory follows a symlink; ReparsePoint is how it says the entry is one.
        var link = (entry.Attributes & FileAttributes.ReparsePoint) != 0;
        return new DirectoryEntry(entry.FileName.ToString(), entry.ToFullPath(), entry.IsDirectory && !link, link);
    }

    private sealed record Listing(Stamp Stamp, bool Trusted, DirectoryEntry[] Entries);

    /// <summary>What says a directory's entries are the ones listed: the same inode, unchanged since.</summary>
    private readonly record struct Stamp(ulong Device, ulong Inode, long Modified, long Changed)
    {
        public static Stamp Of(FileStatus status) => new(status.Device, status.Inode, status.ModifiedNanoseconds, status.ChangedNanoseconds);
    }
}

/// <summary>One entry of a directory: its name, its path, whether it is a directory itself, and whether it is a
/// symlink (which may lead to a directory or a file: following it decides).</summary>
internal sealed record DirectoryEntry(string Name, string Path, bool IsDirectory, bool IsLink)
{
    public bool MaybeDirectory => IsDirectory || IsLink;
}
