using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class CpufreqCollectorTests
{
    private static NodePaths Paths(TempDirectory tree) => new(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), Path.Join(tree.Path, "root"));

    [Fact]
    public void With_the_cpu_collectors_cpuinfo_on_the_current_frequency_is_left_to_it()
    {
        var settings = new CollectorSettings(new Dictionary<string, object?> { [CpuOptions.InfoOption.Key] = true })
            .WithCollectors(new Dictionary<string, bool> { ["cpu"] = true, ["cpufreq"] = true });

        var (_, text) = CollectorHarness.Collect(CpufreqCollector.Descriptor.Create!(CollectorHarness.Context(), settings));

        Assert.DoesNotContain("node_cpu_frequency_hertz", text, StringComparison.Ordinal);
        Assert.Contains("node_cpu_frequency_max_hertz{cpu=\"0\"} 3.5e+09", CollectorHarness.Samples(text));
        Assert.Contains("node_cpu_frequency_hertz{cpu=\"0\"}", CollectorHarness.Collect(new CpufreqCollector(CollectorHarness.Context())).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Frequencies_are_hertz_and_governors_are_one_hot()
    {
        var (result, text) = CollectorHarness.Collect(new CpufreqCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_cpu_frequency_avg_hertz Average CPU thread frequency in hertz.
            # TYPE node_cpu_frequency_avg_hertz gauge
            node_cpu_frequency_avg_hertz{cpu="0"} 2e+09
            # HELP node_cpu_frequency_hertz Current CPU thread frequency in hertz.
            # TYPE node_cpu_frequency_hertz gauge
            node_cpu_frequency_hertz{cpu="0"} 2.099998e+09
            # HELP node_cpu_frequency_max_hertz Maximum CPU thread frequency in hertz.
            # TYPE node_cpu_frequency_max_hertz gauge
            node_cpu_frequency_max_hertz{cpu="0"} 3.5e+09
            node_cpu_frequency_max_hertz{cpu="1"} 3.5e+09
            # HELP node_cpu_frequency_min_hertz Minimum CPU thread frequency in hertz.
            # TYPE node_cpu_frequency_min_hertz gauge
            node_cpu_frequency_min_hertz{cpu="0"} 8e+08
            node_cpu_frequency_min_hertz{cpu="1"} 8e+08
            # HELP node_cpu_scaling_frequency_hertz Current scaled CPU thread frequency in hertz.
            # TYPE node_cpu_scaling_frequency_hertz gauge
            node_cpu_scaling_frequency_hertz{cpu="0"} 2.1e+09
            node_cpu_scaling_frequency_hertz{cpu="1"} 1.8e+09
            # HELP node_cpu_scaling_frequency_max_hertz Maximum scaled CPU thread frequency in hertz.
            # TYPE node_cpu_scaling_frequency_max_hertz gauge
            node_cpu_scaling_frequency_max_hertz{cpu="0"} 3.5e+09
            node_cpu_scaling_frequency_max_hertz{cpu="1"} 3.5e+09
            # HELP node_cpu_scaling_frequency_min_hertz Minimum scaled CPU thread frequency in hertz.
            # TYPE node_cpu_scaling_frequency_min_hertz gauge
            node_cpu_scaling_frequency_min_hertz{cpu="0"} 8e+08
            node_cpu_scaling_frequency_min_hertz{cpu="1"} 8e+08
            # HELP node_cpu_scaling_governor Current enabled CPU frequency governor.
            # TYPE node_cpu_scaling_governor gauge
            node_cpu_scaling_governor{cpu="0",governor="performance"} 0
            node_cpu_scaling_governor{cpu="0",governor="powersave"} 1
            node_cpu_scaling_governor{cpu="1",governor="performance"} 1
            node_cpu_scaling_governor{cpu="1",governor="powersave"} 0

            """,
            text);
    }

    [Fact]
    public void Offline_cpus_are_skipped()
    {
        using var tree = new TempDirectory();
        WritePolicy(tree, "cpu0");
        WritePolicy(tree, "cpu1");
        tree.Write("sys/devices/system/cpu/offline", "1\n");

        var samples = CollectorHarness.Samples(CollectorHarness.Collect(new CpufreqCollector(CollectorHarness.Context(Paths(tree)))).Text);

        Assert.Contains("node_cpu_scaling_frequency_hertz{cpu=\"0\"} 1e+09", samples);
        Assert.DoesNotContain(samples, l => l.Contains("cpu=\"1\"", StringComparison.Ordinal));
    }

    [Fact]
    public void No_cpufreq_directory_is_no_data()
    {
        using var tree = new TempDirectory();
        Directory.CreateDirectory(Path.Join(tree.Path, "sys/devices/system/cpu/cpu0"));

        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new CpufreqCollector(CollectorHarness.Context(Paths(tree)))).Result);
    }

    [Fact]
    public void An_unparsable_frequency_or_a_missing_governor_file_is_an_error()
    {
        using var tree = new TempDirectory();
        WritePolicy(tree, "cpu0");
        tree.Write("sys/devices/system/cpu/cpu0/cpufreq/scaling_max_freq", "fast\n");
        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new CpufreqCollector(CollectorHarness.Context(Paths(tree)))));
        Assert.Contains("scaling_max_freq", error.Message, StringComparison.Ordinal);

        tree.Write("sys/devices/system/cpu/cpu0/cpufreq/scaling_max_freq", "1\n");
        File.Delete(Path.Join(tree.Path, "sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"));
        Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new CpufreqCollector(CollectorHarness.Context(Paths(tree)))));
    }

    private static void WritePolicy(TempDirectory tree, string cpu)
    {
        var d = $"sys/devices/system/cpu/{cpu}/cpufreq/";
        tree.Write(d + "scaling_cur_freq", "1000000\n");
        tree.Write(d + "scaling_available_governors", "performance\n");
        tree.Write(d + "scaling_governor", "performance\n");
        tree.Write(d + "scaling_driver", "acpi-cpufreq\n");
        tree.Write(d + "related_cpus", "0\n");
        tree.Write(d + "scaling_setspeed", "<unsupported>\n");
    }
}
