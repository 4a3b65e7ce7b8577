using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class CpuVulnerabilitiesCollectorTests
{
    [Fact]
    public void Each_vulnerability_file_is_one_info_series()
    {
        var (result, text) = CollectorHarness.Collect(new CpuVulnerabilitiesCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_cpu_vulnerabilities_info Details of each CPU vulnerability reported by sysfs. The value of the series is an int encoded state of the vulnerability. The same state is stored as a string in the label
            # TYPE node_cpu_vulnerabilities_info gauge
            node_cpu_vulnerabilities_info{codename="gather_data_sampling",mitigation="No mitigations",state="unknown"} 1
            node_cpu_vulnerabilities_info{codename="meltdown",mitigation="",state="not affected"} 1
            node_cpu_vulnerabilities_info{codename="mmio_stale_data",mitigation="",state="vulnerable"} 1
            node_cpu_vulnerabilities_info{codename="reg_file_data_sampling",mitigation="Processor vulnerable",state="unknown"} 1
            node_cpu_vulnerabilities_info{codename="spec_rstack_overflow",mitigation="Safe RET, no microcode",state="vulnerable"} 1
            node_cpu_vulnerabilities_info{codename="spectre_v1",mitigation="usercopy/swapgs barriers and __user pointer sanitization",state="mitigation"} 1
            node_cpu_vulnerabilities_info{codename="spectre_v2",mitigation="Retpolines; IBPB: conditional; IBRS_FW; STIBP: always-on; RSB filling; PBRSB-eIBRS: Not affected; BHI: Not affected",state="mitigation"} 1

            """, text);
    }

    [Fact]
    public void It_is_off_by_default_and_reports_nothing_without_the_directory()
    {
        Assert.False(CpuVulnerabilitiesCollector.Descriptor.EnabledByDefault);
        using var tree = new TempDirectory();

        Assert.Equal((CollectResult.Success, ""), CollectorHarness.Collect(new CpuVulnerabilitiesCollector(CollectorHarness.Context(new NodePaths(tree.Path, tree.Path, tree.Path)))));
    }
}
