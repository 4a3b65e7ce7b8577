using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace NodeAgent.Kubernetes;

/// <summary>What a container log file's path says about the container that writes it.</summary>
/// <param name="PodUid">From the /var/log/pods directory name; unknown from a /var/log/containers link alone.</param>
/// <param name="ContainerId">From the /var/log/containers link name; unknown from the pod directory alone.</param>
/// <param name="RestartCount">The <c>&lt;n&gt;</c> of <c>&lt;n&gt;.log</c>; unknown from a link alone.</param>
internal sealed record PodLogInfo(string Namespace, string PodName, string? PodUid, string ContainerName, string? ContainerId, int? RestartCount);

/// <summary>
/// Reads the Kubernetes metadata kubelet encodes in the two names it gives a container's log (pure: no I/O).
/// <list type="bullet">
/// <item><c>.../&lt;namespace&gt;_&lt;pod&gt;_&lt;uid&gt;/&lt;container&gt;/&lt;restart&gt;.log</c>: the file the runtime writes
/// (kubelet kuberuntime helpers.go BuildContainerLogsDirectory, buildContainerLogsPath), also after the container log
/// manager renamed it to <c>&lt;restart&gt;.log.&lt;YYYYMMDD-hhmmss&gt;</c> (container_log_manager.go timestampFormat).</item>
/// <item><c>.../&lt;pod&gt;_&lt;namespace&gt;_&lt;container&gt;-&lt;container id&gt;.log</c>: kubelet's symlink under
/// /var/log/containers (kuberuntime legacy.go logSymlink), pointing at the file above.</item>
/// </list>
/// Splitting on '_' is unambiguous because none of the parts can hold one: namespaces and container names are RFC 1123
/// labels, pod names RFC 1123 subdomains (lower-case letters, digits, '-' and '.'), uids UUIDs or, for static pods, hex
/// hashes. The container id (64 hex digits from containerd, CRI-O and cri-dockerd) is told from the container name by
/// its length, since both may hold '-'.
/// </summary>
internal static class PodLogPath
{
    private const string LogSuffix = ".log";

    /// <summary>Length of kubelet's rotation suffix, Go layout "20060102-150405".</summary>
    private const int RotationStampLength = 15;

    private const int ContainerIdLength = 64;

    /// <summary>kubelet cuts a link name to 255 bytes (ext4's limit) including ".log" before it creates it.</summary>
    private const int MaxLinkNameLength = 255;

    /// <summary>
    /// Parses either kubelet name. Compressed rotations (<c>.gz</c>) and kubelet's compression temporaries
    /// (<c>.tmp</c>) are refused: they are never tailed. Any directory may precede the recognised part (the agent
    /// may see the host's /var/log under another root, tests use temp directories).
    /// </summary>
    public static bool TryParse(string path, [MaybeNullWhen(false)] out PodLogInfo info)
    {
        ArgumentNullException.ThrowIfNull(path);
        return TryParsePodFile(path, out info) || TryParseContainerLink(path, out info);
    }

    /// <summary>
    /// A /var/log/containers link and the file it resolves to, merged: the target gives the uid and restart count and
    /// is the authority on the names (it is where the bytes are); the link adds the container id. When the two
    /// disagree on namespace, pod or container (a link re-pointed or hand-made), the id is not trusted and left out.
    /// A link name kubelet had to cut to 255 bytes has lost (part of) its id: the target alone is returned.
    /// </summary>
    public static bool TryParseSymlink(string linkPath, string targetPath, [MaybeNullWhen(false)] out PodLogInfo info)
    {
        ArgumentNullException.ThrowIfNull(linkPath);
        ArgumentNullException.ThrowIfNull(targetPath);
        var link = TryParseContainerLink(linkPath, out var parsed) ? parsed : null;
        if (!TryParsePodFile(targetPath, out var target))
        {
            info = link;
            return link is not null;
        }

        info = link is not null
            && string.Equals(link.Namespace, target.Namespace, StringComparison.Ordinal)
            && string.Equals(link.PodName, target.PodName, StringComparison.Ordinal)
            && string.Equals(link.ContainerName, target.ContainerName, StringComparison.Ordinal)
            ? target with { ContainerId = link.ContainerId }
            : target;
        return true;
    }

    private static bool TryParsePodFile(string path, [MaybeNullWhen(false)] out PodLogInfo info)
    {
        info = null;
        var rest = path.AsSpan();
        if (!TrySplitLast(ref rest, out var file) || !TrySplitLast(ref rest, out var container))
        {
            return false;
        }

        // The pod directory may be the first component of a relative path.
        var slash = rest.LastIndexOf('/');
        var podDirectory = slash < 0 ? rest : rest[(slash + 1)..];
        if (!TryParseRestartFile(file, out var restart) || container.IsEmpty || container.Contains('_'))
        {
            return false;
        }

        // <namespace>_<pod>_<uid>: exactly two separators, no empty part.
        var first = podDirectory.IndexOf('_');
        var last = podDirectory.LastIndexOf('_');
        if (first <= 0 || last == first || last == podDirectory.Length - 1)
        {
            return false;
        }

        var pod = podDirectory[(first + 1)..last];
        if (pod.IsEmpty || pod.Contains('_'))
        {
            return false;
        }

        info = new PodLogInfo(podDirectory[..first].ToString(), pod.ToString(), podDirectory[(last + 1)..].ToString(), container.ToString(), null, restart);
        return true;
    }

    /// <summary><c>&lt;n&gt;.log</c> or <c>&lt;n&gt;.log.&lt;YYYYMMDD-hhmmss&gt;</c>, n a non-negative int.</summary>
    private static bool TryParseRestartFile(ReadOnlySpan<char> file, out int restart)
    {
        restart = 0;
        var dot = file.IndexOf('.');
        if (dot <= 0)
        {
            return false;
        }

        var suffix = file[dot..];
        var plain = suffix.SequenceEqual(LogSuffix);
        var rotated = suffix.Length == LogSuffix.Length + 1 + RotationStampLength
            && suffix.StartsWith(LogSuffix + ".", StringComparison.Ordinal)
            && IsRotationStamp(suffix[(LogSuffix.Length + 1)..]);
        return (plain || rotated)
            && IsDigits(file[..dot])
            && int.TryParse(file[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out restart);
    }

    private static bool IsRotationStamp(ReadOnlySpan<char> stamp) =>
        stamp.Length == RotationStampLength && stamp[8] == '-' && IsDigits(stamp[..8]) && IsDigits(stamp[9..]);

    private static bool TryParseContainerLink(string path, [MaybeNullWhen(false)] out PodLogInfo info)
    {
        info = null;
        var slash = path.LastIndexOf('/');
        var name = path.AsSpan(slash + 1);
        if (name.Length > MaxLinkNameLength || !name.EndsWith(LogSuffix, StringComparison.Ordinal))
        {
            return false;
        }

        // <pod>_<namespace>_<container>-<id>: exactly two separators.
        var stem = name[..^LogSuffix.Length];
        var first = stem.IndexOf('_');
        var last = stem.LastIndexOf('_');
        if (first <= 0 || last == first || last == first + 1 || stem[(first + 1)..last].Contains('_'))
        {
            return false;
        }

        var tail = stem[(last + 1)..];
        var dash = tail.Length - ContainerIdLength - 1;
        if (dash <= 0 || tail[dash] != '-' || !IsHex(tail[(dash + 1)..]))
        {
            return false;
        }

        info = new PodLogInfo(stem[(first + 1)..last].ToString(), stem[..first].ToString(), null, tail[..dash].ToString(), tail[(dash + 1)..].ToString(), null);
        return true;
    }

    private static bool TrySplitLast(ref ReadOnlySpan<char> path, out ReadOnlySpan<char> last)
    {
        var slash = path.LastIndexOf('/');
        last = path[(slash + 1)..];
        path = slash < 0 ? default : path[..slash];
        return slash > 0 && !last.IsEmpty;
    }

    private static bool IsDigits(ReadOnlySpan<char> text) => !text.IsEmpty && !text.ContainsAnyExceptInRange('0', '9');

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
