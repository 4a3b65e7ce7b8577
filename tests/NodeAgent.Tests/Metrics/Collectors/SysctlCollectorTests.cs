using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class SysctlCollectorTests
{
    [Fact]
    public void Numeric_sysctls_are_untyped_families_and_info_ones_labels()
    {
        var options = new SysctlOptions(
            ["kernel.threads-max", "fs.file-nr", "fs.file-nr:total,current,max", "net.ipv4.ip_local_port_range:low,high"],
            ["kernel.seccomp.actions_avail"]);

        var (result, text) = CollectorHarness.Collect(new SysctlCollector(CollectorHarness.Context(), options));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_sysctl_fs_file_nr sysctl fs.file-nr
            # TYPE node_sysctl_fs_file_nr untyped
            node_sysctl_fs_file_nr{index="0"} 465
            node_sysctl_fs_file_nr{index="1"} 0
            node_sysctl_fs_file_nr{index="2"} 2.46616e+06
            # HELP node_sysctl_fs_file_nr_current sysctl fs.file-nr, field 1
            # TYPE node_sysctl_fs_file_nr_current untyped
            node_sysctl_fs_file_nr_current 0
            # HELP node_sysctl_fs_file_nr_max sysctl fs.file-nr, field 2
            # TYPE node_sysctl_fs_file_nr_max untyped
            node_sysctl_fs_file_nr_max 2.46616e+06
            # HELP node_sysctl_fs_file_nr_total sysctl fs.file-nr, field 0
            # TYPE node_sysctl_fs_file_nr_total untyped
            node_sysctl_fs_file_nr_total 465
            # HELP node_sysctl_info sysctl info
            # TYPE node_sysctl_info gauge
            node_sysctl_info{index="0",name="kernel.seccomp.actions_avail",value="kill_process"} 1
            node_sysctl_info{index="1",name="kernel.seccomp.actions_avail",value="kill_thread"} 1
            node_sysctl_info{index="2",name="kernel.seccomp.actions_avail",value="trap"} 1
            node_sysctl_info{index="3",name="kernel.seccomp.actions_avail",value="errno"} 1
            node_sysctl_info{index="4",name="kernel.seccomp.actions_avail",value="user_notif"} 1
            node_sysctl_info{index="5",name="kernel.seccomp.actions_avail",value="trace"} 1
            node_sysctl_info{index="6",name="kernel.seccomp.actions_avail",value="log"} 1
            node_sysctl_info{index="7",name="kernel.seccomp.actions_avail",value="allow"} 1
            # HELP node_sysctl_kernel_threads_max sysctl kernel.threads-max
            # TYPE node_sysctl_kernel_threads_max untyped
            node_sysctl_kernel_threads_max 192735
            # HELP node_sysctl_net_ipv4_ip_local_port_range_high sysctl net.ipv4.ip_local_port_range, field 1
            # TYPE node_sysctl_net_ipv4_ip_local_port_range_high untyped
            node_sysctl_net_ipv4_ip_local_port_range_high 60999
            # HELP node_sysctl_net_ipv4_ip_local_port_range_low sysctl net.ipv4.ip_local_port_range, field 0
            # TYPE node_sysctl_net_ipv4_ip_local_port_range_low untyped
            node_sysctl_net_ipv4_ip_local_port_range_low 32768

            """,
            text);
    }

    [Fact]
    public void Nothing_configured_is_an_empty_success()
    {
        Assert.Equal((CollectResult.Success, ""), CollectorHarness.Collect(new SysctlCollector(CollectorHarness.Context())));
        Assert.False(SysctlCollector.Descriptor.EnabledByDefault);
    }

    [Theory]
    [InlineData("kernel.no_such_sysctl", "missing")]
    [InlineData("fs.file-nr:total,current", "3 values but 2 keys")]
    [InlineData("kernel.threads-max:total", "only one value")]
    [InlineData("kernel.seccomp.actions_avail", "not an integer")]
    public void A_missing_sysctl_keys_that_do_not_fit_or_text_for_a_number_fail(string include, string reason)
    {
        var error = Assert.Throws<InvalidDataException>(() =>
            CollectorHarness.Collect(new SysctlCollector(CollectorHarness.Context(), new SysctlOptions([include], []))));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_longer_than_node_exporters_128_bytes_is_read_whole()
    {
        using var tree = new TempDirectory();
        var ports = string.Join(',', Enumerable.Range(0, 40).Select(i => 10000 + (i * 3)));
        tree.Write("proc/sys/net/ipv4/ip_local_reserved_ports", ports + "\n");
        var paths = new NodePaths(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), tree.Path);

        var samples = CollectorHarness.Samples(CollectorHarness.Collect(new SysctlCollector(CollectorHarness.Context(paths), new SysctlOptions([], ["net.ipv4.ip_local_reserved_ports"]))).Text);

        Assert.True(ports.Length > 128);
        Assert.Equal([$"node_sysctl_info{{index=\"0\",name=\"net.ipv4.ip_local_reserved_ports\",value=\"{ports}\"}} 1"], samples);
    }

    [Theory]
    [InlineData("42", 42)]
    [InlineData("-1", -1)]
    [InlineData("0x1f", 31)]
    [InlineData("010", 8)]
    [InlineData("0b101", 5)]
    [InlineData("0", 0)]
    [InlineData("-9223372036854775808", long.MinValue)]
    public void Integers_are_read_as_gos_base_zero(string text, long expected)
    {
        Assert.True(SysctlCollector.TryParseInteger(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0x")]
    [InlineData("09")]
    [InlineData("9223372036854775808")]
    [InlineData("12ab")]
    public void Other_text_is_not_an_integer(string text) => Assert.False(SysctlCollector.TryParseInteger(text, out _));
}
