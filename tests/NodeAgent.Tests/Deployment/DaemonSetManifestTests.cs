using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NodeAgent.Hosting;
using NodeAgent.Tests.TestSupport;
using YamlDotNet.RepresentationModel;

namespace NodeAgent.Tests.Deployment;

/// <summary>
/// Checks the single-file install (daemonset.yaml at the repository root) against what the agent needs on a node,
/// following kube-prometheus's node-exporter and the Fluent Bit chart, and checks it is the current rendering of the
/// kustomize base in deploy/kubernetes.
/// </summary>
public sealed class DaemonSetManifestTests
{
    private const string Namespace = "node-agent";
    private const string RenderHint = "run deploy/render-daemonset.sh to regenerate daemonset.yaml from deploy/kubernetes";

    private static readonly string RepoRoot = Repository.Root;

    private readonly string _manifestText = File.ReadAllText(Path.Combine(RepoRoot, "daemonset.yaml"));
    private readonly IReadOnlyList<YamlMappingNode> _documents;

    public DaemonSetManifestTests() => _documents = LoadDocuments(_manifestText);

    private YamlMappingNode DaemonSet => Document("DaemonSet");

    private YamlMappingNode PodSpec => Map(DaemonSet, "spec", "template", "spec");

    private YamlMappingNode Container => Assert.IsType<YamlMappingNode>(Assert.Single(Seq(PodSpec, "containers")));

    [Fact]
    public void Manifest_HoldsExactlyTheInstallObjects_AllLabelledAndInTheAgentNamespace()
    {
        string[] expectedKinds =
            ["Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "ConfigMap", "Service", "DaemonSet"];
        Assert.Equal(expectedKinds, _documents.Select(d => Str(d, "kind")));

        string[] clusterScoped = ["Namespace", "ClusterRole", "ClusterRoleBinding"];
        foreach (var document in _documents)
        {
            var kind = Str(document, "kind");
            Assert.Equal(Namespace, Str(document, "metadata", "labels", "app.kubernetes.io/name"));
            if (clusterScoped.Contains(kind))
            {
                Assert.Null(Find(document, "metadata", "namespace"));
            }
            else
            {
                Assert.Equal(Namespace, Str(document, "metadata", "namespace"));
            }
        }

        Assert.Equal(Namespace, Str(Document("Namespace"), "metadata", "name"));
    }

    [Fact]
    public void ClusterRole_GrantsOnlyGetListWatchOnPodsAndNamespaces_ToTheAgentsServiceAccount()
    {
        var role = Document("ClusterRole");
        var grants = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in Seq(role, "rules").Cast<YamlMappingNode>())
        {
            // resourceNames would narrow, nonResourceURLs would widen: neither belongs here.
            Assert.Equal(["apiGroups", "resources", "verbs"], rule.Children.Keys.Select(Text).Order(StringComparer.Ordinal));
            foreach (var group in Strings(rule, "apiGroups"))
            {
                foreach (var resource in Strings(rule, "resources"))
                {
                    foreach (var verb in Strings(rule, "verbs"))
                    {
                        grants.Add($"{group}/{resource}:{verb}");
                    }
                }
            }
        }

        string[] expected = ["/namespaces:get", "/namespaces:list", "/namespaces:watch", "/pods:get", "/pods:list", "/pods:watch"];
        Assert.Equal(expected, grants.Order(StringComparer.Ordinal));

        var binding = Document("ClusterRoleBinding");
        var roleName = Str(role, "metadata", "name");
        Assert.Equal("ClusterRole", Str(binding, "roleRef", "kind"));
        Assert.Equal(roleName, Str(binding, "roleRef", "name"));
        var subject = Assert.IsType<YamlMappingNode>(Assert.Single(Seq(binding, "subjects")));
        Assert.Equal("ServiceAccount", Str(subject, "kind"));
        Assert.Equal(Namespace, Str(subject, "namespace"));
        Assert.Equal(Str(Document("ServiceAccount"), "metadata", "name"), Str(subject, "name"));
        Assert.Equal(Str(subject, "name"), Str(PodSpec, "serviceAccountName"));
        Assert.Equal("true", Str(PodSpec, "automountServiceAccountToken"));
    }

    [Fact]
    public void DaemonSet_RunsOnEveryLinuxNode_InTheHostsNetworkButNotItsPidNamespace()
    {
        Assert.Equal("true", Str(PodSpec, "hostNetwork"));
        // /host/proc shows the host's PID namespace anyway; sharing it would let uid 0 signal the host's root processes.
        Assert.Null(Find(PodSpec, "hostPID"));
        Assert.Null(Find(PodSpec, "hostIPC"));
        Assert.Null(Find(PodSpec, "shareProcessNamespace"));
        Assert.Equal("ClusterFirstWithHostNet", Str(PodSpec, "dnsPolicy"));
        Assert.Equal("linux", Str(PodSpec, "nodeSelector", "kubernetes.io/os"));
        Assert.Equal("system-node-critical", Str(PodSpec, "priorityClassName"));

        var toleration = Assert.IsType<YamlMappingNode>(Assert.Single(Seq(PodSpec, "tolerations")));
        Assert.Equal("Exists", Str(toleration, "operator"));
        Assert.Null(Find(toleration, "key"));
        Assert.Null(Find(toleration, "effect"));

        var env = Seq(Container, "env");
        Assert.Equal("spec.nodeName", Str(Named(env, "NODE_NAME"), "valueFrom", "fieldRef", "fieldPath"));
        // The agent recognises its own pod's log files from these (issue 11, point 1).
        Assert.Equal("metadata.name", Str(Named(env, "POD_NAME"), "valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("metadata.namespace", Str(Named(env, "POD_NAMESPACE"), "valueFrom", "fieldRef", "fieldPath"));

        Assert.Equal("ghcr.io/node-agent/node-agent:0.1.0", Str(Container, "image"));
    }

    [Fact]
    public void DaemonSet_MountsTheHostReadOnly_AndOnlyTheStateDirectoryWritable()
    {
        // (host path, mount path, read-only)
        (string Host, string Mount, bool ReadOnly)[] expected =
        [
            ("/var/log", "/var/log", true),
            // The systemd journal's volatile directory; the persistent /var/log/journal comes with /var/log.
            ("/run/log/journal", "/run/log/journal", true),
            // cri-dockerd's 0.log symlinks point here: mounted at the same path, so they resolve inside the pod.
            ("/var/lib/docker/containers", "/var/lib/docker/containers", true),
            ("/proc", "/host/proc", true),
            ("/sys", "/host/sys", true),
            ("/", "/host/root", true),
            ("/var/lib/node-agent", "/var/lib/node-agent", false),
        ];

        var volumes = Seq(PodSpec, "volumes");
        var mounts = Seq(Container, "volumeMounts");
        var hostPathVolumes = volumes.Cast<YamlMappingNode>().Where(v => Find(v, "hostPath") is not null).ToList();
        Assert.Equal(expected.Length, hostPathVolumes.Count);

        foreach (var (host, mountPath, readOnly) in expected)
        {
            var volume = Assert.Single(hostPathVolumes, v => Str(v, "hostPath", "path") == host);
            var mount = Assert.Single(mounts.Cast<YamlMappingNode>(), m => Str(m, "name") == Str(volume, "name"));
            Assert.Equal(mountPath, Str(mount, "mountPath"));
            Assert.True(readOnly == (Text(Find(mount, "readOnly")) == "true"), $"{host} at {mountPath}: readOnly should be {readOnly}");

            // Recursively read-only where the runtime can: readOnly alone leaves the file systems mounted below the
            // path on the host (cgroup, bpf under /sys...) writable. The API refuses it with mount propagation, and
            // on a writable mount.
            var propagation = Text(Find(mount, "mountPropagation"));
            var recursive = Text(Find(mount, "recursiveReadOnly"));
            if (readOnly && propagation is null or "None")
            {
                Assert.True(recursive == "IfPossible", $"{host} at {mountPath}: recursiveReadOnly should be IfPossible, not {recursive ?? "unset"}");
            }
            else
            {
                Assert.True(recursive is null, $"{host} at {mountPath}: recursiveReadOnly must be unset with readOnly {readOnly} and mountPropagation {propagation}");
            }
        }

        // Only the host root needs propagation (mounts made after the pod started must reach statfs): every other
        // host mount is recursively read-only.
        Assert.Equal(["/host/root"], mounts.Cast<YamlMappingNode>().Where(m => Find(m, "mountPropagation") is not null).Select(m => Str(m, "mountPath")));

        var root = Assert.Single(mounts.Cast<YamlMappingNode>(), m => Str(m, "mountPath") == "/host/root");
        Assert.Equal("HostToContainer", Str(root, "mountPropagation"));
        var state = Assert.Single(hostPathVolumes, v => Str(v, "hostPath", "path") == "/var/lib/node-agent");
        Assert.Equal("DirectoryOrCreate", Str(state, "hostPath", "type"));
    }

    [Fact]
    public void DaemonSet_ServesMetricsAndProbesOnPort9100()
    {
        var port = Named(Seq(Container, "ports"), "http-metrics");
        Assert.Equal("9100", Str(port, "containerPort"));
        Assert.Equal("9100", Str(port, "hostPort"));

        Assert.Equal("/healthz", Str(Container, "livenessProbe", "httpGet", "path"));
        Assert.Equal("/readyz", Str(Container, "readinessProbe", "httpGet", "path"));
        foreach (var probe in new[] { "livenessProbe", "readinessProbe" })
        {
            var probePort = Str(Container, probe, "httpGet", "port");
            Assert.True(probePort is "http-metrics" or "9100", $"{probe} must hit port 9100, not {probePort}");
        }
    }

    [Fact]
    public void DaemonSet_ContainerIsLockedDown_WithNoCapabilityAtAll()
    {
        var security = Map(Container, "securityContext");
        Assert.Equal("true", Str(security, "readOnlyRootFilesystem"));
        Assert.Equal("false", Str(security, "allowPrivilegeEscalation"));
        // uid 0 reads the 0640 root-owned log files as their owner: no CAP_DAC_READ_SEARCH, no CAP_DAC_OVERRIDE.
        Assert.Equal("0", Str(security, "runAsUser"));
        Assert.Equal("false", Str(security, "runAsNonRoot"));
        Assert.Null(Find(security, "privileged"));
        Assert.Equal(["ALL"], Strings(security, "capabilities", "drop"));
        Assert.Null(Find(security, "capabilities", "add"));
        Assert.Equal("RuntimeDefault", Str(security, "seccompProfile", "type"));
        // Nothing at the pod level loosens it again.
        Assert.Null(Find(PodSpec, "securityContext", "sysctls"));
        Assert.Null(Find(PodSpec, "securityContext", "supplementalGroups"));
    }

    [Fact]
    public void Readme_SaysWhatEachRemainingPrivilegeIsFor()
    {
        var readme = File.ReadAllText(Path.Combine(RepoRoot, "README.md"));
        var start = readme.IndexOf("\n## Deploy on Kubernetes\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README has no \"Deploy on Kubernetes\" section");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = readme[start..(end < 0 ? readme.Length : end)];

        // One row of the privileges table per remaining privilege: the host network, the uid, each host path.
        var privileges = new List<string> { "`hostNetwork`", "uid 0" };
        privileges.AddRange(Seq(PodSpec, "volumes").Cast<YamlMappingNode>()
            .Where(v => Find(v, "hostPath") is not null)
            .Select(v => $"`{Str(v, "hostPath", "path")}`"));
        foreach (var privilege in privileges)
        {
            Assert.True(section.Contains($"\n| {privilege}", StringComparison.Ordinal), $"README's deployment section has no row saying what {privilege} is for");
        }

        Assert.Contains("`recursiveReadOnly: IfPossible`", section, StringComparison.Ordinal);
    }

    [Fact]
    public void DaemonSet_HasResourcesRolloutAndGracePeriod()
    {
        Assert.Equal("50m", Str(Container, "resources", "requests", "cpu"));
        Assert.Equal("64Mi", Str(Container, "resources", "requests", "memory"));
        Assert.Equal("256Mi", Str(Container, "resources", "limits", "memory"));
        // No CPU limit: throttling would delay scrapes.
        Assert.Null(Find(Container, "resources", "limits", "cpu"));

        Assert.Equal("RollingUpdate", Str(DaemonSet, "spec", "updateStrategy", "type"));
        Assert.Equal("10%", Str(DaemonSet, "spec", "updateStrategy", "rollingUpdate", "maxUnavailable"));

        // The agent's Shutdown:Timeout defaults to 20s; the kubelet's SIGKILL must come later.
        var grace = int.Parse(Str(PodSpec, "terminationGracePeriodSeconds"), NumberStyles.None, CultureInfo.InvariantCulture);
        Assert.True(grace >= 25, $"terminationGracePeriodSeconds {grace} leaves no room after Shutdown:Timeout (20s)");

        var selector = Map(DaemonSet, "spec", "selector", "matchLabels");
        var podLabels = Map(DaemonSet, "spec", "template", "metadata", "labels");
        foreach (var (key, value) in selector.Children)
        {
            Assert.Equal(Text(value), Str(podLabels, Text(key) ?? string.Empty));
        }
    }

    [Fact]
    public void ConfigMap_SetsTheHostPaths_AndIsTheOneMountedAtEtcNodeAgent()
    {
        var configMap = Document("ConfigMap");
        var name = Str(configMap, "metadata", "name");
        Assert.StartsWith("node-agent-config-", name, StringComparison.Ordinal);
        Assert.True(name.Length > "node-agent-config-".Length, "the ConfigMap name should carry kustomize's content hash");

        using var config = JsonDocument.Parse(Str(configMap, "data", "config.json"));
        var root = config.RootElement;
        Assert.Equal("/host/proc", root.GetProperty("Host").GetProperty("ProcPath").GetString());
        Assert.Equal("/host/sys", root.GetProperty("Host").GetProperty("SysPath").GetString());
        Assert.Equal("/host/root", root.GetProperty("Host").GetProperty("RootPath").GetString());
        Assert.Equal("/var/lib/node-agent", root.GetProperty("Logs").GetProperty("StatePath").GetString());

        // Unknown keys make the agent exit 2, so every key in the file must be one the agent accepts.
        foreach (var section in root.EnumerateObject())
        {
            foreach (var key in section.Value.EnumerateObject())
            {
                Assert.True(ConfigSchema.Find($"{section.Name}:{key.Name}") is not null, $"{section.Name}:{key.Name} is not a config key");
            }
        }

        var volume = Assert.Single(Seq(PodSpec, "volumes").Cast<YamlMappingNode>(), v => Find(v, "configMap") is not null);
        Assert.Equal(name, Str(volume, "configMap", "name"));
        var mount = Assert.Single(Seq(Container, "volumeMounts").Cast<YamlMappingNode>(), m => Str(m, "name") == Str(volume, "name"));
        Assert.Equal("/etc/node-agent", Str(mount, "mountPath"));
        Assert.Equal("true", Str(mount, "readOnly"));
    }

    [Fact]
    public void Service_IsHeadlessAndAnnotatedForPrometheusOnPort9100()
    {
        var service = Document("Service");
        Assert.Equal("true", Str(service, "metadata", "annotations", "prometheus.io/scrape"));
        Assert.Equal("9100", Str(service, "metadata", "annotations", "prometheus.io/port"));
        Assert.Equal("None", Str(service, "spec", "clusterIP"));

        var port = Named(Seq(service, "spec", "ports"), "http-metrics");
        Assert.Equal("9100", Str(port, "port"));

        var selector = Map(service, "spec", "selector");
        Assert.Equal(Namespace, Str(selector, "app.kubernetes.io/name"));
        var podLabels = Map(DaemonSet, "spec", "template", "metadata", "labels");
        foreach (var (key, value) in selector.Children)
        {
            Assert.Equal(Text(value), Str(podLabels, Text(key) ?? string.Empty));
        }
    }

    [ToolFact("kubectl")]
    public async Task Manifest_IsTheCurrentRenderingOfTheKustomizeBase()
    {
        var start = new ProcessStartInfo(RequiredTool.Path("kubectl"))
        {
            WorkingDirectory = RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("kustomize");
        start.ArgumentList.Add("deploy/kubernetes");

        using (var process = Process.Start(start) ?? throw new InvalidOperationException("kubectl did not start"))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"kubectl kustomize deploy/kubernetes failed: {await stderr}");

            var rendered = Normalize(await stdout);
            var committed = Normalize(StripLeadingComments(_manifestText));
            Assert.True(
                string.Equals(rendered, committed, StringComparison.Ordinal),
                $"daemonset.yaml differs from `kubectl kustomize deploy/kubernetes`: {RenderHint}");
        }
    }

    private static List<YamlMappingNode> LoadDocuments(string text)
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(text))
        {
            stream.Load(reader);
        }

        return stream.Documents.Select(d => Assert.IsType<YamlMappingNode>(d.RootNode)).ToList();
    }

    private static string StripLeadingComments(string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        return string.Join('\n', lines.SkipWhile(l => l.StartsWith('#')));
    }

    private static string Normalize(string text) => text.ReplaceLineEndings("\n").TrimEnd('\n');

    private YamlMappingNode Document(string kind) => Assert.Single(_documents, d => Str(d, "kind") == kind);

    // A tiny path helper: keys one level at a time, so keys holding dots (kubernetes.io/os) need no escaping.
    private static YamlNode? Find(YamlNode node, params string[] path)
    {
        var current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    private static string? Text(YamlNode? node) => (node as YamlScalarNode)?.Value;

    private static YamlNode Get(YamlNode node, string[] path) =>
        Find(node, path) ?? throw new Xunit.Sdk.XunitException($"missing {string.Join('.', path)}");

    private static string Str(YamlNode node, params string[] path) =>
        Assert.IsType<YamlScalarNode>(Get(node, path)).Value ?? string.Empty;

    private static YamlMappingNode Map(YamlNode node, params string[] path) => Assert.IsType<YamlMappingNode>(Get(node, path));

    private static YamlSequenceNode Seq(YamlNode node, params string[] path) => Assert.IsType<YamlSequenceNode>(Get(node, path));

    private static List<string> Strings(YamlNode node, params string[] path) =>
        Seq(node, path).Select(n => Assert.IsType<YamlScalarNode>(n).Value ?? string.Empty).ToList();

    private static YamlMappingNode Named(YamlSequenceNode items, string name) =>
        Assert.Single(items.Cast<YamlMappingNode>(), i => Text(Find(i, "name")) == name);
}
