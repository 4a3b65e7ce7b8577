using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class SoftirqsCollectorTests
{
    [Fact]
    public void Each_vector_on_each_cpu_is_a_counter_sorted_by_cpu_then_type()
    {
        var (result, text) = CollectorHarness.Collect(new SoftirqsCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_softirqs_functions_total Softirq counts per CPU.
            # TYPE node_softirqs_functions_total counter
            node_softirqs_functions_total{cpu="0",type="BLOCK"} 0
            node_softirqs_functions_total{cpu="0",type="HI"} 0
            node_softirqs_functions_total{cpu="0",type="HRTIMER"} 22447
            node_softirqs_functions_total{cpu="0",type="IRQ_POLL"} 0
            node_softirqs_functions_total{cpu="0",type="NET_RX"} 718066
            node_softirqs_functions_total{cpu="0",type="NET_TX"} 3
            node_softirqs_functions_total{cpu="0",type="RCU"} 3.656243e+06
            node_softirqs_functions_total{cpu="0",type="SCHED"} 1.424591e+06
            node_softirqs_functions_total{cpu="0",type="TASKLET"} 7
            node_softirqs_functions_total{cpu="0",type="TIMER"} 1.243623e+06
            node_softirqs_functions_total{cpu="1",type="BLOCK"} 2.069901e+06
            node_softirqs_functions_total{cpu="1",type="HI"} 0
            node_softirqs_functions_total{cpu="1",type="HRTIMER"} 19665
            node_softirqs_functions_total{cpu="1",type="IRQ_POLL"} 0
            node_softirqs_functions_total{cpu="1",type="NET_RX"} 854396
            node_softirqs_functions_total{cpu="1",type="NET_TX"} 1
            node_softirqs_functions_total{cpu="1",type="RCU"} 3.871944e+06
            node_softirqs_functions_total{cpu="1",type="SCHED"} 1.41434e+06
            node_softirqs_functions_total{cpu="1",type="TASKLET"} 2
            node_softirqs_functions_total{cpu="1",type="TIMER"} 1.448487e+06

            """,
            text);
    }

    [Fact]
    public void Cpus_sort_as_strings_and_unknown_vectors_are_left_out()
    {
        using var tree = new TempDirectory();
        var header = string.Concat(Enumerable.Range(0, 11).Select(i => $"  CPU{i}")) + "\n";
        tree.Write("proc/softirqs", header + "  HI: " + string.Join(' ', Enumerable.Range(100, 11)) + "\n  NEW_VECTOR: 1 2 3\n");

        var samples = CollectorHarness.Samples(CollectorHarness.Collect(new SoftirqsCollector(CollectorHarness.Context(Paths(tree)))).Text);

        Assert.Equal(11, samples.Count);
        Assert.Equal("node_softirqs_functions_total{cpu=\"0\",type=\"HI\"} 100", samples[0]);
        Assert.Equal("node_softirqs_functions_total{cpu=\"1\",type=\"HI\"} 101", samples[1]);
        Assert.Equal("node_softirqs_functions_total{cpu=\"10\",type=\"HI\"} 110", samples[2]);
        Assert.Equal("node_softirqs_functions_total{cpu=\"2\",type=\"HI\"} 102", samples[3]);
    }

    [Fact]
    public void No_file_is_no_data_and_a_bad_count_an_error()
    {
        using var tree = new TempDirectory();
        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new SoftirqsCollector(CollectorHarness.Context(Paths(tree)))).Result);

        tree.Write("proc/softirqs", "  CPU0\n  TIMER: 12x\n");
        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new SoftirqsCollector(CollectorHarness.Context(Paths(tree)))));
        Assert.Contains("TIMER", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Node_exporter_keeps_it_off_by_default() => Assert.False(SoftirqsCollector.Descriptor.EnabledByDefault);

    private static NodePaths Paths(TempDirectory tree) =>
        new(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), tree.Path);
}
