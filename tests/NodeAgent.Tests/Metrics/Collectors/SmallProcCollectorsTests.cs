using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

/// <summary>The one-file collectors: loadavg, entropy, filefd and kernel_hung.</summary>
public sealed class SmallProcCollectorsTests : IDisposable
{
    private readonly TempDirectory _tree = new();

    public void Dispose() => _tree.Dispose();

    private CollectorContext TreeContext() =>
        CollectorHarness.Context(new NodePaths(Path.Join(_tree.Path, "proc"), Path.Join(_tree.Path, "sys"), Path.Join(_tree.Path, "root")));

    public static TheoryData<string> Names => ["loadavg", "entropy", "filefd", "kernel_hung"];

    private static INodeCollector Create(string name, CollectorContext context) => name switch
    {
        "loadavg" => new LoadavgCollector(context),
        "entropy" => new EntropyCollector(context),
        "filefd" => new FilefdCollector(context),
        _ => new KernelHungCollector(context),
    };

    [Fact]
    public void Loadavg_gives_the_three_averages()
    {
        Assert.Equal(
            """
            # HELP node_load1 1m load average.
            # TYPE node_load1 gauge
            node_load1 1.03
            # HELP node_load15 15m load average.
            # TYPE node_load15 gauge
            node_load15 0.92
            # HELP node_load5 5m load average.
            # TYPE node_load5 gauge
            node_load5 1.06

            """,
            CollectorHarness.Collect(new LoadavgCollector(CollectorHarness.Context())).Text);
    }

    [Fact]
    public void Entropy_gives_available_bits_and_pool_size()
    {
        Assert.Equal(
            """
            # HELP node_entropy_available_bits Bits of available entropy.
            # TYPE node_entropy_available_bits gauge
            node_entropy_available_bits 256
            # HELP node_entropy_pool_size_bits Bits of entropy pool.
            # TYPE node_entropy_pool_size_bits gauge
            node_entropy_pool_size_bits 256

            """,
            CollectorHarness.Collect(new EntropyCollector(CollectorHarness.Context())).Text);
    }

    [Fact]
    public void Filefd_gives_allocated_and_maximum()
    {
        Assert.Equal(
            """
            # HELP node_filefd_allocated File descriptor statistics: allocated.
            # TYPE node_filefd_allocated gauge
            node_filefd_allocated 465
            # HELP node_filefd_maximum File descriptor statistics: maximum.
            # TYPE node_filefd_maximum gauge
            node_filefd_maximum 2.46616e+06

            """,
            CollectorHarness.Collect(new FilefdCollector(CollectorHarness.Context())).Text);
    }

    [Fact]
    public void Kernel_hung_gives_the_hung_task_count()
    {
        _tree.Write("proc/sys/kernel/hung_task_detect_count", "3\n");
        Assert.Equal(
            """
            # HELP node_kernel_hung_tasks_total Total number of tasks that have been detected as hung since the system booted.
            # TYPE node_kernel_hung_tasks_total counter
            node_kernel_hung_tasks_total 3

            """,
            CollectorHarness.Collect(new KernelHungCollector(TreeContext())).Text);
        Assert.Equal(["node_kernel_hung_tasks_total 0"], CollectorHarness.Samples(CollectorHarness.Collect(new KernelHungCollector(CollectorHarness.Context())).Text));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_missing_file_is_no_data(string name) =>
        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(Create(name, TreeContext())).Result);

    [Theory]
    [InlineData("loadavg", "proc/loadavg", "0.1 zero 0.3 1/2 3\n")]
    [InlineData("entropy", "proc/sys/kernel/random/entropy_avail", "plenty\n")]
    [InlineData("filefd", "proc/sys/fs/file-nr", "1 0 2\n")]
    [InlineData("kernel_hung", "proc/sys/kernel/hung_task_detect_count", "-1\n")]
    public void A_malformed_file_is_an_error_naming_it(string name, string file, string content)
    {
        _tree.Write(file, content);
        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(Create(name, TreeContext())));
        Assert.Contains(file[(file.IndexOf('/', StringComparison.Ordinal) + 1)..], error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Entropy_without_a_pool_size_keeps_the_available_bits_as_no_data()
    {
        _tree.Write("proc/sys/kernel/random/entropy_avail", "42\n");
        var (result, text) = CollectorHarness.Collect(new EntropyCollector(TreeContext()));

        Assert.Equal(CollectResult.NoData, result);
        Assert.Equal(["node_entropy_available_bits 42"], CollectorHarness.Samples(text));
    }
}
