namespace NodeAgent.Kubernetes;

/// <summary>What the agent keeps of a namespace: its labels (for <c>kubernetes.namespace_labels.*</c>, when asked
/// for) and whether the label <c>node-agent.io/exclude: "true"</c> keeps its pods' lines from being shipped.</summary>
internal sealed record NamespaceMetadata(string Name, IReadOnlyList<KeyValuePair<string, string>> Labels, bool Excluded)
{
    public const string ExcludeLabel = "node-agent.io/exclude";

    public static NamespaceMetadata From(NamespaceObject ns)
    {
        ArgumentNullException.ThrowIfNull(ns);
        var labels = ns.Metadata?.Labels ?? new Dictionary<string, string>();
        return new NamespaceMetadata(ns.Metadata?.Name ?? "", FieldKeys.Dedot(labels), PodMetadata.IsTrue(labels, ExcludeLabel));
    }
}
