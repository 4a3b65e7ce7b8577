using NodeAgent.Sysfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's cpu_vulnerabilities collector (collector/cpu_vulnerabilities_linux.go, 1.12; off by default): one
/// <c>node_cpu_vulnerabilities_info{codename,state,mitigation}</c> series, value 1, per file of
/// <c>&lt;sys&gt;/devices/system/cpu/vulnerabilities</c>. A kernel without the directory reports nothing, as in
/// node_exporter.
/// </summary>
internal sealed class CpuVulnerabilitiesCollector(CollectorContext context) : INodeCollector
{
    public static CollectorDescriptor Descriptor { get; } =
        new("cpu_vulnerabilities", false, (context, _) => new CpuVulnerabilitiesCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var directory = context.Paths.SysFile("devices/system/cpu/vulnerabilities");
        var series = new List<string[]>();
        foreach (var codename in KernelFile.Entries(directory))
        {
            var path = Path.Join(directory, codename);
            var content = KernelFile.ReadAll(path) ?? throw new InvalidDataException($"{path}: unreadable");
            var (state, mitigation) = CpuVulnerability.Parse(System.Text.Encoding.UTF8.GetString(content));
            series.Add(["codename", codename, "mitigation", mitigation, "state", state]);
        }

        series.Sort(static (a, b) => SampleOrder.CompareLabels(a, b));
        writer.Family("node_cpu_vulnerabilities_info", MetricType.Gauge,
            "Details of each CPU vulnerability reported by sysfs. The value of the series is an int encoded state of the vulnerability. The same state is stored as a string in the label");
        foreach (var labels in series)
        {
            writer.Sample(1, labels);
        }

        return CollectResult.Success;
    }
}
