using System.Text.RegularExpressions;
using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class InterruptsCollectorTests
{
    [Fact]
    public void Every_interrupt_on_every_cpu_sorted_by_cpu_devices_info_and_type()
    {
        var (result, text) = CollectorHarness.Collect(new InterruptsCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.StartsWith(
            """
            # HELP node_interrupts_total Interrupt details.
            # TYPE node_interrupts_total counter
            node_interrupts_total{cpu="0",devices="",info="APIC ICR read retries",type="RTR"} 0
            node_interrupts_total{cpu="0",devices="",info="Function call interrupts",type="CAL"} 3.155066e+06
            node_interrupts_total{cpu="0",devices="",info="Hypervisor callback interrupts",type="HYP"} 32
            node_interrupts_total{cpu="0",devices="",info="IRQ work interrupts",type="IWI"} 2
            node_interrupts_total{cpu="0",devices="",info="Local timer interrupts",type="LOC"} 8.73847e+06

            """, text);
        var samples = CollectorHarness.Samples(text);
        Assert.Equal(66, samples.Count);
        Assert.Contains("node_interrupts_total{cpu=\"0\",devices=\"5-edge ACPI:Ged\",info=\"IO-APIC\",type=\"24\"} 1", samples);
        Assert.Contains("node_interrupts_total{cpu=\"1\",devices=\"1-edge virtio1-req.0\",info=\"PCI-MSIX-0000:00:02.0\",type=\"36\"} 2.078656e+06", samples);
        Assert.Equal("node_interrupts_total{cpu=\"1\",devices=\"\",info=\"APIC ICR read retries\",type=\"RTR\"} 0", samples[33]);
        Assert.DoesNotContain(samples, s => s.Contains("type=\"ERR\"", StringComparison.Ordinal));
    }

    [Fact]
    public void The_name_filter_sees_type_info_and_devices_and_zeros_can_be_left_out()
    {
        var included = Samples(new InterruptsOptions(new Regex("^LOC;|;IO-APIC;"), null, IncludeZeros: true));
        Assert.Equal(8, included.Count);
        Assert.All(included, s => Assert.Matches("type=\"(LOC|24|25|26)\"", s));

        var excluded = Samples(new InterruptsOptions(null, new Regex("virtio"), IncludeZeros: true));
        Assert.Equal(66 - 32, excluded.Count);

        var nonZero = Samples(new InterruptsOptions(null, null, IncludeZeros: false));
        Assert.Equal(25, nonZero.Count);
        Assert.DoesNotContain(nonZero, s => s.EndsWith(" 0", StringComparison.Ordinal));
    }

    [Fact]
    public void No_file_is_no_data_and_a_bad_count_an_error()
    {
        using var tree = new TempDirectory();
        var paths = new NodePaths(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), tree.Path);
        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new InterruptsCollector(CollectorHarness.Context(paths))).Result);

        tree.Write("proc/interrupts", "  CPU0\n  0:  1x  IO-APIC  timer\n");
        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new InterruptsCollector(CollectorHarness.Context(paths))));
        Assert.Contains("interrupts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Node_exporter_keeps_it_off_by_default_and_counts_zeros_by_default()
    {
        Assert.False(InterruptsCollector.Descriptor.EnabledByDefault);
        Assert.True(InterruptsOptions.Default.IncludeZeros);
    }

    private static IReadOnlyList<string> Samples(InterruptsOptions options) =>
        CollectorHarness.Samples(CollectorHarness.Collect(new InterruptsCollector(CollectorHarness.Context(), options)).Text);
}
