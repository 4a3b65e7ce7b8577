namespace NodeAgent.Tests.TestSupport;

/// <summary>A kubeconfig the official client loads (one cluster, one user with a token, one context), for tests of
/// how the configuration reads it; nothing ever connects to its server.</summary>
internal static class TestKubeconfig
{
    public static string Yaml(string server = "https://127.0.0.1:6443") => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: local
          cluster:
            server: {server}
            insecure-skip-tls-verify: true
        users:
        - name: me
          user:
            token: abc
        contexts:
        - name: local
          context:
            cluster: local
            user: me
        current-context: local
        """;
}
