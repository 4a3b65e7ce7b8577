using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using NodeAgent.Delivery;
using NodeAgent.Kubernetes;
using NodeAgent.Parsing;
using NodeAgent.Parsing.Multiline;

namespace NodeAgent.Tailing;

/// <summary>
/// Keeps the set of open files in step with the filesystem, by identity (DELIVERY.md rule 1):
/// a path that now leads to a new identity starts a new tail from 0 (or from its checkpoint after a restart); a tail
/// whose path went away or leads elsewhere is marked rotated and drained through its handle; a file shorter than its
/// read offset was truncated in place and is read again from 0; checkpointed files not reachable through the include
/// globs (rotated while the agent was down) are looked for in their container's directory and drained
/// (DELIVERY.md rule 4).
/// </summary>
internal sealed partial class Discovery
{
    private readonly LogsOptions _options;
    private readonly DocumentDefaults _documents;
    private readonly Checkpointer _checkpointer;
    private readonly TailStatistics _statistics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HashSet<string> _unknownMultiline = new(StringComparer.Ordinal);
    private readonly BufferBudget? _budget;
    private readonly LogGlob[] _include;
    private readonly LogGlob[] _exclude;
    private readonly LogFileOpener _opener;
    // Files too short to open yet, by path and inode (a new file at a path is new even when its size is the same).
    private readonly Dictionary<(string Path, ulong Inode), (long Size, DateTimeOffset Since)> _young = [];
    private readonly HashSet<(string Path, ulong Inode)> _youngLooked = [];
    // The agent's own log files left unread, each said once (forgotten when its path is no longer listed).
    private HashSet<string> _ownSkipped = new(StringComparer.Ordinal);
    private bool _firstRefresh = true;
    // Closed files' checkpoints are checked against their directories every this many looks (10 s at the default
    // Logs:PollInterval): each check lists every such directory.
    private const int RemovedCheckLooks = 20;
    private long _looks;

    public Discovery(LogsOptions options, DocumentDefaults documents, Checkpointer checkpointer, TailStatistics statistics, TimeProvider time, ILogger logger, BufferBudget? budget = null)
    {
        _budget = budget;
        _options = options;
        _documents = documents;
        _checkpointer = checkpointer;
        _statistics = statistics;
        _time = time;
        _logger = logger;
        _include = [.. options.Include.Select(g => new LogGlob(g))];
        _exclude = [.. options.Exclude.Select(g => new LogGlob(g))];
        _opener = new LogFileOpener(options.AllowedRoots, statistics, logger);
    }

    /// <summary>One look for files: which to hold open from now on (<paramref name="held"/> is left as it is; the
    /// caller, who owns the list, applies what is found).</summary>
    public DiscoveryFindings Refresh(IReadOnlyList<FileTail> held)
    {
        var now = _time.GetUtcNow();
        var tails = held.ToList();
        var closed = new List<FileTail>();
        var seen = new HashSet<FileTail>(tails.Count);
        // Files opened, found rotated or new and waiting in this look: their container directories may hold a file
        // missed in between.
        var changedPaths = new List<string>();
        var opened = false;
        var ownSkipped = new HashSet<string>(StringComparer.Ordinal);
        var listed = Listed();
        // By (device, inode): a node with thousands of files open (rotated ones waiting out an outage) must not compare
        // each listed path with each of them.
        var open = new Dictionary<(ulong Device, ulong Inode), FileTail>(tails.Count);
        foreach (var tail in tails)
        {
            open.TryAdd((tail.Identity.Device, tail.Identity.Inode), tail);
        }

        foreach (var (path, status) in listed)
        {
            if (RotatedName.IsRotated(path) || IsExcluded(path))
            {
                continue;
            }

            if (!_options.ShipOwnLogs && IsOwn(path))
            {
                if (ownSkipped.Add(path) && !_ownSkipped.Contains(path))
                {
                    Log.OwnLogSkipped(_logger, path);
                }

                continue;
            }

            // A file we hold open keeps its inode, so a path leading to an open tail's (device, inode) is that file:
            // the stat the glob took, not an open and a fingerprint read, per known file and poll.
            if (open.TryGetValue((status.Device, status.Inode), out var existing))
            {
                // Truncated in place is seen two ways (DELIVERY.md rule 1): the file is shorter than what was read, or it
                // grew back past that point with other first bytes (checked only when it has grown since the last look).
                if (status.Size < existing.ReadOffset
                    || (status.Size != existing.LastSeenSize && !existing.Truncated && !FileIdentity.Matches(existing.Identity, existing.Handle)))
                {
                    existing.MarkTruncated();
                }

                existing.Saw(status.Size);
                existing.LastSeenSize = status.Size;
                existing.Path = path;
                existing.Rotated = false;
                seen.Add(existing);
                continue;
            }

            // A FIFO, socket or device is refused from its status, before it could wait as "too young" (its size is 0).
            if (!status.IsRegularFile)
            {
                _opener.Refuse(path, LogFileOpener.NotRegularFile, LogFileOpener.TypeName(status.Type));
                continue;
            }

            var newlySeen = !_young.ContainsKey((path, status.Inode));
            if (IsTooYoung(path, status.Inode, status.Size))
            {
                if (newlySeen)
                {
                    // A new file too short to open yet (an empty 0.log just after a rotation) can follow one missed.
                    changedPaths.Add(path);
                }

                continue;
            }

            var handle = Open(path);
            if (handle is null)
            {
                continue;
            }

            var identity = FileIdentity.Read(handle);
            var tail = StartTail(path, handle, identity);
            opened = true;
            changedPaths.Add(tail.Path);
            seen.Add(tail);
            open[(tail.Identity.Device, tail.Identity.Inode)] = tail;
            tails.Add(tail);
        }

        _ownSkipped = ownSkipped;
        _opener.ForgetUnlisted(listed.Select(m => m.Path));
        foreach (var tail in tails.Where(t => !seen.Contains(t) && !t.Rotated))
        {
            changedPaths.Add(tail.Path);
            tail.Rotated = true;
            tail.RotatedAt = now;
            _statistics.Rotations++;
            Log.Rotated(_logger, tail.Path, tail.Unread);
        }

        // After the rotation check: a file truncated and then renamed (copytruncate, then a rotation soon after) is
        // shorter than its offset, not drained.
        opened |= ReplaceTruncated(tails, closed);

        if (_firstRefresh)
        {
            _firstRefresh = false;
            foreach (var tail in ResumeRotatedWhileDown(tails, changedPaths).ToList())
            {
                opened = true;
                tails.Add(tail);
            }
        }
        else if (changedPaths.Count > 0 && _checkpointer.LastDiscovery is { } previousLook)
        {
            foreach (var tail in FindMissed(changedPaths, tails, previousLook, now).ToList())
            {
                opened = true;
                tails.Add(tail);
            }
        }

        _checkpointer.LastDiscovery = now;
        if (++_looks % RemovedCheckLooks == 0)
        {
            _checkpointer.ForgetRemoved(tails);
        }

        // Files that went away, or were renamed, while too young to open: state must not grow with files that come and go.
        foreach (var gone in _young.Keys.Where(k => !_youngLooked.Contains(k)).ToList())
        {
            _young.Remove(gone);
        }

        _youngLooked.Clear();
        EnforceOpenFileLimit(tails, closed);
        if (opened)
        {
            // Every file the agent has opened has a checkpoint on disk before any of its lines is shipped: a file
            // rotated while the agent is down is found again only through its checkpoint (DELIVERY.md rule 4), and a
            // short fingerprint, which names the file's documents, survives a crash only there (FileIdentity).
            _checkpointer.Save(tails);
        }

        return new DiscoveryFindings(tails, closed);
    }

    private bool IsExcluded(string path)
    {
        foreach (var glob in _exclude)
        {
            if (glob.IsMatch(path))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What the include globs match now, each path once (the first glob's match), glob after glob.</summary>
    private IReadOnlyList<GlobMatch> Listed()
    {
        if (_include.Length == 1)
        {
            return _include[0].Expand();
        }

        var paths = new HashSet<string>(StringComparer.Ordinal);
        return [.. _include.SelectMany(g => g.Expand()).Where(m => paths.Add(m.Path))];
    }

    /// <summary>
    /// A new file shorter than the fingerprint waits until it has <see cref="FileIdentity.FingerprintBytes"/> bytes or
    /// has not grown for the partial timeout: its identity, and so its documents' ids, is fixed when it is opened, and
    /// a fingerprint over a few bytes that keeps growing would name the same lines differently after a crash
    /// (DELIVERY.md rules 1 and 3). Real CRI and docker lines are longer than 64 bytes, so this delays almost nothing.
    /// </summary>
    private bool IsTooYoung(string path, ulong inode, long size)
    {
        _youngLooked.Add((path, inode));
        if (size >= FileIdentity.FingerprintBytes)
        {
            _young.Remove((path, inode));
            return false;
        }

        var now = _time.GetUtcNow();
        if (!_young.TryGetValue((path, inode), out var seen) || seen.Size != size)
        {
            _young[(path, inode)] = (size, now);
            return size == 0 || _options.PartialFlushTimeout > TimeSpan.Zero;
        }

        if (size > 0 && now - seen.Since >= _options.PartialFlushTimeout)
        {
            _young.Remove((path, inode));
            return false;
        }

        return true;
    }

    private FileTail StartTail(string path, SafeFileHandle handle, FileIdentity identity, bool rotated = false)
    {
        long start;
        if (_checkpointer.Find(identity, handle) is { } checkpoint)
        {
            start = checkpoint.Offset;
            identity = checkpoint.Identity;
        }
        else if (_firstRefresh && !_options.ReadFromHead && !_checkpointer.HasState)
        {
            start = RandomAccess.GetLength(handle);
        }
        else
        {
            start = 0;
        }

        // An older checkpoint on this inode (a deleted file's, or the content before a truncation in place) is never
        // taken for this file (other first bytes, other tail); Checkpointer.ForgetRemoved lets it go.

        Log.Opened(_logger, path, start, identity.Inode, identity.FingerprintLength);
        _statistics.FilesOpened++;
        return NewTail(path, handle, identity, start, rotated);
    }

    private FileTail NewTail(string path, SafeFileHandle handle, FileIdentity identity, long start, bool rotated)
    {
        var fields = Fields(path);
        // Only a file outside kubelet's layout may be plain lines (LogDecoder): its fields then change to the plain
        // data stream's when its first line says so.
        var mayBePlain = fields.Pod is null;
        var decoder = new LogDecoder(_options.MaxMessageBytes, _options.PartialFlushTimeout, allowPlain: mayBePlain, _options.Multiline, _options.MultilineFlushTimeout);
        return new(path, handle, identity, start, fields, _options.MaxLineBytes, decoder, _budget)
        {
            MultilineFor = MultilineFor,
            Rotated = rotated,
            IsOwnLog = IsOwn(path),
            MayBePlain = mayBePlain,
            PlainDataStream = _options.PlainDataStream,
        };
    }

    /// <summary>The rule a pod's <c>node-agent.io/multiline</c> annotation names, or <c>Logs:Multiline</c> when it has
    /// none or names no rule (said once per value: a typo in one pod must not flood the agent's log).</summary>
    private MultilineRule MultilineFor(string? annotation)
    {
        if (annotation is null)
        {
            return _options.Multiline;
        }

        if (MultilineRule.TryResolve(annotation, _options.MultilineRules, out var rule, out var problem))
        {
            return rule;
        }

        if (_unknownMultiline.Count < 100 && _unknownMultiline.Add(annotation))
        {
            Log.UnknownMultiline(_logger, annotation, problem, _options.Multiline.Name);
        }

        return _options.Multiline;
    }

    /// <summary>Whether the path is one of the agent's own pod's log files, told from the path alone (kubelet's
    /// <c>/var/log/containers/&lt;pod&gt;_&lt;namespace&gt;_...</c> link or <c>/var/log/pods/&lt;namespace&gt;_&lt;pod&gt;_&lt;uid&gt;/</c>
    /// directory), so it holds before and without any answer from the API server.</summary>
    private bool IsOwn(string path) =>
        _options.OwnPod is { } own && PodLogPath.TryParse(path, out var pod)
        && string.Equals(pod.Namespace, own.Namespace, StringComparison.Ordinal) && string.Equals(pod.PodName, own.Name, StringComparison.Ordinal);

    private DocumentFields Fields(string path)
    {
        var pod = PodLogPath.TryParseSymlink(path, ContainerDirectory.ResolveLink(path), out var info) || PodLogPath.TryParse(path, out info) ? info : null;
        return _documents.For(path, pod, _options.ParseJson);
    }

    /// <summary>Every file opened for reading, confined to the allowed roots (<see cref="LogFileOpener"/>); null when
    /// it is refused (counted and logged there) or cannot be opened.</summary>
    private SafeFileHandle? Open(string path)
    {
        try
        {
            return _opener.Open(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.OpenFailed(_logger, path, e.Message);
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(801, LogLevel.Information, "tailing {Path} from offset {Offset} (inode {Inode}, fingerprint over {FingerprintBytes} bytes)", EventName = "TailOpened")]
        public static partial void Opened(ILogger logger, string path, long offset, ulong inode, int fingerprintBytes);

        [LoggerMessage(802, LogLevel.Information, "{Path} was rotated; draining the {Unread} bytes left through the open handle", EventName = "TailRotated")]
        public static partial void Rotated(ILogger logger, string path, long unread);

        [LoggerMessage(803, LogLevel.Warning, "{Path} was truncated below offset {Offset}; reading it again from 0", EventName = "TailTruncated")]
        public static partial void Truncated(ILogger logger, string path, long offset);

        [LoggerMessage(804, LogLevel.Information, "found {Path}, rotated while the agent was down; resuming at its checkpoint {Offset}", EventName = "TailResumedRotated")]
        public static partial void ResumedRotated(ILogger logger, string path, long offset);

        [LoggerMessage(808, LogLevel.Warning, "found {Path}, rotated while the agent was down and never read; reading it from the start", EventName = "TailFoundUnread")]
        public static partial void FoundUnread(ILogger logger, string path);

        [LoggerMessage(811, LogLevel.Warning, "found {Path}, created and rotated between two looks for files and never read; reading it from the start", EventName = "TailFoundMissed")]
        public static partial void FoundMissed(ILogger logger, string path);

        [LoggerMessage(805, LogLevel.Warning, "too many open files (Logs:MaxOpenFiles): closed {Path} with {Unread} bytes not shipped", EventName = "TailForcedClose")]
        public static partial void ForcedClose(ILogger logger, string path, long unread);

        [LoggerMessage(809, LogLevel.Information, "not reading {Path}: it is the agent's own log, and with the console output its documents would be written back into it", EventName = "TailOwnLogSkipped")]
        public static partial void OwnLogSkipped(ILogger logger, string path);

        [LoggerMessage(812, LogLevel.Warning, "a pod's node-agent.io/multiline annotation {Value}: {Problem}; its lines are joined by Logs:Multiline ({Default})", EventName = "TailUnknownMultiline")]
        public static partial void UnknownMultiline(ILogger logger, string value, string problem, string @default);

        [LoggerMessage(806, LogLevel.Warning, "cannot open {Path}: {Reason}", EventName = "TailOpenFailed")]
        public static partial void OpenFailed(ILogger logger, string path, string reason);
    }
}
