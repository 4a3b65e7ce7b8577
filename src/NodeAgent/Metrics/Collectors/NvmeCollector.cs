using System.Globalization;
using System.Text.RegularExpressions;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's nvme collector (collector/nvme_linux.go, 1.11+): controller identity from
/// <c>/sys/class/nvme/&lt;ctrl&gt;/</c> and, since 1.11 (#3360), the namespaces listed under the controller. A kernel
/// without native NVMe multipath lists them as <c>nvme&lt;X&gt;n&lt;Z&gt;</c>, one with it (the default of most
/// distributions) as the per-path devices <c>nvme&lt;X&gt;c&lt;Y&gt;n&lt;Z&gt;</c>. node_exporter 1.12 (procfs 0.21, #821)
/// matches only the first form, 1.11 only the second; both are read here, so namespaces are reported on either kernel.
/// Sizes follow procfs: the <c>size</c> and <c>nuse</c> attributes times the logical block size.
/// </summary>
internal sealed partial class NvmeCollector(CollectorContext context) : INodeCollector
{
    public static CollectorDescriptor Descriptor { get; } = new("nvme", true, (context, _) => new NvmeCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var root = context.Paths.SysFile("class/nvme");
        if (!Directory.Exists(root))
        {
            return CollectResult.NoData;
        }

        var controllers = new List<Controller>();
        foreach (var name in KernelFile.Entries(root))
        {
            var dir = Path.Join(root, name);
            controllers.Add(new Controller(name, Required(dir, "firmware_rev"), Required(dir, "model"), Required(dir, "serial"),
                Required(dir, "state"), Required(dir, "cntlid"), Namespaces(name, dir)));
        }

        writer.Family("node_nvme_info", MetricType.Gauge, "Non-numeric data from /sys/class/nvme/<device>, value is always 1.");
        foreach (var c in controllers)
        {
            writer.Sample(1, "cntlid", c.ControllerId, "device", c.Name, "firmware_revision", c.Firmware, "model", c.Model,
                "serial", c.Serial, "state", c.State);
        }

        // Namespace families: labels device, nsid (both sorted as strings, as client_golang does).
        var namespaces = controllers.SelectMany(static c => c.Namespaces).ToList();
        namespaces.Sort(static (a, b) => SampleOrder.Compare((a.Device, a.Id), (b.Device, b.Id)));
        WriteNamespaces(writer, namespaces, "node_nvme_namespace_capacity_bytes",
            "Capacity of the NVMe namespace in bytes. Computed as namespace_size * namespace_logical_block_size", static n => n.SizeBlocks * n.BlockSize);

        writer.Family("node_nvme_namespace_info", MetricType.Gauge, "Information about NVMe namespaces. Value is always 1");
        var byState = namespaces.ToList();
        byState.Sort(static (a, b) => SampleOrder.Compare((a.AnaState, a.Device, a.Id), (b.AnaState, b.Device, b.Id)));
        foreach (var n in byState)
        {
            writer.Sample(1, "ana_state", n.AnaState, "device", n.Device, "nsid", n.Id);
        }

        WriteNamespaces(writer, namespaces, "node_nvme_namespace_logical_block_size_bytes",
            "Logical block size of the NVMe namespace in bytes. Usually 4Kb. Available in /sys/class/nvme/<device>/<namespace>/queue/logical_block_size",
            static n => n.BlockSize);
        WriteNamespaces(writer, namespaces, "node_nvme_namespace_size_bytes",
            "Size of the NVMe namespace in bytes. Available in /sys/class/nvme/<device>/<namespace>/size", static n => n.SizeBlocks * n.BlockSize);
        WriteNamespaces(writer, namespaces, "node_nvme_namespace_used_bytes",
            "Used space of the NVMe namespace in bytes. Available in /sys/class/nvme/<device>/<namespace>/nuse", static n => n.UsedBlocks * n.BlockSize);
        return CollectResult.Success;
    }

    private static void WriteNamespaces(MetricWriter writer, List<Namespace> namespaces, string name, string help, Func<Namespace, ulong> value)
    {
        writer.Family(name, MetricType.Gauge, help);
        foreach (var n in namespaces)
        {
            writer.Sample(value(n), "device", n.Device, "nsid", n.Id);
        }
    }

    private static List<Namespace> Namespaces(string controller, string dir)
    {
        var namespaces = new List<Namespace>();
        foreach (var entry in KernelFile.Entries(dir))
        {
            // One series per namespace id, should a controller ever list a namespace in both forms.
            var match = NamespaceName().Match(entry);
            if (!match.Success || namespaces.Exists(n => n.Id == match.Groups[1].Value))
            {
                continue;
            }

            var path = Path.Join(dir, entry);
            // procfs requires nuse, size and the block size; ana_state exists only with ANA (multipath fabrics).
            namespaces.Add(new Namespace(controller, match.Groups[1].Value, Number(Required(path, "nuse")), Number(Required(path, "size")),
                Number(Required(path, Path.Join("queue", "logical_block_size"))), KernelFile.ReadTrimmed(Path.Join(path, "ana_state")) ?? "unknown"));
        }

        return namespaces;
    }

    private static string Required(string dir, string attribute)
    {
        var file = Path.Join(dir, attribute);
        return KernelFile.ReadTrimmed(file) ?? throw new InvalidDataException($"{file}: missing or unreadable");
    }

    // As procfs: an unparsable number reads as 0.
    private static ulong Number(string text) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;

    // nvme<X>n<Z> (procfs 0.21's nvmeNamespacePattern) or nvme<X>c<Y>n<Z> (procfs 0.20's).
    [GeneratedRegex(@"^nvme\d+(?:c\d+)?n(\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex NamespaceName();

    private sealed record Controller(string Name, string Firmware, string Model, string Serial, string State, string ControllerId,
        List<Namespace> Namespaces);

    private sealed record Namespace(string Device, string Id, ulong UsedBlocks, ulong SizeBlocks, ulong BlockSize, string AnaState);
}
