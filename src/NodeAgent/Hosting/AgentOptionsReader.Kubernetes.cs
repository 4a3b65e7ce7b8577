using NodeAgent.Kubernetes;

namespace NodeAgent.Hosting;

/// <summary>The <c>Kubernetes:*</c> keys: whether to watch, and with which credentials.</summary>
internal sealed partial class AgentOptionsReader
{
    private KubernetesOptions ReadKubernetes()
    {
        var kubeconfig = Text("Kubernetes:Kubeconfig");
        var inCluster = k8s.KubernetesClientConfiguration.IsInCluster();
        var explicitlyEnabled = Parse("Kubernetes:Enabled", ConfigValues.ParseBool, ConfigValues.BoolExpected);
        var enabled = explicitlyEnabled ?? (inCluster || kubeconfig is not null);
        if (kubeconfig is not null && !File.Exists(kubeconfig))
        {
            Error("Kubernetes:Kubeconfig", $"file {kubeconfig} does not exist (expected a kubeconfig file)");
        }
        else if (kubeconfig is not null && explicitlyEnabled != false && KubeconfigProblem(kubeconfig) is { } problem)
        {
            Error("Kubernetes:Kubeconfig", $"{kubeconfig} is not a usable kubeconfig: {problem}");
        }
        else if (enabled && kubeconfig is null && !inCluster)
        {
            Error("Kubernetes:Enabled", "is true but this is not a pod with a service account (KUBERNETES_SERVICE_HOST unset or no token "
                + "under /var/run/secrets/kubernetes.io/serviceaccount); set Kubernetes:Kubeconfig, or Kubernetes:Enabled=false");
        }

        var wait = Duration("Kubernetes:MetadataWait");
        if (wait < TimeSpan.Zero)
        {
            Error("Kubernetes:MetadataWait", "is negative (expected a duration such as 2s, or 0 not to wait)");
        }

        return new KubernetesOptions(enabled, kubeconfig, wait, Text("Kubernetes:ClusterName"), Bool("Kubernetes:NamespaceLabels"))
        {
            Metadata = new Kubernetes.MetadataLimits(List("Kubernetes:Annotations"), (int)Math.Min(Size("Kubernetes:MaxMetadataBytes"), int.MaxValue)),
        };
    }

    /// <summary>What the official client says about a kubeconfig (YAML, contexts, cluster, credentials), or null when
    /// it loads: a typo there is a configuration error at start, not a crash later.</summary>
    private static string? KubeconfigProblem(string path)
    {
        try
        {
            var config = k8s.KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
            if (string.IsNullOrWhiteSpace(config.Host))
            {
                return "its current context names no cluster server";
            }

            // The server URL is logged when the watch starts: credentials belong in the kubeconfig's user entry.
            return Uri.TryCreate(config.Host, UriKind.Absolute, out var server) && server.UserInfo.Length > 0
                ? $"its cluster server {WithoutUserInfo(config.Host)} holds credentials (user info before '@'); "
                    + "put them in the kubeconfig's user entry (token, client certificate or username/password)"
                : null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return e.Message.ReplaceLineEndings(" ");
        }
    }
}
