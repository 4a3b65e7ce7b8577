using System.Globalization;
using System.Text.RegularExpressions;
using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// The cpu collector's /proc/cpuinfo families (node_exporter's <c>--collector.cpu.info</c>): <c>node_cpu_info</c> per
/// processor, <c>node_cpu_frequency_hertz</c> from its "cpu MHz" (with cpufreq on, as node_exporter), and the first
/// processor's flags and bugs that match their include pattern as <c>node_cpu_flag_info</c> / <c>node_cpu_bug_info</c>.
/// </summary>
internal static class CpuInfoFamilies
{
    public static void WriteInfo(MetricWriter writer, List<CpuInfoEntry> cpus)
    {
        var series = cpus.Select(c => new[]
        {
            "cachesize", c.CacheSize, "core", c.CoreId, "cpu", Number(c.Processor), "family", c.CpuFamily, "microcode", c.Microcode,
            "model", c.Model, "model_name", c.ModelName, "package", c.PhysicalId, "stepping", c.Stepping, "vendor", c.VendorId,
        }).ToList();
        series.Sort(static (a, b) => SampleOrder.CompareLabels(a, b));
        writer.Family("node_cpu_info", MetricType.Gauge, "CPU information from /proc/cpuinfo.");
        foreach (var labels in series)
        {
            writer.Sample(1, labels);
        }
    }

    public static void WriteFrequency(MetricWriter writer, List<CpuInfoEntry> cpus)
    {
        var series = cpus.Select(c => (Labels: new[] { "core", c.CoreId, "cpu", Number(c.Processor), "package", c.PhysicalId }, Hertz: c.CpuMHz * 1e6)).ToList();
        series.Sort(static (a, b) => SampleOrder.CompareLabels(a.Labels, b.Labels));
        writer.Family("node_cpu_frequency_hertz", MetricType.Gauge, "CPU frequency in hertz from /proc/cpuinfo.");
        foreach (var (labels, hertz) in series)
        {
            writer.Sample(hertz, labels);
        }
    }

    /// <summary>The first processor's <paramref name="field"/> ("flags" or "bugs") values that match; nothing without
    /// a pattern.</summary>
    public static void WriteFieldInfo(MetricWriter writer, string family, string label, string field, List<CpuInfoEntry> cpus, Regex? include)
    {
        if (include is null || cpus.Count == 0)
        {
            return;
        }

        var values = field == "flags" ? cpus[0].Flags : cpus[0].Bugs;
        writer.Family(family, MetricType.Gauge, $"The `{field}` field of CPU information from /proc/cpuinfo taken from the first core.");
        foreach (var value in values.Where(v => include.IsMatch(v)).Order(SampleOrder.Values))
        {
            writer.Sample(1, label, value);
        }
    }

    private static string Number(uint processor) => processor.ToString(CultureInfo.InvariantCulture);
}
