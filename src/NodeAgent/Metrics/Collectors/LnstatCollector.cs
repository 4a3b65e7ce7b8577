using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's lnstat collector (collector/lnstat_linux.go, 1.12; off by default): every column of every file of
/// <c>/proc/net/stat/</c> (the network caches lnstat(8) shows) as the counter
/// <c>node_lnstat_&lt;column&gt;_total{subsystem,cpu}</c>, <c>subsystem</c> being the file's name and <c>cpu</c> the
/// row. Columns of the same name in several files (<c>entries</c>) are one family. No directory reports nothing, as
/// node_exporter does (its glob finds no file); a malformed file fails the collector.
/// </summary>
internal sealed class LnstatCollector(CollectorContext context) : INodeCollector
{
    public static CollectorDescriptor Descriptor { get; } = new("lnstat", false, (context, _) => new LnstatCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var directory = context.Paths.ProcFile("net/stat");
        // Entries come sorted by name: the subsystems' order within a family's samples of one cpu.
        var files = new List<(string Subsystem, NetStatCache Cache)>();
        foreach (var name in KernelFile.Entries(directory))
        {
            var path = Path.Join(directory, name);
            if (KernelFile.ReadAll(path) is not { } content)
            {
                continue;
            }

            try
            {
                files.Add((name, NetStatCache.Parse(content)));
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{path}: {e.Message}", e);
            }
        }

        var families = new SortedDictionary<string, List<(string Subsystem, ulong[] PerCpu)>>(StringComparer.Ordinal);
        foreach (var (subsystem, cache) in files)
        {
            for (var column = 0; column < cache.Columns.Length; column++)
            {
                var name = $"node_lnstat_{cache.Columns[column]}_total";
                if (!families.TryGetValue(name, out var members))
                {
                    families[name] = members = [];
                }

                members.Add((subsystem, cache.Values[column]));
            }
        }

        foreach (var (name, members) in families)
        {
            var cpus = members.Max(m => m.PerCpu.Length);
            var labels = IndexLabels.Texts(cpus);
            writer.Family(name, MetricType.Counter, "linux network cache stats");
            // client_golang's order: cpu (as a string), then subsystem.
            foreach (var cpu in IndexLabels.InLabelOrder(cpus))
            {
                foreach (var (subsystem, perCpu) in members)
                {
                    if (cpu < perCpu.Length)
                    {
                        writer.Sample(perCpu[cpu], "cpu", labels[cpu], "subsystem", subsystem);
                    }
                }
            }
        }

        return CollectResult.Success;
    }
}
