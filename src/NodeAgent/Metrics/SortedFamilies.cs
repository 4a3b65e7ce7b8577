using NodeAgent.Telemetry;

namespace NodeAgent.Metrics;

/// <summary>
/// Families a collector finds in an order the kernel decides, or whose names come from the kernel (zfs kstats,
/// bcachefs counters), gathered by name and written as client_golang's registry writes them: families in name order,
/// each family's samples in label-value order (<see cref="SampleOrder"/>). Labels are given as name, value pairs in
/// label-name order, as <see cref="MetricWriter.Sample(double, ReadOnlySpan{string})"/> takes them. A second family of
/// the same name adds its samples to the first (its help and type are the first's).
/// </summary>
internal sealed class SortedFamilies
{
    private readonly SortedDictionary<string, Family> _families = new(StringComparer.Ordinal);

    public void Add(string name, MetricType type, string help, double value, params string[] labels)
    {
        if (!_families.TryGetValue(name, out var family))
        {
            _families[name] = family = new Family(type, help, []);
        }

        family.Samples.Add((labels, value));
    }

    public void WriteTo(MetricWriter writer)
    {
        foreach (var (name, family) in _families)
        {
            writer.Family(name, family.Type, family.Help);
            family.Samples.Sort(static (a, b) => SampleOrder.CompareLabels(a.Labels, b.Labels));
            foreach (var (labels, value) in family.Samples)
            {
                writer.Sample(value, labels);
            }
        }
    }

    private sealed record Family(MetricType Type, string Help, List<(string[] Labels, double Value)> Samples);
}
