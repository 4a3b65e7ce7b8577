namespace NodeAgent.Metrics.Textfile;

/// <summary>
/// Go's <c>filepath.Glob</c> for the textfile directory (node_exporter 1.9+ accepts globs there): <c>*</c> and
/// <c>?</c> never cross a <c>/</c>, <c>[a-z]</c>/<c>[^a-z]</c> classes, <c>\</c> escapes; matches sorted per directory
/// level; a malformed pattern or no match is reported as null so the caller uses the path literally.
/// </summary>
internal static class PathGlob
{
    public static IReadOnlyList<string>? Expand(string pattern)
    {
        if (pattern.IndexOfAny(['*', '?', '[', '\\']) < 0)
        {
            return Directory.Exists(pattern) || File.Exists(pattern) ? [pattern] : null;
        }

        var rooted = pattern.StartsWith('/');
        var segments = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        List<string> current = [rooted ? "/" : ""];
        foreach (var segment in segments)
        {
            var next = new List<string>();
            foreach (var parent in current)
            {
                if (segment.IndexOfAny(['*', '?', '[', '\\']) < 0)
                {
                    var path = Join(parent, segment);
                    if (Directory.Exists(path) || File.Exists(path))
                    {
                        next.Add(path);
                    }

                    continue;
                }

                var names = new List<string>();
                try
                {
                    foreach (var entry in Directory.EnumerateFileSystemEntries(parent.Length == 0 ? "." : parent))
                    {
                        var name = Path.GetFileName(entry);
                        bool? matched = Match(segment, name);
                        if (matched is null)
                        {
                            return null;
                        }

                        if (matched.Value)
                        {
                            names.Add(name);
                        }
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    continue;
                }

                names.Sort(StringComparer.Ordinal);
                next.AddRange(names.Select(n => Join(parent, n)));
            }

            current = next;
        }

        return current.Count == 0 ? null : current;
    }

    private static string Join(string parent, string name) => parent.Length == 0 ? name : parent == "/" ? "/" + name : parent + "/" + name;

    /// <summary>filepath.Match for one path segment; null when the pattern is malformed.</summary>
    public static bool? Match(string pattern, string name) => Match(pattern.AsSpan(), name.AsSpan());

    private static bool? Match(ReadOnlySpan<char> pattern, ReadOnlySpan<char> name)
    {
        while (!pattern.IsEmpty)
        {
            switch (pattern[0])
            {
                case '*':
                    var rest = pattern.TrimStart('*');
                    for (var i = 0; i <= name.Length; i++)
                    {
                        var tail = Match(rest, name[i..]);
                        if (tail is null or true)
                        {
                            return tail;
                        }
                    }

                    return false;
                case '?':
                    if (name.IsEmpty)
                    {
                        return false;
                    }

                    pattern = pattern[1..];
                    name = name[1..];
                    break;
                case '[':
                    var body = pattern[1..];
                    var negate = !body.IsEmpty && body[0] == '^';
                    if (negate)
                    {
                        body = body[1..];
                    }

                    var close = body.IndexOf(']');
                    if (close <= 0)
                    {
                        return null;
                    }

                    if (name.IsEmpty)
                    {
                        return false;
                    }

                    var set = body[..close];
                    var hit = false;
                    for (var i = 0; i < set.Length; i++)
                    {
                        if (i + 2 < set.Length && set[i + 1] == '-')
                        {
                            hit |= name[0] >= set[i] && name[0] <= set[i + 2];
                            i += 2;
                        }
                        else
                        {
                            hit |= name[0] == set[i];
                        }
                    }

                    if (hit == negate)
                    {
                        return false;
                    }

                    pattern = body[(close + 1)..];
                    name = name[1..];
                    break;
                case '\\':
                    if (pattern.Length < 2)
                    {
                        return null;
                    }

                    if (name.IsEmpty || name[0] != pattern[1])
                    {
                        return false;
                    }

                    pattern = pattern[2..];
                    name = name[1..];
                    break;
                default:
                    if (name.IsEmpty || name[0] != pattern[0])
                    {
                        return false;
                    }

                    pattern = pattern[1..];
                    name = name[1..];
                    break;
            }
        }

        return name.IsEmpty;
    }
}
