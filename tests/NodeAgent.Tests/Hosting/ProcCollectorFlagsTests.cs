using System.Collections;
using NodeAgent.Hosting;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Hosting;

/// <summary>The flags of the off-by-default /proc collectors (sysctl, interrupts, slabinfo) as node_exporter's
/// end-to-end-test.sh and users give them.</summary>
public sealed class ProcCollectorFlagsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private ConfigReport Read(params string[] arguments)
    {
        var (layers, errors) = ConfigLayers.Load(Path.Combine(_dir.Path, "absent.json"), null, new Hashtable(), arguments);
        return AgentOptionsReader.Read(layers, errors, null, "the-host");
    }

    private AgentOptions Valid(params string[] arguments)
    {
        var report = Read(arguments);
        Assert.True(report.IsValid, string.Join("\n", report.Errors));
        return report.Options!;
    }

    [Fact]
    public void Repeated_sysctl_flags_keep_each_entry_whole_commas_included()
    {
        var settings = SysctlOptions.From(Valid(
            "--collector.sysctl",
            "--collector.sysctl.include-info=kernel.seccomp.actions_avail",
            "--collector.sysctl.include=fs.file-nr",
            "--collector.sysctl.include=fs.file-nr:total,current,max",
            "--collector.sysctl.include=kernel.threads-max").Metrics.Settings);

        Assert.Equal(["fs.file-nr", "fs.file-nr:total,current,max", "kernel.threads-max"], settings.Include);
        Assert.Equal(["kernel.seccomp.actions_avail"], settings.IncludeInfo);
    }

    [Fact]
    public void A_sysctl_key_that_cannot_end_a_metric_name_is_refused_naming_the_flag()
    {
        var report = Read("--collector.sysctl.include=fs.file-nr:total,cur-rent,max");

        Assert.False(report.IsValid);
        var error = Assert.Single(report.Errors);
        Assert.Contains("--collector.sysctl.include", error, StringComparison.Ordinal);
        Assert.Contains("cur-rent", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Interrupt_flags_set_their_options_and_the_name_filters_exclude_each_other()
    {
        var options = InterruptsOptions.From(Valid("--no-collector.interrupts.include-zeros", "--collector.interrupts.name-include=^LOC;").Metrics.Settings);
        Assert.False(options.IncludeZeros);
        Assert.Equal("^LOC;", options.NameInclude?.ToString());

        Assert.False(Read("--collector.interrupts.name-include=^LOC;", "--collector.interrupts.name-exclude=^NMI;").IsValid);
    }

    [Fact]
    public void Slabinfo_flags_set_its_filters()
    {
        var options = SlabinfoOptions.From(Valid("--collector.slabinfo.slabs-include=^kmalloc", "--collector.slabinfo.slabs-exclude=-8k$").Metrics.Settings);

        Assert.True(options.Skips("kmalloc-8k"));
        Assert.False(options.Skips("kmalloc-64"));
        Assert.True(options.Skips("dentry"));
    }
}
