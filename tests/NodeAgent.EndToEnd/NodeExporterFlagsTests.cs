using System.Net;
using NodeAgent.EndToEnd.Support;

namespace NodeAgent.EndToEnd;

/// <summary>
/// The agent binary started as a node_exporter DaemonSet starts node_exporter: kube-prometheus's command line, with
/// its host paths pointed at the repository's fixture node (tests/fixtures/node) and a free loopback port. It must
/// serve the node's metrics as the flags ask, and nothing else: no log pipeline, no document shipped.
/// </summary>
public sealed class NodeExporterFlagsTests
{
    private static readonly string FixtureNode = Path.Combine(RepositoryRoot(), "tests", "fixtures", "node");

    /// <summary>kube-prometheus's node-exporter arguments (manifests/nodeExporter-daemonset.yaml), /host/* replaced by
    /// the fixture node; --path.procfs added, as the pod has the host's /proc through hostPID.</summary>
    private static readonly string[] KubePrometheusArguments =
    [
        "--web.listen-address=127.0.0.1:0",
        $"--path.procfs={FixtureNode}/proc",
        $"--path.sysfs={FixtureNode}/sys",
        $"--path.rootfs={FixtureNode}/root",
        $"--path.udev.data={FixtureNode}/root/run/udev/data",
        "--no-collector.wifi",
        "--no-collector.hwmon",
        "--no-collector.btrfs",
        "--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run/k3s/containerd/.+|var/lib/docker/.+|var/lib/kubelet/pods/.+)($|/)",
        "--collector.netclass.ignored-devices=^(veth.*|[a-f0-9]{15})$",
        "--collector.netdev.device-exclude=^(veth.*|[a-f0-9]{15})$",
        // netdev reads rtnetlink by default, as node_exporter: the agent's own network namespace, not the fixture's
        // /proc/net/dev. A DaemonSet with hostNetwork sees the node's interfaces that way; here the fixture's are wanted.
        "--no-collector.netdev.netlink",
    ];

    private static Dictionary<string, string> Node(string name) => new() { ["NODE_NAME"] = name };

    [Fact]
    public async Task A_kube_prometheus_command_line_serves_the_node_metrics_it_asks_for_and_ships_no_logs()
    {
        await using var agent = AgentProcess.Start(KubePrometheusArguments, Node("e2e-ne-" + Guid.NewGuid().ToString("N")[..8]));
        var address = await agent.WaitUntilServingAsync(TimeSpan.FromSeconds(30));
        using var http = new HttpClient { BaseAddress = address };
        var text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var index = await http.GetStringAsync(new Uri("/", UriKind.Relative));
        agent.Signal(AgentProcess.SigTerm);
        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(20)));

        var families = Exposition.Parse(text);
        var collectors = families["node_scrape_collector_success"].Samples.Select(s => s.Labels["collector"]).ToHashSet(StringComparer.Ordinal);

        // The fixture node's metrics, read under the paths the flags gave.
        Assert.Contains(families["node_network_receive_bytes_total"].Samples, s => s.Labels["device"] == "eth0" && s.Value == 172911089);
        Assert.Contains(families["node_disk_info"].Samples, s => s.Labels.ContainsKey("serial"));
        Assert.Contains("meminfo", collectors);

        // The collectors switched off are off; node_exporter's defaults are on.
        Assert.DoesNotContain("hwmon", collectors);
        Assert.DoesNotContain("btrfs", collectors);
        Assert.DoesNotContain(families.Keys, name => name.StartsWith("node_hwmon_", StringComparison.Ordinal) || name.StartsWith("node_btrfs_", StringComparison.Ordinal));
        Assert.Contains("netclass", collectors);

        // kube-prometheus's mount point filter replaced node_exporter's default, which leaves /run/credentials/* out.
        Assert.Contains(families["node_filesystem_device_error"].Samples, s => s.Labels["mountpoint"] == "/run/credentials/systemd-journald.service");
        Assert.DoesNotContain(families["node_filesystem_device_error"].Samples, s => s.Labels["mountpoint"].StartsWith("/sys", StringComparison.Ordinal));

        // Metrics only: no log pipeline, so nothing read, no document on stdout, no warning about a missing output.
        Assert.DoesNotContain(families.Keys, name => name.StartsWith("nodeagent_log_", StringComparison.Ordinal));
        Assert.Contains("<p>Log pipeline off.</p>", index, StringComparison.Ordinal);
        Assert.DoesNotContain(agent.Stdout.Concat(agent.Stderr), line => line.Contains("\"@timestamp\"", StringComparison.Ordinal));
        Assert.DoesNotContain(agent.Logs, line => line.Contains("Elasticsearch:Urls is not set", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_web_flags_move_the_metrics_and_leave_out_the_agents_own_families()
    {
        await using var agent = AgentProcess.Start(
            [
                "--web.listen-address", "127.0.0.1:0", "--web.telemetry-path=/node-metrics", "--web.disable-exporter-metrics",
                $"--path.procfs={FixtureNode}/proc", $"--path.sysfs={FixtureNode}/sys", $"--path.rootfs={FixtureNode}/root",
                "--collector.disable-defaults", "--collector.loadavg",
            ],
            Node("e2e-ne-" + Guid.NewGuid().ToString("N")[..8]));
        var address = await agent.WaitUntilServingAsync(TimeSpan.FromSeconds(30));
        using var http = new HttpClient { BaseAddress = address };

        var text = await http.GetStringAsync(new Uri("/node-metrics", UriKind.Relative));
        using var old = await http.GetAsync(new Uri("/metrics", UriKind.Relative));
        var index = await http.GetStringAsync(new Uri("/", UriKind.Relative));

        var families = Exposition.Parse(text);
        Assert.Equal(["loadavg"], families["node_scrape_collector_success"].Samples.Select(s => s.Labels["collector"]));
        Assert.Contains("node_load1", families.Keys);
        Assert.Contains("nodeagent_build_info", families.Keys);
        Assert.DoesNotContain(families.Keys, name => name.StartsWith("process_", StringComparison.Ordinal) || name.StartsWith("promhttp_", StringComparison.Ordinal)
            || (name.StartsWith("nodeagent_", StringComparison.Ordinal) && name != "nodeagent_build_info"));
        Assert.Equal(HttpStatusCode.NotFound, old.StatusCode);
        Assert.Contains("<a href=\"/node-metrics\">", index, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_exporter_flag_the_agent_does_not_implement_is_exit_2_naming_it()
    {
        var (exitCode, stdout, stderr) = await AgentProcess.RunToExitAsync("--web.listen-address=127.0.0.1:0", "--no-collector.wifi", "--collector.ntp.server=10.0.0.1");

        Assert.Equal(2, exitCode);
        Assert.Empty(stdout);
        Assert.Equal(
            ["node-agent: invalid configuration: command line: --collector.ntp.server: node_exporter flag not implemented by NodeAgent (the ntp collector is not implemented)"],
            stderr);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NodeAgent.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("NodeAgent.sln not found above " + AppContext.BaseDirectory);
    }
}
