using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class IpvsCollectorTests
{
    private static NodePaths Tree(TempDirectory tree) => new(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), tree.Path);

    [Fact]
    public void Totals_are_counters_and_backends_carry_all_six_labels_by_default()
    {
        var (result, text) = CollectorHarness.Collect(new IpvsCollector(CollectorHarness.Context()));
        var samples = CollectorHarness.Samples(text);

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["node_ipvs_backend_connections_active"] = "gauge",
                ["node_ipvs_backend_connections_inactive"] = "gauge",
                ["node_ipvs_backend_weight"] = "gauge",
                ["node_ipvs_connections_total"] = "counter",
                ["node_ipvs_incoming_bytes_total"] = "counter",
                ["node_ipvs_incoming_packets_total"] = "counter",
                ["node_ipvs_outgoing_bytes_total"] = "counter",
                ["node_ipvs_outgoing_packets_total"] = "counter",
            },
            CollectorHarness.Types(text));
        Assert.Equal(
            [
                "node_ipvs_connections_total 2.3765872e+07",
                "node_ipvs_incoming_bytes_total 3.51529371706e+11",
                "node_ipvs_incoming_packets_total 3.811989221e+09",
                "node_ipvs_outgoing_bytes_total 0",
                "node_ipvs_outgoing_packets_total 0",
            ],
            samples.Where(s => !s.StartsWith("node_ipvs_backend", StringComparison.Ordinal)));
        Assert.Equal(15, samples.Count(s => s.StartsWith("node_ipvs_backend_weight{", StringComparison.Ordinal)));
        Assert.Equal(
            "node_ipvs_backend_connections_active{local_address=\"\",local_mark=\"10001000\",local_port=\"0\",proto=\"FWM\",remote_address=\"192.168.50.21\",remote_port=\"3306\"} 1",
            samples[0]);
        Assert.Contains(
            "node_ipvs_backend_connections_inactive{local_address=\"2620::1\",local_mark=\"\",local_port=\"80\",proto=\"TCP\",remote_address=\"2620::2\",remote_port=\"80\"} 4",
            samples);
        Assert.Contains(
            "node_ipvs_backend_weight{local_address=\"192.168.0.55\",local_mark=\"\",local_port=\"53\",proto=\"UDP\",remote_address=\"192.168.50.21\",remote_port=\"53\"} 1",
            samples);
    }

    [Fact]
    public void Backends_sharing_the_chosen_labels_are_summed()
    {
        var options = IpvsOptions.Parse("remote_port,,local_port");

        var samples = CollectorHarness.Samples(CollectorHarness.Collect(new IpvsCollector(CollectorHarness.Context(), options)).Text);

        Assert.Equal(["local_port", "remote_port"], options.BackendLabels);
        Assert.Equal(
            [
                "node_ipvs_backend_connections_active{local_port=\"0\",remote_port=\"3306\"} 5",
                "node_ipvs_backend_connections_active{local_port=\"3306\",remote_port=\"3306\"} 744",
                "node_ipvs_backend_connections_active{local_port=\"53\",remote_port=\"53\"} 0",
                "node_ipvs_backend_connections_active{local_port=\"80\",remote_port=\"80\"} 2998",
            ],
            samples.Where(s => s.StartsWith("node_ipvs_backend_connections_active", StringComparison.Ordinal)));
        Assert.Contains("node_ipvs_backend_weight{local_port=\"3306\",remote_port=\"3306\"} 600", samples);
    }

    [Fact]
    public void Unknown_backend_labels_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => IpvsOptions.Parse("proto,zone,area"));
        Assert.Contains("\"area, zone\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_ipvs_there_is_no_data()
    {
        using var empty = new TempDirectory();

        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new IpvsCollector(CollectorHarness.Context(Tree(empty)))).Result);
    }

    [Fact]
    public void A_malformed_backend_file_is_an_error()
    {
        using var tree = new TempDirectory();
        tree.Write("proc/net/ip_vs_stats", File.ReadAllText(Repository.Fixture("node", "proc", "net", "ip_vs_stats")));
        tree.Write("proc/net/ip_vs", "TCP  C0A80016:0CEA wlc\n  -> C0A85216:0CEA      Tunnel  heavy    248        2\n");

        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new IpvsCollector(CollectorHarness.Context(Tree(tree)))));
        Assert.Contains("ip_vs", error.Message, StringComparison.Ordinal);
    }
}
