using System.Text.Json;

namespace NodeAgent.Kubernetes;

/// <summary>
/// The API server's part of a file's documents (CONTRACT.md, ECS kubernetes/container/orchestrator fields): written
/// once per pod change into the file's <see cref="DocumentFields"/> (and so its encoded context), never per line.
/// </summary>
/// <param name="Pod">The pod's metadata; null when only the cluster name is known (no pod found in time).</param>
/// <param name="Namespace">The namespace's metadata, for its labels.</param>
/// <param name="NamespaceLabels">Kubernetes:NamespaceLabels: write <c>kubernetes.namespace_labels.*</c>.</param>
/// <param name="ClusterName">Kubernetes:ClusterName: <c>orchestrator.cluster.name</c>.</param>
internal sealed record KubernetesFields(PodMetadata? Pod, NamespaceMetadata? Namespace, bool NamespaceLabels, string? ClusterName)
{
    /// <summary>The container the file belongs to. Its id and runtime are the current instance's, so they are used
    /// only for the file of that instance (the restart count in the file name matches), never for an older one.</summary>
    public ContainerMetadata? Container(PodLogInfo? path)
    {
        if (path is null || Pod is null || !Pod.Containers.TryGetValue(path.ContainerName, out var container))
        {
            return null;
        }

        return path.RestartCount is { } restarts && restarts != container.RestartCount
            ? container with { Id = null }
            : container;
    }

    /// <summary>Writes the fields inside the open <c>kubernetes</c> object, after <c>node</c>.</summary>
    public void WriteKubernetes(Utf8JsonWriter json)
    {
        if (Pod is not null)
        {
            WritePairs(json, "labels", Pod.Labels);
            WritePairs(json, "annotations", Pod.Annotations);
            foreach (var (kind, name) in Pod.Owners)
            {
                json.WriteStartObject(FieldName(kind));
                json.WriteString("name", name);
                json.WriteEndObject();
            }
        }

        if (NamespaceLabels && Namespace is not null)
        {
            WritePairs(json, "namespace_labels", Namespace.Labels);
        }
    }

    /// <summary>Writes <c>orchestrator</c> (ECS): the type when the pod is known, the cluster name when configured.</summary>
    public void WriteOrchestrator(Utf8JsonWriter json)
    {
        if (Pod is null && ClusterName is null)
        {
            return;
        }

        json.WriteStartObject("orchestrator");
        json.WriteString("type", "kubernetes");
        if (ClusterName is not null)
        {
            json.WriteStartObject("cluster");
            json.WriteString("name", ClusterName);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static void WritePairs(Utf8JsonWriter json, string name, IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        if (pairs.Count == 0)
        {
            return;
        }

        json.WriteStartObject(name);
        foreach (var (key, value) in pairs)
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
    }

    /// <summary>ECS <c>kubernetes.deployment.name</c>, <c>.statefulset.name</c>, <c>.daemonset.name</c>,
    /// <c>.job.name</c>, <c>.replicaset.name</c>.</summary>
    private static string FieldName(WorkloadKind kind) => kind switch
    {
        WorkloadKind.Deployment => "deployment",
        WorkloadKind.StatefulSet => "statefulset",
        WorkloadKind.DaemonSet => "daemonset",
        WorkloadKind.Job => "job",
        WorkloadKind.ReplicaSet => "replicaset",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
