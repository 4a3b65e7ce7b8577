namespace NodeAgent.Journal;

/// <summary>A journal file found in a directory, with its header as read when listed.</summary>
internal sealed record JournalFileInfo(string Path, JournalHeader Header);

/// <summary>The journal files of some directories, in reading order, and those that could not be read, with why.</summary>
internal sealed record JournalFileList(IReadOnlyList<JournalFileInfo> Files, IReadOnlyList<(string Path, string Error)> Unreadable);

/// <summary>
/// Finds journal files where journald keeps them: <c>*.journal</c> (the active <c>system.journal</c> and
/// <c>user-UID.journal</c>, and archived <c>system@…​.journal</c>) and <c>*.journal~</c> (files set aside as dirty), in
/// each directory and in its subdirectories one level down (journald writes to <c>/var/log/journal/MACHINE-ID/</c>, and
/// <c>MACHINE-ID.NAMESPACE/</c> for namespaces). journald rotates files and vacuums the oldest away, so the list is
/// a snapshot: callers list again.
/// </summary>
internal static class JournalDirectory
{
    public static JournalFileList List(IEnumerable<string> directories)
    {
        var files = new List<JournalFileInfo>();
        var unreadable = new List<(string, string)>();
        foreach (var path in directories.SelectMany(Candidates).Distinct(StringComparer.Ordinal))
        {
            try
            {
                using var reader = JournalFileReader.Open(path);
                files.Add(new JournalFileInfo(path, reader.Header));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Vacuumed since listed (FileNotFoundException), a file journald is still creating, or damage: the
                // others are read all the same.
                if (e is not FileNotFoundException)
                {
                    unreadable.Add((path, e.Message));
                }
            }
        }

        return new JournalFileList(Order(files), unreadable);
    }

    /// <summary>
    /// Reading order: the files of one journald (one seqnum id) by their first entry's seqnum, then its time, files
    /// with no entry yet after them (they receive the newest entries); journals of different seqnum ids by their
    /// earliest entry's time.
    /// </summary>
    public static IReadOnlyList<JournalFileInfo> Order(IEnumerable<JournalFileInfo> files) =>
        files
            .GroupBy(f => f.Header.SeqnumId)
            .OrderBy(g => g.Where(f => f.Header.EntryCount > 0).Select(f => f.Header.HeadEntryRealtime).DefaultIfEmpty(ulong.MaxValue).Min())
            .ThenBy(g => g.Key.ToString(), StringComparer.Ordinal)
            .SelectMany(g => g
                .OrderBy(f => f.Header.EntryCount == 0)
                .ThenBy(f => f.Header.HeadEntrySeqnum)
                .ThenBy(f => f.Header.HeadEntryRealtime)
                .ThenBy(f => f.Path, StringComparer.Ordinal))
            .ToList();

    private static IEnumerable<string> Candidates(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var found = new List<string>();
        AddFiles(directory, found);
        try
        {
            foreach (var sub in new DirectoryInfo(directory).EnumerateDirectories())
            {
                // A link to a directory elsewhere is not journald's layout: not followed.
                if (sub.LinkTarget is null)
                {
                    AddFiles(sub.FullName, found);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Removed or unreadable while listed: what was found stands.
        }

        found.Sort(StringComparer.Ordinal);
        return found;
    }

    private static void AddFiles(string directory, List<string> found)
    {
        try
        {
            foreach (var file in new DirectoryInfo(directory).EnumerateFiles())
            {
                if (file.LinkTarget is null && (file.Name.EndsWith(".journal", StringComparison.Ordinal) || file.Name.EndsWith(".journal~", StringComparison.Ordinal)))
                {
                    found.Add(file.FullName);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
