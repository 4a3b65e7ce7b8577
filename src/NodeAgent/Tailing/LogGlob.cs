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
    private readonly Regex _whole;

    public LogGlob(string pattern)
    {
        Pattern = pattern;
        _segments = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        _whole = new Regex("^" + ToRegex(pattern) + "$", RegexOptions.CultureInvariant);
    }

    public string Pattern { get; }

    public bool IsMatch(string path) => _whole.IsMatch(path);

    /// <summary>The existing paths (files or symlinks to files) this pattern matches, sorted.</summary>
    public IReadOnlyList<string> Expand()
    {
        var found = new List<string>();
        Walk(Pattern.StartsWith('/') ? "/" : ".", 0, found);
        found.Sort(StringComparer.Ordinal);
        return found;
    }

    private void Walk(string directory, int segment, List<string> found)
    {
        if (segment == _segments.Length)
        {
            return;
        }

        var part = _segments[segment];
        var last = segment == _segments.Length - 1;
        if (part == "**")
        {
            // Zero directories, then one more level of any name.
            Walk(directory, segment + 1, found);
            foreach (var sub in SafeDirectories(directory))
            {
                Walk(sub, segment, found);
            }

            return;
        }

        if (part.IndexOfAny(['*', '?', '[']) < 0)
        {
            var path = Path.Join(directory, part);
            if (last)
            {
                if (FileStatus.TryOf(path, out _))
                {
                    found.Add(path);
                }
            }
            else if (Directory.Exists(path))
            {
                Walk(path, segment + 1, found);
            }

            return;
        }

        var regex = new Regex("^" + ToRegex(part) + "$", RegexOptions.CultureInvariant);
        foreach (var entry in SafeEntries(directory))
        {
            if (!regex.IsMatch(Path.GetFileName(entry)))
            {
                continue;
            }

            if (last)
            {
                // statx follows the link: a dangling /var/log/containers link (container removed) is skipped.
                if (FileStatus.TryOf(entry, out _) && !Directory.Exists(entry))
                {
                    found.Add(entry);
                }
            }
            else if (Directory.Exists(entry))
            {
                Walk(entry, segment + 1, found);
            }
        }
    }

    private static string[] SafeEntries(string directory)
    {
        try
        {
            return Directory.GetFileSystemEntries(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string[] SafeDirectories(string directory)
    {
        try
        {
            return Directory.GetDirectories(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
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
