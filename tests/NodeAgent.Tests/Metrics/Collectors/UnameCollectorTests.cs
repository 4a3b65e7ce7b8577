using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class UnameCollectorTests
{
    [Fact]
    public void The_uname_fields_are_labels_in_name_order()
    {
        var reading = new UnameReading("Linux", "node-1", "6.8.0-45-generic", "#45-Ubuntu SMP PREEMPT_DYNAMIC \"q\"", "x86_64", "(none)");
        var (result, text) = CollectorHarness.Collect(new UnameCollector(CollectorHarness.Context(), () => reading));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_uname_info Labeled system information as provided by the uname system call.
            # TYPE node_uname_info gauge
            node_uname_info{domainname="(none)",machine="x86_64",nodename="node-1",release="6.8.0-45-generic",sysname="Linux",version="#45-Ubuntu SMP PREEMPT_DYNAMIC \"q\""} 1

            """,
            text);
    }

    [Fact]
    public void The_real_syscall_reads_this_kernel()
    {
        // Exercises the utsname layout: every field lands in its own label.
        var sample = Assert.Single(CollectorHarness.Samples(CollectorHarness.Collect(new UnameCollector(CollectorHarness.Context())).Text));

        Assert.Contains("sysname=\"Linux\"", sample, StringComparison.Ordinal);
        Assert.Contains($"nodename=\"{Environment.MachineName}\"", sample, StringComparison.Ordinal);
        Assert.Matches("machine=\"[a-z0-9_]+\"", sample);
        Assert.Matches("release=\"[0-9]+\\.[0-9]+", sample);
    }

    [Fact]
    public void A_failing_call_fails_the_collector() =>
        Assert.Throws<IOException>(() => CollectorHarness.Collect(new UnameCollector(CollectorHarness.Context(), () => throw new IOException("uname failed"))));
}
