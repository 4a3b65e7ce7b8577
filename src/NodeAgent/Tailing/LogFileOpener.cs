using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace NodeAgent.Tailing;

/// <summary>
/// Every log file the agent reads is opened here, and only if it is a regular file whose resolved path lies under an
/// allowed root (<see cref="LogRoots"/>). A tenant that can write in its log directory (a hostPath, a runtime bug)
/// may replace its <c>0.log</c> with a link to a host file, a FIFO, a socket or a device: none of them is ever read
/// (the "pod escape through log mounts" class). The check and the open are one: see <see cref="ConfinedOpen"/>.
/// A refusal is counted in <c>nodeagent_log_files_refused_total{reason}</c> and logged once per path while the path
/// stays listed, not on every poll; what is remembered for that is forgotten with the path
/// (<see cref="ForgetUnlisted"/>).
/// </summary>
internal sealed partial class LogFileOpener
{
    public const string OutsideAllowedRoots = "outside_allowed_roots";
    public const string NotRegularFile = "not_regular_file";

    private readonly LogRoots _roots;
    private readonly TailStatistics _statistics;
    private readonly ILogger _logger;
    private readonly Dictionary<string, string> _refused = new(StringComparer.Ordinal);

    /// <summary>Resolves the roots once, at start: a root that does not exist yet is kept as written.</summary>
    public LogFileOpener(IEnumerable<string> allowedRoots, TailStatistics statistics, ILogger logger)
    {
        _statistics = statistics;
        _logger = logger;
        _roots = new LogRoots(allowedRoots.Select(root => Resolve(root) ?? root));
        Log.Roots(_logger, string.Join(", ", _roots.Paths));
    }

    public IReadOnlyList<string> Roots => _roots.Paths;

    /// <summary>
    /// The file <paramref name="path"/> leads to, opened for reading; null when it is refused (counted and logged
    /// here). Throws <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> when it cannot be opened at
    /// all (gone, no permission), as <see cref="File.OpenHandle"/> does.
    /// </summary>
    public SafeFileHandle? Open(string path)
    {
        using var located = ConfinedOpen.Locate(path);
        var status = FileStatus.Of(located);
        if (!status.IsRegularFile)
        {
            Refuse(path, NotRegularFile, TypeName(status.Type));
            return null;
        }

        var real = ConfinedOpen.RealPath(located);
        if (real is null || !_roots.Contains(real))
        {
            Refuse(path, OutsideAllowedRoots, real ?? "an unknown path");
            return null;
        }

        var handle = ConfinedOpen.OpenForReading(located);
        var opened = FileStatus.Of(handle);
        if (!opened.IsRegularFile || opened.Device != status.Device || opened.Inode != status.Inode)
        {
            // The descriptor's link leads to the located inode itself, so this cannot happen; one statx to be sure.
            handle.Dispose();
            Refuse(path, NotRegularFile, TypeName(opened.Type));
            return null;
        }

        _refused.Remove(path);
        return handle;
    }

    /// <summary>Whether <paramref name="directory"/>, resolved, lies under an allowed root: only those are looked
    /// through for rotated files.</summary>
    public bool AllowsDirectory(string directory)
    {
        var real = Resolve(directory);
        return real is not null && _roots.Contains(real);
    }

    /// <summary>Refuses <paramref name="path"/> for <paramref name="reason"/>: counted and logged unless it was
    /// already refused for that reason since it was last listed.</summary>
    public void Refuse(string path, string reason, string detail)
    {
        if (_refused.TryGetValue(path, out var known) && known == reason)
        {
            return;
        }

        _refused[path] = reason;
        _statistics.Refused.Add(reason);
        Log.Refused(_logger, path, reason, detail);
    }

    /// <summary>Forgets the refusals of paths the globs no longer list: what is remembered stays bounded by what is
    /// listed, and a path that comes back is reported again.</summary>
    public void ForgetUnlisted(IEnumerable<string> listed)
    {
        if (_refused.Count == 0)
        {
            return;
        }

        var keep = listed.ToHashSet(StringComparer.Ordinal);
        foreach (var path in _refused.Keys.Where(p => !keep.Contains(p)).ToList())
        {
            _refused.Remove(path);
        }
    }

    private static string? Resolve(string path)
    {
        try
        {
            using var located = ConfinedOpen.Locate(path);
            return ConfinedOpen.RealPath(located);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The file type's name (inode(7)); a link is never seen, links are followed.</summary>
    internal static string TypeName(uint type) => type switch
    {
        0x1000 => "a FIFO",
        0x2000 => "a character device",
        0x4000 => "a directory",
        0x6000 => "a block device",
        0x8000 => "a regular file",
        0xC000 => "a socket",
        _ => "of an unknown type",
    };

    private static partial class Log
    {
        [LoggerMessage(830, LogLevel.Warning, "not reading {Path}: {Reason} (it is {Detail}); Logs:AllowedRoots lists where log files may be", EventName = "TailRefused")]
        public static partial void Refused(ILogger logger, string path, string reason, string detail);

        [LoggerMessage(831, LogLevel.Information, "log files are read only under {Roots} (Logs:AllowedRoots, resolved)", EventName = "TailAllowedRoots")]
        public static partial void Roots(ILogger logger, string roots);
    }
}
