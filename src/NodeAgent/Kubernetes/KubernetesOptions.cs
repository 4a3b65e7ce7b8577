namespace NodeAgent.Kubernetes;

/// <summary>The Kubernetes metadata source (the <c>Kubernetes:*</c> keys).</summary>
/// <param name="Kubeconfig">A kubeconfig file; null means the pod's service account (in-cluster config).</param>
internal sealed record KubernetesOptions(bool Enabled, string? Kubeconfig, TimeSpan MetadataWait, string? ClusterName, bool NamespaceLabels)
{
    public static KubernetesOptions Disabled { get; } = new(false, null, TimeSpan.FromSeconds(2), null, false);

    /// <summary>Kubernetes:Annotations and Kubernetes:MaxMetadataBytes.</summary>
    public MetadataLimits Metadata { get; init; } = MetadataLimits.Default;
}
