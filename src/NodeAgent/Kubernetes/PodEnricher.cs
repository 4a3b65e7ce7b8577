
namespace NodeAgent.Kubernetes;

/// <summary>What the log loop does with a file this turn.</summary>
internal enum TailGate
{
    /// <summary>Read and ship its lines.</summary>
    Read,

    /// <summary>Leave it unread this turn: its pod's metadata may still arrive (for at most Kubernetes:MetadataWait).</summary>
    Wait,

    /// <summary>Read its lines and acknowledge them unshipped: the pod, container or namespace opted out.</summary>
    Drop,
}

/// <summary>A file's standing with its pod's metadata, owned by the log loop's thread.</summary>
internal sealed class EnrichmentState(DocumentFields fields)
{
    /// <summary>What the file's documents hold besides the line, as last enriched.</summary>
    public DocumentFields Fields { get; set; } = fields;

    /// <summary>The <see cref="PodCache.Version"/> last looked at; -1 before the first look.</summary>
    public long CacheVersion { get; set; } = -1;

    /// <summary>When the file first waited for metadata.</summary>
    public DateTimeOffset? WaitingSince { get; set; }

    /// <summary>The wait ran out: lines go with the path's fields until the metadata arrives.</summary>
    public bool GaveUp { get; set; }

    public bool Excluded { get; set; }
}

/// <summary>
/// Puts the API server's metadata into each file's <see cref="DocumentFields"/> and applies the opt-outs,
/// from <see cref="PodCache"/> only (the pipeline never calls the API server). A file is looked at again only when the
/// cache changed, so a steady node costs one integer comparison per file and turn. A new file whose pod is not known
/// yet waits, unread, up to Kubernetes:MetadataWait (the watch usually reports a new pod before kubelet starts its
/// containers); then its lines go with the fields its path gives, and the metadata joins the later lines when it comes.
/// </summary>
/// <param name="parseJson">Logs:ParseJson: every file's JSON messages go into <c>json.*</c>, not only opted-in pods'.</param>
internal sealed class PodEnricher(KubernetesOptions options, bool parseJson, PodCache? cache)
{
    private long _metadataTimeouts;

    /// <summary>Files that stopped waiting for their pod's metadata (Kubernetes:MetadataWait ran out).</summary>
    public long MetadataTimeouts => Interlocked.Read(ref _metadataTimeouts);

    /// <summary>Calls <paramref name="changed"/> after every change of the cache, until disposed.</summary>
    public IDisposable? OnChange(Action changed)
    {
        if (cache is null)
        {
            return null;
        }

        cache.Changed += changed;
        return new Unsubscribe(() => cache.Changed -= changed);
    }

    public TailGate Prepare(EnrichmentState state, DateTimeOffset now)
    {
        if (cache is null)
        {
            return TailGate.Read;
        }

        var version = cache.Version;
        if (state.CacheVersion != version)
        {
            state.CacheVersion = version;
            Refresh(state);
        }

        if (state.Excluded)
        {
            return TailGate.Drop;
        }

        // Known only once both lists are in: a pod found before the namespaces were listed could still be in an
        // opted-out namespace.
        var known = state.Fields.Kubernetes?.Pod is not null && cache.Synced;
        if (state.Fields.Pod is null || known || state.GaveUp)
        {
            return TailGate.Read;
        }

        state.WaitingSince ??= now;
        if (now - state.WaitingSince.Value < options.MetadataWait)
        {
            return TailGate.Wait;
        }

        state.GaveUp = true;
        Interlocked.Increment(ref _metadataTimeouts);
        return TailGate.Read;
    }

    private void Refresh(EnrichmentState state)
    {
        var context = state.Fields;
        var path = context.Pod;
        var current = context.Kubernetes;
        // Once matched, a file keeps what it last knew when the pod or namespace leaves the cache (deleted more than
        // five minutes ago, or a namespace deleted): its last lines keep their labels, and an opted-out pod's backlog
        // stays unshipped.
        var pod = (path is null ? null : cache!.Find(path.Namespace, path.PodName, path.PodUid)) ?? current?.Pod;
        var ns = (path is null ? null : cache!.FindNamespace(path.Namespace)) ?? current?.Namespace;
        state.Excluded = path is not null && (ns?.Excluded == true || pod?.Ships(path.ContainerName) == false);

        var json = parseJson || pod?.ParseJson == true;
        if (current is not null && ReferenceEquals(current.Pod, pod) && ReferenceEquals(current.Namespace, ns) && json == context.ParseJson)
        {
            return;
        }

        var fields = pod is null && ns is null && options.ClusterName is null
            ? null
            : new KubernetesFields(pod, ns, options.NamespaceLabels, options.ClusterName);
        state.Fields = context.With(fields, json);
    }

    private sealed class Unsubscribe(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
