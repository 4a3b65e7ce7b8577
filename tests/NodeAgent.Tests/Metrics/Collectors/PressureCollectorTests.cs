using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class PressureCollectorTests
{
    private static NodePaths Paths(TempDirectory tree) => new(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), Path.Join(tree.Path, "root"));

    [Fact]
    public void Stall_totals_are_seconds_for_every_resource()
    {
        var (result, text) = CollectorHarness.Collect(new PressureCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_pressure_cpu_waiting_seconds_total Total time in seconds that processes have waited for CPU time
            # TYPE node_pressure_cpu_waiting_seconds_total counter
            node_pressure_cpu_waiting_seconds_total 164.008042
            # HELP node_pressure_io_stalled_seconds_total Total time in seconds no process could make progress due to IO congestion
            # TYPE node_pressure_io_stalled_seconds_total counter
            node_pressure_io_stalled_seconds_total 3.087224
            # HELP node_pressure_io_waiting_seconds_total Total time in seconds that processes have waited due to IO congestion
            # TYPE node_pressure_io_waiting_seconds_total counter
            node_pressure_io_waiting_seconds_total 4.422134
            # HELP node_pressure_irq_stalled_seconds_total Total time in seconds no process could make progress due to IRQ congestion
            # TYPE node_pressure_irq_stalled_seconds_total counter
            node_pressure_irq_stalled_seconds_total 0.012345
            # HELP node_pressure_memory_stalled_seconds_total Total time in seconds no process could make progress due to memory congestion
            # TYPE node_pressure_memory_stalled_seconds_total counter
            node_pressure_memory_stalled_seconds_total 0
            # HELP node_pressure_memory_waiting_seconds_total Total time in seconds that processes have waited for memory
            # TYPE node_pressure_memory_waiting_seconds_total counter
            node_pressure_memory_waiting_seconds_total 0

            """,
            text);
    }

    [Fact]
    public void Microseconds_are_divided_twice_by_a_thousand_as_node_exporter_does()
    {
        // 98196282 / 1e6 prints 98.196282; /1000/1000 prints 98.19628200000001 (seen in node_exporter 1.11.1 output).
        using var tree = new TempDirectory();
        tree.Write("proc/pressure/cpu", "some avg10=0.00 avg60=0.00 avg300=0.00 total=98196282\n");

        var samples = CollectorHarness.Samples(CollectorHarness.Collect(new PressureCollector(CollectorHarness.Context(Paths(tree)))).Text);

        Assert.Equal(["node_pressure_cpu_waiting_seconds_total 98.19628200000001"], samples);
    }

    [Fact]
    public void A_missing_full_line_ends_as_no_data_keeping_what_was_read()
    {
        using var tree = new TempDirectory();
        tree.Write("proc/pressure/cpu", "some avg10=0.00 avg60=0.00 avg300=0.00 total=1000000\n");
        tree.Write("proc/pressure/io", "some avg10=0.00 avg60=0.00 avg300=0.00 total=5\n");

        var (result, text) = CollectorHarness.Collect(new PressureCollector(CollectorHarness.Context(Paths(tree))));

        Assert.Equal(CollectResult.NoData, result);
        Assert.Equal(["node_pressure_cpu_waiting_seconds_total 1"], CollectorHarness.Samples(text));
    }

    [Fact]
    public void No_pressure_files_is_no_data()
    {
        using var tree = new TempDirectory();
        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new PressureCollector(CollectorHarness.Context(Paths(tree)))).Result);
    }

    [Fact]
    public void A_malformed_line_is_an_error_naming_the_file()
    {
        using var tree = new TempDirectory();
        tree.Write("proc/pressure/memory", "some avg10=zero\n");

        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new PressureCollector(CollectorHarness.Context(Paths(tree)))));
        Assert.Contains("pressure/memory", error.Message, StringComparison.Ordinal);
    }
}
