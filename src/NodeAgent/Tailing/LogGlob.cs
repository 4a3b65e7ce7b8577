using System.Text.RegularExpressions;

namespace NodeAgent.Tailing;

/// <summary>
/// A <c>Logs:Include</c>/<c>Logs:Exclude</c> pattern: '/'-separated segments where <c>*</c> and <c>?</c> match within
/// one segment and <c>**</c> matches any number of segments (as in Fluent Bit's and Filebeat's path globs).
/// <see cref="Expand"/> lists the files of the filesystem that match, walking only the directories the pattern can
/// reach.
/// </summary>
internal sealed partial class LogGlob
{
    private readonly string[] _segments;
    // Per segment: the regex of a segment with wildcards (built once: building it per directory walked, twice a second,
    // was a regex parse per pod directory), null for a literal segment and for "**".
    private readonly Regex?[] _segmentRegexes;
    private readonly Regex _whole;
    private readonly DirectoryListings _listings = new();
    // How many paths the last walk found: the next one's list starts that large instead of growing again.
    private int _lastCount;

    public LogGlob(string pattern)
    {
        Pattern = pattern;
        _segments = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        _segmentRegexes = [.. _segments.Select(s => s != "**" && s.IndexOfAny(['*', '?', '[']) >= 0
            ? new Regex("^" + ToRegex(s) + "$", RegexOptions.CultureInvariant) : null)];
        _whole = new Regex("^" + ToRegex(pattern) + "$", RegexOptions.CultureInvariant);
    }

    public string Pattern { get; }

    /// <summary>The directories listed from the filesystem so far (the others were unchanged and reused).</summary>
    public long DirectoriesListed => _listings.Listed;

    public bool IsMatch(string path) => _whole.IsMatch(path);

    /// <summary>The existing paths (files or symlinks to anything but a directory) this pattern matches, sorted, each
    /// with the status of what it leads to, read during the walk (so the caller needs no stat of its own).</summary>
    public IReadOnlyList<GlobMatch> Expand()
    {
        var found = new List<GlobMatch>(_lastCount);
        _listings.BeginWalk();
        Walk(Pattern.StartsWith('/') ? "/" : ".", 0, found);
        _listings.EndWalk();
        found.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        _lastCount = found.Count;
        return found;
    }

    private void Walk(string directory, int segment, List<GlobMatch> found)
    {
        if (segment == _segments.Length)
        {
            return;
        }

        var part = _segments[segment];
        var last = segment == _segments.Length - 1;
        if (part == "**")
        {
            // Zero directories, then one more level of any name. Symlinks are not followed here (as bash's globstar):
            // through a link to a parent directory the walk went round the tree until the kernel's 40 links (ELOOP),
            // listing every file under 40 paths.
            Walk(directory, segment + 1, found);
            foreach (var entry in _listings.Of(directory))
            {
                if (entry.IsDirectory)
                {
                    Walk(entry.Path, segment, found);
                }
            }

            return;
        }

        if (_segmentRegexes[segment] is not { } regex)
        {
            Visit(Path.Join(directory, part), segment, last, found);
            return;
        }

        foreach (var entry in _listings.Of(directory))
        {
            if (regex.IsMatch(entry.Name) && (last || entry.MaybeDirectory))
            {
                Visit(entry.Path, segment, last, found);
            }
        }
    }

    private void Visit(string path, int segment, bool last, List<GlobMatch> found)
    {
        if (!last)
        {
            Walk(path, segment + 1, found);
        }
        else if (FileStatus.TryOf(path, out var status) && !status.IsDirectory)
        {
            // statx follows the link: a dangling /var/log/containers link (container removed) is skipped.
            found.Add(new GlobMatch(path, status));
        }
    }

    private static string ToRegex(string glob)
    {
        var regex = new System.Text.StringBuilder();
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                regex.Append(".*");
                i++;
                if (i + 1 < glob.Length && glob[i + 1] == '/')
                {
                    i++;
                    regex.Append("/?");
                }
            }
            else
            {
                regex.Append(c switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    '[' => "[",
                    ']' => "]",
                    _ => Regex.Escape(c.ToString()),
                });
            }
        }

        return regex.ToString();
    }

    /// <summary>The part of a glob before its first wildcard: the directory that must exist for it to match.</summary>
    public static string StaticDirectoryOf(string glob)
    {
        var wildcard = glob.IndexOfAny(['*', '?', '[', '{']);
        var prefix = wildcard < 0 ? glob : glob[..wildcard];
        var directory = Path.GetDirectoryName(prefix.EndsWith('/') ? prefix + "x" : prefix);
        return string.IsNullOrEmpty(directory) ? "/" : directory;
    }
}

/// <summary>A path a glob matched and the status of the file it leads to when it was matched.</summary>
internal readonly record struct GlobMatch(string Path, FileStatus Status);
