namespace NodeAgent.Tailing;

/// <summary>
/// The directories log files may lie in (<c>Logs:AllowedRoots</c>): a file is read only if its resolved path is one
/// of them or below one, compared by whole path components (<c>/var/log/pods-evil</c> is not below
/// <c>/var/log/pods</c>). The paths given here are already resolved (<see cref="LogFileOpener"/> resolves them once
/// at start), so a root that is itself a link is compared by where it leads.
/// </summary>
internal sealed class LogRoots
{
    /// <summary>kubelet's two directories, and where cri-dockerd's <c>0.log</c> links lead (docker json-file).</summary>
    public static IReadOnlyList<string> Standard { get; } = ["/var/log/pods", "/var/log/containers", "/var/lib/docker/containers"];

    private readonly string[] _roots;

    public LogRoots(IEnumerable<string> resolved) =>
        _roots = [.. resolved.Select(Normalize).Distinct(StringComparer.Ordinal)];

    public IReadOnlyList<string> Paths => _roots;

    /// <summary>The default roots: <see cref="Standard"/>, and for each include glob's base directory (the part
    /// before its first wildcard) that directory and the <c>pods</c> directory beside it, kubelet's layout, so a node
    /// tree mirrored under another root (<c>/x/var/log/containers/*.log</c>) keeps its links into
    /// <c>/x/var/log/pods</c>.</summary>
    public static List<string> Defaults(IEnumerable<string> includeDirectories)
    {
        var roots = new List<string>(Standard);
        foreach (var directory in includeDirectories)
        {
            roots.Add(directory);
            if (Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(directory)) is { } parent)
            {
                roots.Add(Path.Join(parent, "pods"));
            }
        }

        return [.. roots.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Whether the absolute, resolved <paramref name="path"/> is a root or lies below one.</summary>
    public bool Contains(string path) => _roots.Any(root => IsUnder(path, root));

    internal static bool IsUnder(string path, string root) =>
        root == "/"
            ? path.StartsWith('/')
            : path.StartsWith(root, StringComparison.Ordinal) && (path.Length == root.Length || path[root.Length] == '/');

    private static string Normalize(string root)
    {
        var full = Path.GetFullPath(root);
        return full.Length > 1 ? Path.TrimEndingDirectorySeparator(full) : full;
    }
}
