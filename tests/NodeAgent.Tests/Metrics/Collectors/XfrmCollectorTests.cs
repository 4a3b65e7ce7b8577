using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Procfs;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class XfrmCollectorTests : IDisposable
{
    private readonly TempDirectory _tree = new();

    public void Dispose() => _tree.Dispose();

    private XfrmCollector Collector() => new(CollectorHarness.Context(new NodePaths(Path.Join(_tree.Path, "proc"), _tree.Path, _tree.Path)));

    [Fact]
    public void Each_counter_is_one_family_in_name_order()
    {
        // Every counter with a distinct value: its position in procfs' order, plus one.
        _tree.Write("proc/net/xfrm_stat", string.Concat(XfrmStat.Names.Select((name, i) => $"{name,-32}{i + 1}\n")));

        var (result, text) = CollectorHarness.Collect(Collector());

        Assert.Equal(CollectResult.Success, result);
        Assert.StartsWith(
            """
            # HELP node_xfrm_acquire_error_packets_total State hasn’t been fully acquired before use
            # TYPE node_xfrm_acquire_error_packets_total counter
            node_xfrm_acquire_error_packets_total 28
            # HELP node_xfrm_fwd_hdr_error_packets_total Forward routing of a packet is not allowed
            # TYPE node_xfrm_fwd_hdr_error_packets_total counter
            node_xfrm_fwd_hdr_error_packets_total 26
            # HELP node_xfrm_in_buffer_error_packets_total No buffer is left
            # TYPE node_xfrm_in_buffer_error_packets_total counter
            node_xfrm_in_buffer_error_packets_total 2
            """, text, StringComparison.Ordinal);
        var samples = CollectorHarness.Samples(text);
        Assert.Equal(28, samples.Count);
        Assert.Equal(samples.Order(StringComparer.Ordinal), samples);
        Assert.Contains("node_xfrm_out_state_seq_error_packets_total 21", samples);
        Assert.Contains("node_xfrm_in_state_mismatch_packets_total 9", samples);
        Assert.Equal(Enumerable.Range(1, 28), samples.Select(s => int.Parse(s.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)).Order());
    }

    [Fact]
    public void It_is_off_by_default_and_a_kernel_without_the_file_is_no_data()
    {
        Assert.False(XfrmCollector.Descriptor.EnabledByDefault);
        Assert.Equal((CollectResult.NoData, ""), CollectorHarness.Collect(Collector()));
    }
}
