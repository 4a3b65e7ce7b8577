using System.Text;

namespace NodeAgent.KubernetesApiEmulation;

/// <summary>A kubeconfig (clientcmd v1 Config) with one cluster, one user and one context, as kubectl and the client
/// libraries read it. Written by hand: every value is a URL, a base64 blob or a plain name, none needs YAML quoting
/// beyond the double quotes used here.</summary>
internal static class Kubeconfig
{
    public static string Render(Uri server, string? token, string context, string? certificatePem)
    {
        var yaml = new StringBuilder();
        yaml.Append("apiVersion: v1\n");
        yaml.Append("kind: Config\n");
        yaml.Append("clusters:\n");
        yaml.Append($"- name: \"{context}\"\n");
        yaml.Append("  cluster:\n");
        yaml.Append($"    server: \"{server.GetLeftPart(UriPartial.Authority)}\"\n");
        if (certificatePem is not null)
        {
            yaml.Append($"    certificate-authority-data: \"{Convert.ToBase64String(Encoding.ASCII.GetBytes(certificatePem))}\"\n");
        }

        yaml.Append("users:\n");
        yaml.Append($"- name: \"{context}\"\n");
        yaml.Append("  user:\n");
        yaml.Append(token is null ? "    {}\n" : $"    token: \"{token}\"\n");
        yaml.Append("contexts:\n");
        yaml.Append($"- name: \"{context}\"\n");
        yaml.Append("  context:\n");
        yaml.Append($"    cluster: \"{context}\"\n");
        yaml.Append($"    user: \"{context}\"\n");
        yaml.Append("    namespace: default\n");
        yaml.Append($"current-context: \"{context}\"\n");
        yaml.Append("preferences: {}\n");
        return yaml.ToString();
    }
}
