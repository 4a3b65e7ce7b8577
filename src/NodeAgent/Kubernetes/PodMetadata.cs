using System.Collections.Frozen;

namespace NodeAgent.Kubernetes;

/// <summary>The workload that owns a pod, as ECS's <c>kubernetes.&lt;kind&gt;.name</c> fields name it.</summary>
internal enum WorkloadKind
{
    Deployment,
    StatefulSet,
    DaemonSet,
    Job,
    ReplicaSet,
}

/// <summary>One container of a pod: its image and the runtime's id (<c>containerd://&lt;id&gt;</c> split in two) of its
/// current instance, which is the <paramref name="RestartCount"/>-th (kubelet writes it to <c>&lt;restarts&gt;.log</c>).</summary>
internal sealed record ContainerMetadata(string Name, string? Image, string? Runtime, string? Id, int RestartCount);

/// <summary>
/// What the agent keeps of one pod from the API server: only the fields that go into documents or decide what is
/// shipped, already in document form (label and annotation keys de-dotted), so that a watch event costs one small
/// object and a document none. Immutable: a change in the API is a new instance, which is how a file's context knows
/// it has to be encoded again.
/// </summary>
internal sealed record PodMetadata(
    string Namespace,
    string Name,
    string Uid,
    string? NodeName,
    string? PodIp,
    IReadOnlyList<KeyValuePair<string, string>> Labels,
    IReadOnlyList<KeyValuePair<string, string>> Annotations,
    IReadOnlyList<(WorkloadKind Kind, string Name)> Owners,
    FrozenDictionary<string, ContainerMetadata> Containers,
    bool Excluded,
    FrozenSet<string> ExcludedContainers,
    bool ParseJson)
{
    /// <summary>A static pod's mirror carries this annotation: the hash kubelet names the pod's log directory with
    /// (<c>/var/log/pods/&lt;ns&gt;_&lt;name&gt;_&lt;hash&gt;</c>) instead of the mirror pod's API uid.</summary>
    public const string ConfigMirrorAnnotation = "kubernetes.io/config.mirror";

    /// <summary>Labels and annotations left out of documents because they did not fit <see cref="MetadataLimits"/>.</summary>
    public int DroppedPairs { get; init; }

    /// <summary>For a static pod's mirror, the uid its log directory is named with; null otherwise.</summary>
    public string? ConfigMirror { get; init; }

    /// <summary>Annotation: <c>"true"</c> ships none of the pod's lines.</summary>
    public const string ExcludeAnnotation = "node-agent.io/exclude";

    /// <summary>Annotation: comma-separated container names whose lines are not shipped.</summary>
    public const string ExcludeContainersAnnotation = "node-agent.io/exclude-containers";

    /// <summary>Annotation: <c>json</c> parses each message that is a JSON object into <c>json.*</c>.</summary>
    public const string ParseAnnotation = "node-agent.io/parse";

    /// <summary>Annotation: how the pod's lines are joined into multiline messages (<c>auto</c>, <c>none</c>, a
    /// language or a custom rule's name), over <c>Logs:Multiline</c>.</summary>
    public const string MultilineAnnotation = "node-agent.io/multiline";

    /// <summary>The <see cref="MultilineAnnotation"/>'s value, trimmed; null when the pod has none.</summary>
    public string? Multiline { get; init; }

    /// <summary>
    /// kubectl apply keeps a copy of the whole manifest in this annotation: kilobytes of JSON that would be repeated
    /// in every document of the pod. Left out (Fluent Bit users strip it with a filter; here it is the default).
    /// </summary>
    private const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    /// <summary>The label a Deployment's ReplicaSet and its pods carry: the ReplicaSet is named
    /// <c>&lt;deployment&gt;-&lt;hash&gt;</c> (kubernetes pkg/controller/deployment/sync.go getNewReplicaSet).</summary>
    private const string PodTemplateHashLabel = "pod-template-hash";

    public static PodMetadata From(PodObject pod) => From(pod, MetadataLimits.Default with { Annotations = ["*"] });

    public static PodMetadata From(PodObject pod, MetadataLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(pod);
        var meta = pod.Metadata ?? throw new ArgumentException("a pod without metadata", nameof(pod));
        var labels = meta.Labels ?? new Dictionary<string, string>();
        var annotations = meta.Annotations ?? new Dictionary<string, string>();
        annotations.TryGetValue(ExcludeContainersAnnotation, out var excludedContainers);
        annotations.TryGetValue(ParseAnnotation, out var parse);
        var (keptLabels, keptAnnotations, dropped) = limits.Fit(
            FieldKeys.Dedot(labels),
            FieldKeys.Dedot(annotations.Where(a => a.Key != LastAppliedAnnotation && limits.IncludesAnnotation(a.Key))));
        return new PodMetadata(
            meta.Namespace ?? "",
            meta.Name ?? "",
            meta.Uid ?? "",
            pod.Spec?.NodeName,
            pod.Status?.PodIp,
            keptLabels,
            keptAnnotations,
            Workloads(meta.OwnerReferences, labels),
            ContainersOf(pod),
            IsTrue(annotations, ExcludeAnnotation),
            (excludedContainers ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToFrozenSet(StringComparer.Ordinal),
            string.Equals(parse?.Trim(), "json", StringComparison.OrdinalIgnoreCase))
        {
            ConfigMirror = annotations.GetValueOrDefault(ConfigMirrorAnnotation),
            DroppedPairs = dropped,
            Multiline = annotations.TryGetValue(MultilineAnnotation, out var multiline) ? multiline.Trim() : null,
        };
    }

    /// <summary>Whether the container's lines are shipped at all.</summary>
    public bool Ships(string containerName) => !Excluded && !ExcludedContainers.Contains(containerName);

    internal static bool IsTrue(Dictionary<string, string> values, string key) =>
        values.TryGetValue(key, out var value) && string.Equals(value.Trim(), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The controlling owner, and for a ReplicaSet the Deployment behind it. The Deployment's name is read from the
    /// ReplicaSet's own name minus the pod-template-hash suffix, so no ReplicaSet has to be fetched (and the agent
    /// needs no RBAC on apps/v1): a ReplicaSet made by hand, without that suffix, is reported as a ReplicaSet only.
    /// </summary>
    private static IReadOnlyList<(WorkloadKind, string)> Workloads(List<OwnerReference>? owners, Dictionary<string, string> labels)
    {
        var owner = owners?.FirstOrDefault(o => o.Controller == true) ?? owners?.FirstOrDefault();
        if (owner?.Name is not { Length: > 0 } name)
        {
            return [];
        }

        switch (owner.Kind)
        {
            case "ReplicaSet":
                if (labels.TryGetValue(PodTemplateHashLabel, out var hash) && hash.Length > 0
                    && name.Length > hash.Length + 1 && name.EndsWith("-" + hash, StringComparison.Ordinal))
                {
                    return [(WorkloadKind.Deployment, name[..^(hash.Length + 1)]), (WorkloadKind.ReplicaSet, name)];
                }

                return [(WorkloadKind.ReplicaSet, name)];
            case "StatefulSet":
                return [(WorkloadKind.StatefulSet, name)];
            case "DaemonSet":
                return [(WorkloadKind.DaemonSet, name)];
            case "Job":
                return [(WorkloadKind.Job, name)];
            default:
                return [];
        }
    }

    /// <summary>Every container the pod runs or ran (init and ephemeral ones write logs too), keyed by name.</summary>
    private static FrozenDictionary<string, ContainerMetadata> ContainersOf(PodObject pod)
    {
        var images = new Dictionary<string, string?>(StringComparer.Ordinal);
        var specs = (pod.Spec?.InitContainers ?? []).Concat(pod.Spec?.Containers ?? []).Concat(pod.Spec?.EphemeralContainers ?? []);
        foreach (var container in specs)
        {
            if (container.Name is { } name)
            {
                images[name] = container.Image;
            }
        }

        var result = new Dictionary<string, ContainerMetadata>(StringComparer.Ordinal);
        foreach (var (name, image) in images)
        {
            result[name] = new ContainerMetadata(name, image, null, null, 0);
        }

        var statuses = (pod.Status?.InitContainerStatuses ?? [])
            .Concat(pod.Status?.ContainerStatuses ?? [])
            .Concat(pod.Status?.EphemeralContainerStatuses ?? []);
        foreach (var status in statuses)
        {
            if (status.Name is null)
            {
                continue;
            }

            var (runtime, id) = SplitContainerId(status.ContainerId);
            // The spec's image is what the user wrote (the name Kibana users search for); the status may hold the
            // resolved digest instead, so it only fills a gap.
            var image = images.GetValueOrDefault(status.Name) ?? status.Image;
            result[status.Name] = new ContainerMetadata(status.Name, image, runtime, id, status.RestartCount);
        }

        return result.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary><c>containerd://0123…</c> → (<c>containerd</c>, <c>0123…</c>); the CRI's <c>&lt;type&gt;://&lt;id&gt;</c>.</summary>
    internal static (string? Runtime, string? Id) SplitContainerId(string? containerId)
    {
        if (string.IsNullOrEmpty(containerId))
        {
            return (null, null);
        }

        var separator = containerId.IndexOf("://", StringComparison.Ordinal);
        return separator > 0 ? (containerId[..separator], containerId[(separator + 3)..]) : (null, containerId);
    }
}
