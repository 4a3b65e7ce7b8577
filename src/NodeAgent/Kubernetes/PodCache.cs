namespace NodeAgent.Kubernetes;

/// <summary>
/// This node's pods and the cluster's namespaces as the watch last reported them, for the log pipeline to look up
/// without ever calling the API server on its own path (the peers that fetch a pod on a cache miss leave short-lived
/// pods without metadata and stall under an API outage). Written by <see cref="KubernetesWatcher"/>, read by
/// <see cref="PodEnricher"/>; every change bumps <see cref="Version"/>, so a reader re-checks a file only then.
/// </summary>
/// <remarks>
/// A deleted pod stays for <see cref="DeletedRetention"/>: kubelet keeps its log files until the pod is gone, and the
/// agent may still be reading its last lines (a backlog, an Elasticsearch outage) when the DELETED event arrives.
/// </remarks>
internal sealed class PodCache(TimeProvider time)
{
    public static readonly TimeSpan DeletedRetention = TimeSpan.FromMinutes(5);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _podsByUid = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NamespaceMetadata> _namespaces = new(StringComparer.Ordinal);
    private long _version;
    private bool _podsSynced;
    private bool _namespacesSynced;
    private volatile bool _synced;

    /// <summary>Raised after every change (on the watcher's thread): the log loop wakes to enrich waiting files.</summary>
    public event Action? Changed;

    /// <summary>Grows with every change; equal versions mean equal answers (apart from deleted pods expiring).</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Both lists have been read once: a pod missing now is really unknown to the API server (so far). Read
    /// without the lock: the log loop asks for every waiting file on every turn.</summary>
    public bool Synced => _synced;

    public int PodCount
    {
        get
        {
            lock (_lock)
            {
                return _podsByUid.Count;
            }
        }
    }

    /// <summary>
    /// The pod a log file belongs to: by uid when the path told it (a StatefulSet pod re-created under the same name
    /// has a new uid and must not get the old one's labels), else by namespace and name, preferring a live pod.
    /// </summary>
    public PodMetadata? Find(string ns, string name, string? uid)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (uid is not null)
            {
                if (_podsByUid.TryGetValue(uid, out var byUid))
                {
                    return byUid.IsLive(now) ? byUid.Pod : null;
                }

                // A static pod: its directory is named with the config hash its mirror pod carries.
                foreach (var entry in _podsByUid.Values)
                {
                    if (entry.Pod.ConfigMirror == uid && entry.Pod.Name == name && entry.Pod.Namespace == ns && entry.IsLive(now))
                    {
                        return entry.Pod;
                    }
                }

                return null;
            }

            PodMetadata? found = null;
            foreach (var entry in _podsByUid.Values)
            {
                if (entry.Pod.Name == name && entry.Pod.Namespace == ns && entry.IsLive(now))
                {
                    if (entry.DeletedAt is null)
                    {
                        return entry.Pod;
                    }

                    found = entry.Pod;
                }
            }

            return found;
        }
    }

    public NamespaceMetadata? FindNamespace(string name)
    {
        lock (_lock)
        {
            return _namespaces.GetValueOrDefault(name);
        }
    }

    public void UpsertPod(PodMetadata pod)
    {
        lock (_lock)
        {
            _podsByUid[pod.Uid] = new Entry(pod, null);
        }

        OnChanged();
    }

    public void DeletePod(PodMetadata pod)
    {
        lock (_lock)
        {
            _podsByUid[pod.Uid] = new Entry(pod, time.GetUtcNow());
            PruneDeleted();
        }

        OnChanged();
    }

    /// <summary>A fresh list (first start, or after 410 Gone): pods it lacks were deleted while unwatched.</summary>
    public void ReplacePods(IEnumerable<PodMetadata> pods)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var listed = new Dictionary<string, PodMetadata>(StringComparer.Ordinal);
            foreach (var pod in pods)
            {
                listed[pod.Uid] = pod;
            }

            foreach (var (uid, entry) in _podsByUid.ToList())
            {
                if (!listed.ContainsKey(uid) && entry.DeletedAt is null)
                {
                    _podsByUid[uid] = entry with { DeletedAt = now };
                }
            }

            foreach (var (uid, pod) in listed)
            {
                _podsByUid[uid] = new Entry(pod, null);
            }

            PruneDeleted();
            _podsSynced = true;
            _synced = _namespacesSynced;
        }

        OnChanged();
    }

    public void UpsertNamespace(NamespaceMetadata ns)
    {
        lock (_lock)
        {
            _namespaces[ns.Name] = ns;
        }

        OnChanged();
    }

    public void DeleteNamespace(string name)
    {
        lock (_lock)
        {
            _namespaces.Remove(name);
        }

        OnChanged();
    }

    public void ReplaceNamespaces(IEnumerable<NamespaceMetadata> namespaces)
    {
        lock (_lock)
        {
            _namespaces.Clear();
            foreach (var ns in namespaces)
            {
                _namespaces[ns.Name] = ns;
            }

            _namespacesSynced = true;
            _synced = _podsSynced;
        }

        OnChanged();
    }

    private void PruneDeleted()
    {
        var now = time.GetUtcNow();
        foreach (var (uid, entry) in _podsByUid.ToList())
        {
            if (!entry.IsLive(now))
            {
                _podsByUid.Remove(uid);
            }
        }
    }

    private void OnChanged()
    {
        Interlocked.Increment(ref _version);
        Changed?.Invoke();
    }

    private sealed record Entry(PodMetadata Pod, DateTimeOffset? DeletedAt)
    {
        public bool IsLive(DateTimeOffset now) => DeletedAt is not { } deleted || now - deleted < DeletedRetention;
    }
}
