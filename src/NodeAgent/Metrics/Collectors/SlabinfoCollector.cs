using System.Text.RegularExpressions;
using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>node_exporter's slabinfo flags: which caches are reported, by name. Both unanchored, as Go's MatchString;
/// node_exporter's default include, <c>.*</c>, is "unset" here (every cache).</summary>
internal sealed record SlabinfoOptions(Regex? Include, Regex? Exclude)
{
    public static readonly CollectorOption<Regex?> IncludeOption = CollectorOptions.Regex(
        "Metrics:SlabinfoSlabsInclude", null, "if set, the only slab caches slabinfo reports (by name)");

    public static readonly CollectorOption<Regex?> ExcludeOption = CollectorOptions.Regex(
        "Metrics:SlabinfoSlabsExclude", null, "slab caches slabinfo skips (by name)");

    public static IReadOnlyList<CollectorOption> Options { get; } = [IncludeOption, ExcludeOption];

    public static SlabinfoOptions Default { get; } = From(CollectorSettings.Defaults);

    public static SlabinfoOptions From(CollectorSettings settings) => new(settings.Get(IncludeOption), settings.Get(ExcludeOption));

    /// <summary>node_exporter's deviceFilter: excluded when the exclude matches or an include is set and does not.</summary>
    public bool Skips(string name) => Exclude?.IsMatch(name) == true || (Include is { } include && !include.IsMatch(name));
}

/// <summary>
/// node_exporter's slabinfo collector (collector/slabinfo_linux.go, 1.12; off by default): five gauges per kernel slab
/// cache of <c>/proc/slabinfo</c>, labelled <c>slab</c>. The file is readable by root only: an unreadable file fails the
/// collector (as in node_exporter), and a kernel without it (no CONFIG_SLUB_DEBUG) is "no data".
/// </summary>
internal sealed class SlabinfoCollector(CollectorContext context, SlabinfoOptions options) : INodeCollector
{
    public SlabinfoCollector(CollectorContext context)
        : this(context, SlabinfoOptions.Default)
    {
    }

    public static CollectorDescriptor Descriptor { get; } =
        new("slabinfo", false, SlabinfoOptions.Options, (context, settings) => new SlabinfoCollector(context, SlabinfoOptions.From(settings)));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var path = context.Paths.ProcFile("slabinfo");
        if (KernelFile.ReadAll(path) is not { } content)
        {
            return File.Exists(path) ? throw new InvalidDataException($"{path}: unreadable (it is readable by root only)") : CollectResult.NoData;
        }

        List<Slab> slabs;
        try
        {
            slabs = SlabInfo.Parse(content);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }

        slabs.RemoveAll(s => options.Skips(s.Name));
        slabs.Sort(static (a, b) => SampleOrder.Compare(a.Name, b.Name));
        // In family-name order.
        Family(writer, slabs, "node_slabinfo_active_objects", "The number of objects that are currently active (i.e., in use).", static s => s.ActiveObjects);
        Family(writer, slabs, "node_slabinfo_object_size_bytes", "The size of objects in this slab, in bytes.", static s => s.ObjectSize);
        Family(writer, slabs, "node_slabinfo_objects", "The total number of allocated objects (i.e., objects that are both in use and not in use).", static s => s.Objects);
        Family(writer, slabs, "node_slabinfo_objects_per_slab", "The number of objects stored in each slab.", static s => s.ObjectsPerSlab);
        Family(writer, slabs, "node_slabinfo_pages_per_slab", "The number of pages allocated for each slab.", static s => s.PagesPerSlab);
        return CollectResult.Success;
    }

    private static void Family(MetricWriter writer, List<Slab> slabs, string name, string help, Func<Slab, long> value)
    {
        writer.Family(name, MetricType.Gauge, help);
        foreach (var slab in slabs)
        {
            writer.Sample(value(slab), "slab", slab.Name);
        }
    }
}
