using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's cgroups collector (collector/cgroups_linux.go, 1.12; off by default): per controller of
/// <c>/proc/cgroups</c>, <c>node_cgroups_cgroups</c> (its number of control groups) and <c>node_cgroups_enabled</c>
/// (its enabled column), both with node_exporter's one HELP text. A kernel without the file is "no data" here;
/// node_exporter reports the open error.
/// </summary>
internal sealed class CgroupsCollector(CollectorContext context) : INodeCollector
{
    private const string Help = "Current cgroup number of the subsystem.";

    public static CollectorDescriptor Descriptor { get; } = new("cgroups", false, (context, _) => new CgroupsCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var path = context.Paths.ProcFile("cgroups");
        if (KernelFile.ReadAll(path) is not { } content)
        {
            return CollectResult.NoData;
        }

        if (!CgroupSummary.TryParse(content, out var summaries, out var problem))
        {
            throw new InvalidDataException($"{path}: {problem}");
        }

        summaries.Sort(static (a, b) => SampleOrder.Compare(a.SubsysName, b.SubsysName));
        writer.Family("node_cgroups_cgroups", MetricType.Gauge, Help);
        foreach (var summary in summaries)
        {
            writer.Sample(summary.Cgroups, "subsys_name", summary.SubsysName);
        }

        writer.Family("node_cgroups_enabled", MetricType.Gauge, Help);
        foreach (var summary in summaries)
        {
            writer.Sample(summary.Enabled, "subsys_name", summary.SubsysName);
        }

        return CollectResult.Success;
    }
}
