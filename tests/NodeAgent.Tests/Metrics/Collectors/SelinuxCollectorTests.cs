using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class SelinuxCollectorTests : IDisposable
{
    private readonly TempDirectory _tree = new();

    public void Dispose() => _tree.Dispose();

    private (CollectResult Result, string Text) CollectTree() =>
        CollectorHarness.Collect(new SelinuxCollector(CollectorHarness.Context(new NodePaths(Path.Join(_tree.Path, "proc"), Path.Join(_tree.Path, "sys"), Path.Join(_tree.Path, "root")))));

    [Fact]
    public void Without_selinuxfs_only_enabled_zero_is_written_as_a_success()
    {
        var (result, text) = CollectorHarness.Collect(new SelinuxCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_selinux_enabled SELinux is enabled, 1 is true, 0 is false
            # TYPE node_selinux_enabled gauge
            node_selinux_enabled 0

            """,
            text);
    }

    [Fact]
    public void Enabled_selinux_reports_configured_and_current_modes()
    {
        _tree.Write("sys/fs/selinux/enforce", "1");
        _tree.Write("proc/self/attr/current", "system_u:system_r:spc_t:s0\0");
        _tree.Write("root/etc/selinux/config", "# comment\nSELINUX=permissive\nSELINUXTYPE=targeted\n");

        var (result, text) = CollectTree();

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_selinux_config_mode Configured SELinux enforcement mode
            # TYPE node_selinux_config_mode gauge
            node_selinux_config_mode 0
            # HELP node_selinux_current_mode Current SELinux enforcement mode
            # TYPE node_selinux_current_mode gauge
            node_selinux_current_mode 1
            # HELP node_selinux_enabled SELinux is enabled, 1 is true, 0 is false
            # TYPE node_selinux_enabled gauge
            node_selinux_enabled 1

            """,
            text);
    }

    [Theory]
    [InlineData("SELINUX=enforcing\n", 1)]
    [InlineData("SELINUX=\"disabled\"\n", -1)]
    [InlineData("", -1)]
    public void The_configured_mode_follows_the_config_file(string config, int expected)
    {
        _tree.Write("sys/fs/selinux/enforce", "0\n");
        _tree.Write("root/etc/selinux/config", config);

        var samples = CollectorHarness.Samples(CollectTree().Text);

        Assert.Contains($"node_selinux_config_mode {expected}", samples);
        Assert.Contains("node_selinux_current_mode 0", samples);
    }

    [Fact]
    public void The_kernel_context_means_disabled()
    {
        _tree.Write("sys/fs/selinux/enforce", "1\n");
        _tree.Write("proc/self/attr/current", "kernel\n");

        Assert.Equal(["node_selinux_enabled 0"], CollectorHarness.Samples(CollectTree().Text));
    }
}
